"""Keyword search: BM25 (the bm25s library) over the committed chunks of one tenant.

The index is rebuilt in memory when the registry's generation changes, so every
process (API replica, CLI) ranks the same committed chunks the same way. The snapshot
also tells retrieval which chunks are committed, without another database query.
"""

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import numpy as np

from {{ cookiecutter.package_name }}.rag.registry import ChunkRecord, Registry


def _tokens(texts: Sequence[str]) -> list[list[str]]:
    tokens: list[list[str]] = bm25s.tokenize(
        list(texts), stopwords="en", show_progress=False, return_ids=False
    )
    return tokens


@dataclass(frozen=True)
class KeywordSnapshot:
    """BM25 over the committed chunks of one tenant at one registry generation."""

    generation: int
    records: dict[str, ChunkRecord]  # every committed chunk, by id
    model: bm25s.BM25 | None
    order: list[ChunkRecord]  # the BM25 model's document order

    def search(
        self, query: str, k: int, document_ids: Sequence[str] | None = None
    ) -> list[tuple[ChunkRecord, float]]:
        """(chunk, BM25 score) of the k best matching chunks with a positive score."""
        query_tokens = _tokens([query])[0]
        if self.model is None or not query_tokens:
            return []
        scores = self.model.get_scores(query_tokens)
        if document_ids:
            wanted = set(document_ids)
            mask = np.array([record.document_id in wanted for record in self.order])
            scores = np.where(mask, scores, 0.0)
        best = np.argsort(-scores, kind="stable")[:k]
        return [(self.order[i], float(scores[i])) for i in best if scores[i] > 0]


class KeywordIndex:
    """Keeps one snapshot per tenant, rebuilt when the registry's generation moves on."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._lock = threading.Lock()
        self._snapshots: dict[str, KeywordSnapshot] = {}

    def snapshot(self, tenant: str) -> KeywordSnapshot:
        generation = self.registry.generation()
        with self._lock:
            current = self._snapshots.get(tenant)
            if current is None or current.generation != generation:
                order = self.registry.chunks_of(tenant)
                model = None
                if order:
                    model = bm25s.BM25()
                    model.index(_tokens([record.text for record in order]), show_progress=False)
                records = {record.id: record for record in order}
                current = KeywordSnapshot(generation, records, model, order)
                self._snapshots[tenant] = current
        return current
