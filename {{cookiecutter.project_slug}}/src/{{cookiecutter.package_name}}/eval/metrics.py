"""The eval gate's metrics: pure functions of where the golden document ranked.

Relevance is binary and per document: each question has one golden document. Several
chunks of one document count once (at their best rank), so a document that fills the top
k with its chunks is not rewarded k times. With one relevant item the ideal DCG is 1, so
nDCG@k is the discounted gain of the golden document's rank alone.
"""

import math
from collections.abc import Iterable, Sequence


def document_ranking(sources: Iterable[str]) -> list[str]:
    """The documents in the order of their first hit, each once."""
    return list(dict.fromkeys(sources))


def rank_of(relevant: str, ranking: Sequence[str]) -> int | None:
    """The 1-based rank of the relevant document, or None when it was not retrieved."""
    return ranking.index(relevant) + 1 if relevant in ranking else None


def _within(rank: int | None, k: int) -> bool:
    if rank is not None and rank < 1:
        raise ValueError(f"ranks start at 1, got {rank}")
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    return rank is not None and rank <= k


def hit_at_k(rank: int | None, k: int) -> float:
    """1 when the relevant document is in the top k, else 0."""
    return 1.0 if _within(rank, k) else 0.0


def reciprocal_rank(rank: int | None, k: int) -> float:
    """1 / rank within the top k, else 0 (its mean over questions is MRR@k)."""
    return 1.0 / rank if rank is not None and _within(rank, k) else 0.0


def ndcg_at_k(rank: int | None, k: int) -> float:
    """nDCG@k for one relevant document: 1 / log2(rank + 1) within the top k, else 0."""
    return 1.0 / math.log2(rank + 1) if rank is not None and _within(rank, k) else 0.0


def cites(relevant: str, cited_sources: Iterable[str]) -> float:
    """1 when the answer cites the relevant document among its sources, else 0."""
    return 1.0 if relevant in set(cited_sources) else 0.0


def mean(values: Sequence[float]) -> float:
    """The average; an empty set of questions has no score, so it is an error."""
    if not values:
        raise ValueError("no values to average")
    return math.fsum(values) / len(values)


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (`share` in 0..1): a value that was actually measured."""
    if not values:
        raise ValueError("no values")
    if not 0.0 <= share <= 1.0:
        raise ValueError(f"share must be within 0..1, got {share}")
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)), 1) - 1]
