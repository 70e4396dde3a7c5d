"""Answering: retrieve → prompt → chat model → answer with citations, streamed.

`Answerer.stream` yields events as the answer is written: `Token`s, then one `Sources`
(the citations), then `Finished` (usage and timings). The API turns them into Server-Sent
Events, the CLI prints them, `Answerer.answer` collects them into one `Answer`.
"""

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessageChunk

from {{ cookiecutter.package_name }}.rag import extractive
from {{ cookiecutter.package_name }}.rag.errors import KnowledgeBaseError
from {{ cookiecutter.package_name }}.rag.knowledge_base import DEFAULT_TENANT, KnowledgeBase
from {{ cookiecutter.package_name }}.rag.outages import HealthRecord, dependency_error
from {{ cookiecutter.package_name }}.rag.prompts import build_messages
from {{ cookiecutter.package_name }}.rag.retrieval import SearchHit
from {{ cookiecutter.package_name }}.settings import Settings

NOT_FOUND = "I could not find anything about that in the knowledge base."
_MARKER = re.compile(r"\[(\d+)\]")
_WORD = re.compile(r"\S+\s*")


@dataclass(frozen=True)
class Citation(SearchHit):
    number: int = 0  # the [n] marker in the answer: the source's position in the prompt


@dataclass(frozen=True)
class Scope:
    """Which chunks an answer may come from."""

    tenant: str = DEFAULT_TENANT
    top_k: int | None = None  # default: ANSWER_TOP_K
    document_ids: Sequence[str] | None = None
    sources: Sequence[str] | None = None


DEFAULT_SCOPE = Scope()


@dataclass(frozen=True)
class Usage:
    """Token counts, when the provider reports them (the extractive path has none)."""

    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None


@dataclass(frozen=True)
class Token:
    text: str


@dataclass(frozen=True)
class Sources:
    citations: list[Citation]


@dataclass(frozen=True)
class Finished:
    usage: Usage
    latency_ms: float
    first_token_ms: float | None


AnswerEvent = Token | Sources | Finished


@dataclass
class Answer:
    text: str
    citations: list[Citation] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    latency_ms: float = 0.0
    first_token_ms: float | None = None


def cite(hits: Sequence[SearchHit], numbers: Sequence[int]) -> list[Citation]:
    """Citations for the 1-based source numbers, each once, in order of first mention."""
    unique = dict.fromkeys(n for n in numbers if 1 <= n <= len(hits))
    return [Citation(**vars(hits[n - 1]), number=n) for n in unique]


def _add_usage(total: Usage, chunk: AIMessageChunk) -> Usage:
    usage = chunk.usage_metadata
    if not usage:
        return total
    return Usage(
        input_tokens=(total.input_tokens or 0) + usage["input_tokens"],
        output_tokens=(total.output_tokens or 0) + usage["output_tokens"],
        total_tokens=(total.total_tokens or 0) + usage["total_tokens"],
    )


class Answerer:
    """Answers questions from a knowledge base with a chat model (or extractively: None)."""

    def __init__(
        self, knowledge_base: KnowledgeBase, model: BaseChatModel | None, settings: Settings
    ) -> None:
        self.knowledge_base = knowledge_base
        self.model = model
        self.settings = settings
        self.model_health = HealthRecord()  # the chat model's outages, for /readyz

    def retrieve(self, question: str, scope: Scope = DEFAULT_SCOPE) -> list[SearchHit]:
        """The chunks to answer from; none when even the best one is not similar enough."""
        hits = self.knowledge_base.search(
            question,
            scope.top_k or self.settings.answer_top_k,
            scope.tenant,
            scope.document_ids,
            scope.sources,
        )
        best = max((hit.dense_score or 0.0 for hit in hits), default=0.0)
        return hits if best >= self.settings.answer_min_similarity else []

    def stream(self, question: str, scope: Scope = DEFAULT_SCOPE) -> Iterator[AnswerEvent]:
        """Tokens as they are written, then the citations, then usage and timings.

        Raises DependencyError ("llm") when the model fails, possibly after some tokens.
        """
        started = time.perf_counter()
        hits = self.retrieve(question, scope)
        first_token_ms: float | None = None
        usage = Usage()
        if self.model is None or not hits:
            text, citations = self._extractive(question, hits)
            for piece in _WORD.findall(text):
                if first_token_ms is None:
                    first_token_ms = (time.perf_counter() - started) * 1000
                yield Token(piece)
        else:
            written: list[str] = []
            for chunk in self._generate(self.model, question, hits):
                usage = _add_usage(usage, chunk)
                if chunk.text:
                    if first_token_ms is None:
                        first_token_ms = (time.perf_counter() - started) * 1000
                    written.append(chunk.text)
                    yield Token(chunk.text)
            numbers = [int(n) for n in _MARKER.findall("".join(written))]
            # A model that marked no source still answered from all of them: list them all.
            citations = cite(hits, numbers or range(1, len(hits) + 1))
        yield Sources(citations)
        yield Finished(usage, (time.perf_counter() - started) * 1000, first_token_ms)

    def answer(self, question: str, scope: Scope = DEFAULT_SCOPE) -> Answer:
        """The whole answer at once (`stream`, collected)."""
        result = Answer(text="")
        parts: list[str] = []
        for event in self.stream(question, scope):
            if isinstance(event, Token):
                parts.append(event.text)
            elif isinstance(event, Sources):
                result.citations = event.citations
            else:
                result.usage = event.usage
                result.latency_ms = event.latency_ms
                result.first_token_ms = event.first_token_ms
        result.text = "".join(parts)
        return result

    def _extractive(self, question: str, hits: Sequence[SearchHit]) -> tuple[str, list[Citation]]:
        text, numbers = extractive.quote(question, hits, range(1, len(hits) + 1))
        return (text, cite(hits, numbers)) if text else (NOT_FOUND, [])

    def _generate(
        self, model: BaseChatModel, question: str, hits: Sequence[SearchHit]
    ) -> Iterator[AIMessageChunk]:
        try:
            for chunk in model.stream(build_messages(question, hits)):
                if isinstance(chunk, AIMessageChunk):
                    yield chunk
        # Each provider's client raises its own errors (httpx, openai, anthropic, ollama),
        # after its own retries: one error, 502, 503 or 504, with the cause in the log.
        except Exception as exc:
            raise self.model_failed(exc) from exc
        self.model_health.succeeded()

    def model_failed(self, exc: Exception) -> KnowledgeBaseError:
        """The chat model's error as the API reports it (502, 503 or 504), kept for /readyz."""
        service = f"The {self.settings.llm_provider} chat model"
        error = dependency_error(exc, "llm", service)
        self.model_health.failed(error)
        return error
