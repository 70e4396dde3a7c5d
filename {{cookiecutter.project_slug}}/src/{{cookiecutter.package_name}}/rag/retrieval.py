"""Hybrid retrieval: dense similarity and BM25, fused with reciprocal rank fusion (RRF).

Dense search finds paraphrases; BM25 finds exact names, codes and numbers. RRF merges
the two rankings by position, so their incomparable scores never need calibrating.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from {{ cookiecutter.package_name }}.rag.keyword_search import KeywordIndex
from {{ cookiecutter.package_name }}.rag.stores import VectorIndex

RRF_K = 60  # the constant from the original RRF paper; damps the weight of the top ranks
SNIPPET_CHARS = 300


@dataclass(frozen=True)
class SearchHit:
    chunk_id: str
    document_id: str
    source: str
    page: int | None
    position: int
    text: str
    score: float  # fused RRF score: higher is better, comparable within one result list
    dense_score: float | None  # cosine similarity, when dense search found the chunk
    keyword_score: float | None  # BM25 score, when keyword search found the chunk

    @property
    def snippet(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1] + "…"


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int = RRF_K) -> dict[str, float]:
    """Sum of 1 / (k + rank) over every ranking an id appears in (rank starts at 1)."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return fused


class Retriever:
    def __init__(self, index: VectorIndex, keywords: KeywordIndex) -> None:
        self.index = index
        self.keywords = keywords

    def search(
        self,
        query: str,
        top_k: int,
        tenant: str,
        document_ids: Sequence[str] | None = None,
    ) -> list[SearchHit]:
        candidates = max(top_k * 2, 10)  # enough depth for fusion; deeper costs latency
        snapshot = self.keywords.snapshot(tenant)
        records = snapshot.records
        keyword = snapshot.search(query, candidates, document_ids)
        dense = self.index.search(query, candidates, document_ids)
        # Only the tenant's committed chunks count: an interrupted ingest may have left
        # others in the store, and other tenants' chunks share it.
        dense_scores = {chunk_id: score for chunk_id, score in dense if chunk_id in records}
        keyword_scores = {record.id: score for record, score in keyword}

        fused = reciprocal_rank_fusion([list(dense_scores), list(keyword_scores)])
        best = sorted(fused, key=lambda chunk_id: (-fused[chunk_id], chunk_id))[:top_k]
        return [
            SearchHit(
                chunk_id=chunk_id,
                document_id=records[chunk_id].document_id,
                source=records[chunk_id].source,
                page=records[chunk_id].page,
                position=records[chunk_id].position,
                text=records[chunk_id].text,
                score=fused[chunk_id],
                dense_score=dense_scores.get(chunk_id),
                keyword_score=keyword_scores.get(chunk_id),
            )
            for chunk_id in best
        ]
