"""What an evaluation produces: one row per question, the gated metrics, and context."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class QuestionResult:
    id: str
    question: str
    source: str
    retrieved: list[str]  # documents of the top k hits, each once, best first
    rank: int | None
    hit: float
    reciprocal_rank: float
    ndcg: float
    cited: list[str]  # documents the answer cites
    cites_source: float
    search_ms: float
    answer_ms: float


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    value: float
    threshold: float
    passed: bool


@dataclass(frozen=True)
class EvalResult:
    k: int
    documents: int
    metrics: list[Metric]
    questions: list[QuestionResult]
    latency_ms: dict[str, float]
    config: dict[str, Any]

    @property
    def passed(self) -> bool:
        return all(metric.passed for metric in self.metrics)
