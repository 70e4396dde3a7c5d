"""Keyword search: BM25 (the bm25s library) over the committed chunks of one tenant.

The index is rebuilt in memory when the registry's generation changes, so every
process (API replica, CLI) ranks the same committed chunks the same way.
"""

import threading
from collections.abc import Sequence

import bm25s
import numpy as np

from {{ cookiecutter.package_name }}.rag.registry import ChunkRecord, Registry


def _tokens(texts: Sequence[str]) -> list[list[str]]:
    tokens: list[list[str]] = bm25s.tokenize(
        list(texts), stopwords="en", show_progress=False, return_ids=False
    )
    return tokens


class KeywordIndex:
    """BM25 over one tenant's chunks, cached per registry generation."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self._lock = threading.Lock()
        self._built: dict[str, tuple[int, bm25s.BM25 | None, list[ChunkRecord]]] = {}

    def _index(self, tenant: str) -> tuple[bm25s.BM25 | None, list[ChunkRecord]]:
        generation = self.registry.generation()
        with self._lock:
            cached = self._built.get(tenant)
            if cached is None or cached[0] != generation:
                records = self.registry.chunks_of(tenant)
                model = None
                if records:
                    model = bm25s.BM25()
                    model.index(_tokens([r.text for r in records]), show_progress=False)
                cached = (generation, model, records)
                self._built[tenant] = cached
        return cached[1], cached[2]

    def search(
        self, query: str, k: int, tenant: str, document_ids: Sequence[str] | None = None
    ) -> list[tuple[ChunkRecord, float]]:
        """(chunk, BM25 score) of the k best matching chunks with a positive score."""
        model, records = self._index(tenant)
        query_tokens = _tokens([query])[0]
        if model is None or not query_tokens:
            return []
        scores = model.get_scores(query_tokens)
        if document_ids:
            wanted = set(document_ids)
            mask = np.array([r.document_id in wanted for r in records])
            scores = np.where(mask, scores, 0.0)
        best = np.argsort(-scores, kind="stable")[:k]
        return [(records[i], float(scores[i])) for i in best if scores[i] > 0]
