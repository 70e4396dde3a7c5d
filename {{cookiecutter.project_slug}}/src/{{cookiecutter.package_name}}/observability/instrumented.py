"""The knowledge base, its embeddings and the feedback store, observed.

Subclasses and wrappers rather than code in `rag/`: the retrieval and ingestion code
stays free of telemetry, and the CLI, evaluation and benchmarks use it unobserved.
Each search is also written to the query log (in batches), which the `drift` command reads.
"""

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, TypeVar

from langchain_core.embeddings import Embeddings
from sqlalchemy import Engine

from {{ cookiecutter.package_name }}.feedback import FeedbackRecord, FeedbackStore
from {{ cookiecutter.package_name }}.observability import Observability
from {{ cookiecutter.package_name }}.observability.genai import operation_labels
from {{ cookiecutter.package_name }}.observability.query_log import QueryLog, QueryLogWriter
from {{ cookiecutter.package_name }}.rag.embeddings import build_embeddings, embeddings_signature
from {{ cookiecutter.package_name }}.rag.ingest import IngestResult
from {{ cookiecutter.package_name }}.rag.knowledge_base import DEFAULT_TENANT, KnowledgeBase
from {{ cookiecutter.package_name }}.rag.retrieval import SearchHit
from {{ cookiecutter.package_name }}.schemas import FeedbackRequest
from {{ cookiecutter.package_name }}.settings import Settings

if TYPE_CHECKING:
    from opentelemetry.trace import Span

T = TypeVar("T")
# The vector store embeds the query itself; the wrapper leaves the vector here for the
# search that asked (a context variable: concurrent requests do not see each other's).
_query_embedding: ContextVar[list[float] | None] = ContextVar("query_embedding", default=None)


@contextmanager
def _span(observability: Observability, name: str) -> "Iterator[Span | None]":
    if observability.tracer is None:
        yield None
        return
    with observability.tracer.start_as_current_span(name) as span:
        yield span


class ObservedEmbeddings(Embeddings):
    """Embeddings calls as GenAI `embeddings` operations (duration metric and span)."""

    def __init__(
        self, inner: Embeddings, observability: Observability, provider: str, model: str
    ) -> None:
        self.inner = inner
        self.observability = observability
        self.provider = provider
        self.model = model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._observed(lambda: self.inner.embed_documents(texts))

    def embed_query(self, text: str) -> list[float]:
        vector = self._observed(lambda: self.inner.embed_query(text))
        _query_embedding.set(vector)
        return vector

    def _observed(self, call: Callable[[], T]) -> T:
        labels = operation_labels("embeddings", self.provider, self.model)
        error_type = ""
        started = time.perf_counter()
        with _span(self.observability, f"embeddings {self.model}") as span:
            if span is not None:
                span.set_attributes(
                    {
                        "gen_ai.operation.name": "embeddings",
                        "gen_ai.provider.name": self.provider,
                        "gen_ai.request.model": self.model,
                    }
                )
            try:
                return call()
            except Exception as error:
                error_type = type(error).__qualname__
                raise
            finally:
                elapsed = time.perf_counter() - started
                histogram = self.observability.metrics.gen_ai_duration
                histogram.labels(**labels, error_type=error_type).observe(elapsed)


class ObservedKnowledgeBase(KnowledgeBase):
    """Searches timed, scored, traced (`retrieval` span) and logged; ingests counted."""

    def __init__(self, settings: Settings, observability: Observability) -> None:
        signature = embeddings_signature(settings)
        embeddings = ObservedEmbeddings(
            build_embeddings(settings), observability, signature.provider, signature.model
        )
        super().__init__(settings, embeddings)
        self.observability = observability
        self.query_log = (
            QueryLogWriter(QueryLog(self.registry.engine, observability.log_content))
            if settings.query_log
            else None
        )

    def close(self) -> None:
        if self.query_log is not None:
            self.query_log.close()  # before the database it writes to
        super().close()

    def search(
        self,
        query: str,
        top_k: int | None = None,
        tenant: str = DEFAULT_TENANT,
        document_ids: Sequence[str] | None = None,
        sources: Sequence[str] | None = None,
    ) -> list[SearchHit]:
        metrics = self.observability.metrics
        _query_embedding.set(None)
        started = time.perf_counter()
        with _span(self.observability, "retrieval") as span:
            hits = super().search(query, top_k, tenant, document_ids, sources)
            elapsed = time.perf_counter() - started
            # Dense cosine similarity: unlike the fused rank score, comparable over time.
            dense = [hit.dense_score for hit in hits if hit.dense_score is not None]
            top_score = max(dense, default=None)
            if span is not None:
                span.set_attributes(
                    {
                        "gen_ai.operation.name": "retrieval",
                        "gen_ai.data_source.id": self.settings.collection_name,
                        "db.system.name": self.settings.vector_store,
                        "rag.retrieval.hits": len(hits),
                    }
                )
                if top_score is not None:
                    span.set_attribute("rag.retrieval.top_score", top_score)
        metrics.retrieval_duration.observe(elapsed)
        if top_score is not None:
            metrics.retrieval_top_score.observe(top_score)
        if self.query_log is not None:
            self.query_log.add(tenant, len(hits), top_score, _query_embedding.get(), query)
        return hits

    def ingest_many(
        self,
        files: Sequence[tuple[str, bytes]],
        tenant: str = DEFAULT_TENANT,
        on_file: Callable[[str], None] | None = None,
    ) -> list[IngestResult]:
        results = super().ingest_many(files, tenant, on_file)
        metrics = self.observability.metrics
        for result in results:
            metrics.ingest_files.labels(result.status).inc()
            if result.status in ("added", "replaced"):
                metrics.ingest_chunks.inc(result.chunk_count)
        return results


class ObservedFeedbackStore(FeedbackStore):
    """Feedback counted by rating as it is stored."""

    def __init__(self, engine: Engine, observability: Observability) -> None:
        super().__init__(engine)
        self.observability = observability

    def add(self, request: FeedbackRequest, tenant: str) -> FeedbackRecord:
        record = super().add(request, tenant)
        self.observability.metrics.feedback.labels(record.rating).inc()
        return record
