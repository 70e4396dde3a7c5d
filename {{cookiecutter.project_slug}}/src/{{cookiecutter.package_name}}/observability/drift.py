"""Drift: are this week's questions, and how well the documents match them, like before?

Two windows of the query log are compared — a recent one and the reference before it:

- **What users ask** — the cosine distance between the mean query embedding (sketch) of
  each window. 0 means the same centre of topics; it grows as questions move to other
  subjects. A permutation test says how often splitting the same queries at random gives
  a distance as large: drift is flagged only for a large distance (past the threshold)
  that chance does not explain (p < ALPHA), so neither a tiny shift seen over many
  queries nor noise in a quiet week raises it.
- **How well the documents answer** — the two-sample Kolmogorov-Smirnov statistic of the
  best retrieval score per query: the largest gap, over every score s, between the shares
  of each window's queries scoring below s (0.2: a fifth of the queries moved). Flagged
  past the threshold when its p-value is below ALPHA too. (PSI, the other usual choice,
  reads 0.1-0.2 on two samples of the *same* scores at a few dozen queries a window.)
  A drop means users ask about things the knowledge base lacks, or retrieval changed.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from {{ cookiecutter.package_name }}.observability.query_log import QueryWindow

ALPHA = 0.05
PERMUTATIONS = 200
_KS_TERMS = 100  # the series converges long before
_SEED = 20240601  # fixed: the same log gives the same report, run after run


@dataclass(frozen=True)
class DriftThresholds:
    embedding_distance: float = 0.1
    top_score_ks: float = 0.2
    min_queries: int = 30  # per window: fewer and the statistics say little


@dataclass(frozen=True)
class WindowSummary:
    start: datetime
    end: datetime
    queries: int
    mean_top_score: float | None


@dataclass(frozen=True)
class DriftReport:
    reference: WindowSummary
    recent: WindowSummary
    thresholds: DriftThresholds
    enough_data: bool
    embedding_distance: float | None = None
    embedding_p_value: float | None = None
    top_score_ks: float | None = None
    top_score_p_value: float | None = None

    @property
    def embedding_drift(self) -> bool:
        return (
            self.embedding_distance is not None
            and self.embedding_p_value is not None
            and self.embedding_distance >= self.thresholds.embedding_distance
            and self.embedding_p_value < ALPHA
        )

    @property
    def score_drift(self) -> bool:
        return (
            self.top_score_ks is not None
            and self.top_score_p_value is not None
            and self.top_score_ks >= self.thresholds.top_score_ks
            and self.top_score_p_value < ALPHA
        )

    @property
    def drifted(self) -> bool:
        return self.embedding_drift or self.score_drift


def windows(now: datetime, recent: timedelta, reference: timedelta) -> tuple[datetime, ...]:
    """(reference start, recent start, now): the reference window ends where recent begins."""
    return now - recent - reference, now - recent, now


def cosine_distance(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    norms = float(np.linalg.norm(a) * np.linalg.norm(b))
    return 1.0 - float(a @ b) / norms if norms > 0 else 1.0


def centroid_distance(reference: NDArray[np.float32], recent: NDArray[np.float32]) -> float:
    """Cosine distance between the mean vectors of two sets of (unit-norm) embeddings."""
    return cosine_distance(
        reference.mean(axis=0, dtype=np.float64), recent.mean(axis=0, dtype=np.float64)
    )


def permutation_p_value(
    reference: NDArray[np.float32], recent: NDArray[np.float32], rounds: int = PERMUTATIONS
) -> float:
    """Share of random relabellings of the pooled queries whose centroid distance is at
    least the observed one (with the usual +1 correction: never exactly 0)."""
    observed = centroid_distance(reference, recent)
    pooled = np.vstack([reference, recent]).astype(np.float64)
    total = pooled.sum(axis=0)
    size_a, size_b = len(reference), len(recent)
    rng = np.random.default_rng(_SEED)
    as_large = 0
    for _ in range(rounds):
        chosen = rng.choice(len(pooled), size=size_a, replace=False)
        sum_a = pooled[chosen].sum(axis=0)
        distance = cosine_distance(sum_a / size_a, (total - sum_a) / size_b)
        as_large += distance >= observed
    return (as_large + 1) / (rounds + 1)


def ks_two_sample(
    reference: NDArray[np.float64], recent: NDArray[np.float64]
) -> tuple[float, float]:
    """Kolmogorov-Smirnov statistic D = max |F_reference(s) - F_recent(s)| and its
    asymptotic p-value (Kolmogorov's series, with Stephens' small-sample correction)."""
    pooled = np.sort(np.concatenate([reference, recent]))
    cdf_a = np.searchsorted(np.sort(reference), pooled, side="right") / len(reference)
    cdf_b = np.searchsorted(np.sort(recent), pooled, side="right") / len(recent)
    statistic = float(np.max(np.abs(cdf_a - cdf_b)))
    effective = np.sqrt(len(reference) * len(recent) / (len(reference) + len(recent)))
    lam = (effective + 0.12 + 0.11 / effective) * statistic
    if lam == 0:
        return statistic, 1.0
    terms = np.arange(1, _KS_TERMS + 1)
    series = 2 * np.sum((-1.0) ** (terms - 1) * np.exp(-2 * terms**2 * lam**2))
    return statistic, float(np.clip(series, 0.0, 1.0))


def _summary(window: QueryWindow) -> WindowSummary:
    scores = window.top_scores
    mean = float(scores.mean()) if len(scores) else None
    return WindowSummary(window.start, window.end, window.count, mean)


def detect_drift(
    reference: QueryWindow, recent: QueryWindow, thresholds: DriftThresholds
) -> DriftReport:
    """Compare the windows; statistics stay None where a window has too few queries."""
    enough = min(reference.count, recent.count) >= thresholds.min_queries
    report = DriftReport(_summary(reference), _summary(recent), thresholds, enough)
    if not enough:
        return report
    distance = p_value = ks = ks_p_value = None
    if min(len(reference.sketches), len(recent.sketches)) >= thresholds.min_queries:
        distance = centroid_distance(reference.sketches, recent.sketches)
        p_value = permutation_p_value(reference.sketches, recent.sketches)
    if min(len(reference.top_scores), len(recent.top_scores)) >= thresholds.min_queries:
        ks, ks_p_value = ks_two_sample(reference.top_scores, recent.top_scores)
    return DriftReport(
        report.reference,
        report.recent,
        thresholds,
        enough,
        embedding_distance=distance,
        embedding_p_value=p_value,
        top_score_ks=ks,
        top_score_p_value=ks_p_value,
    )
