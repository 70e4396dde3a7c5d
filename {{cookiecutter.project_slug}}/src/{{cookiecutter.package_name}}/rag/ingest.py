"""Ingestion: bytes in, committed chunks out — idempotent, and repairable if interrupted.

Order of work for one file (see registry.py for why it is safe to kill at any step):
1. unchanged content (same hash, committed) → nothing to do;
2. load and chunk; register the new chunk ids as pending;
3. upsert the chunks into the vector store in batches (stable ids: re-running is a no-op);
4. commit: the new chunks replace the old ones in one registry transaction;
5. delete whatever is pending (old chunks, leftovers of earlier interrupted runs).
"""

import hashlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import PurePath
from typing import Literal, TypeVar

from {{ cookiecutter.package_name }}.rag.chunking import chunk_document
from {{ cookiecutter.package_name }}.rag.errors import (
    DependencyUnavailableError,
    DocumentNotFoundError,
    FileTooLargeError,
    KnowledgeBaseError,
)
from {{ cookiecutter.package_name }}.rag.loaders import load_document
from {{ cookiecutter.package_name }}.rag.registry import Registry
from {{ cookiecutter.package_name }}.rag.stores import VectorIndex
from {{ cookiecutter.package_name }}.settings import Settings

T = TypeVar("T")
IngestStatus = Literal["added", "unchanged", "replaced", "failed"]
# Pending ids older than this are leftovers of a dead process, not of a running ingest.
STALE_PENDING = timedelta(minutes=10)


@dataclass(frozen=True)
class IngestResult:
    source: str
    document_id: str
    status: IngestStatus
    chunk_count: int = 0
    error: str | None = None
    status_code: int = 200  # the HTTP status a failure maps to (413, 415, 422, ...)


def batched(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def document_id_for(tenant: str, source: str) -> str:
    """Stable id per (tenant, source name): the same file name replaces its earlier version."""
    return hashlib.sha256(f"{tenant}\0{source}".encode()).hexdigest()[:32]


class Ingestor:
    def __init__(self, settings: Settings, registry: Registry, index: VectorIndex) -> None:
        self.settings = settings
        self.registry = registry
        self.index = index
        # One writer per process: concurrent uploads of one file must not interleave.
        self._write_lock = threading.Lock()

    def ingest(
        self,
        source: str,
        data: bytes,
        tenant: str,
        on_batch: Callable[[int, int], None] | None = None,
    ) -> IngestResult:
        """Ingest one file; a bad file becomes a `failed` result, never an exception."""
        source = PurePath(source).as_posix()
        document_id = document_id_for(tenant, source)
        try:
            return self._ingest(source, data, tenant, document_id, on_batch)
        except KnowledgeBaseError as exc:
            if exc.status_code >= 500:  # the store or a provider is down: not the file's fault
                raise
            return IngestResult(
                source, document_id, "failed", error=str(exc), status_code=exc.status_code
            )

    def _ingest(
        self,
        source: str,
        data: bytes,
        tenant: str,
        document_id: str,
        on_batch: Callable[[int, int], None] | None,
    ) -> IngestResult:
        if len(data) > self.settings.max_upload_bytes:
            raise FileTooLargeError(
                f"{source} is {len(data):,} bytes; the limit is {self.settings.max_upload_bytes:,} "
                "(MAX_UPLOAD_BYTES)"
            )
        content_hash = hashlib.sha256(data).hexdigest()
        existing = self.registry.get_document(document_id, tenant)
        if existing and existing.status == "ready" and existing.content_hash == content_hash:
            with self._write_lock:
                self.sweep(document_id)  # leftovers of a run killed after its commit
            return IngestResult(source, document_id, "unchanged", existing.chunk_count)

        pages = load_document(source, data)
        chunks = chunk_document(
            document_id,
            source,
            pages,
            chunk_size=self.settings.chunk_size,
            chunk_overlap=self.settings.chunk_overlap,
        )
        with self._write_lock:
            self.registry.begin_ingest(document_id, tenant, source, (c.id for c in chunks))
            batches = batched(chunks, self.settings.ingest_batch_size)
            try:
                for number, batch in enumerate(batches, start=1):
                    self.index.add(batch)
                    if on_batch:
                        on_batch(number, len(batches))
            except KnowledgeBaseError:
                self.sweep(document_id)  # nothing committed; drop what was written
                raise
            except Exception as exc:
                # Nothing was committed: the old version stays searchable, and the new
                # chunks already written are pending deletion, removed right here.
                self.sweep(document_id)
                raise DependencyUnavailableError(
                    f"writing {source} to the {self.index.name} store failed "
                    f"({type(exc).__name__}: {exc}); nothing was changed, try again"
                ) from exc
            self.registry.commit_ingest(document_id, tenant, content_hash, len(data), chunks)
            self.sweep(document_id)
        status: IngestStatus = "replaced" if existing and existing.status == "ready" else "added"
        return IngestResult(source, document_id, status, len(chunks))

    def delete(self, document_id: str, tenant: str) -> int:
        """Delete a document and every chunk of it; returns how many chunks went."""
        with self._write_lock:
            ids = self.registry.delete_document(document_id, tenant)
            if ids is None:
                raise DocumentNotFoundError(f"no document with id {document_id}")
            self.sweep(document_id)
        return len(ids)

    def sweep(self, document_id: str) -> int:
        """Remove a document's pending chunk ids from the store (this write's leftovers and
        those of earlier interrupted runs); returns how many."""
        return self._delete_pending(self.registry.pending(document_id=document_id))

    def sweep_stale(self) -> int:
        """At startup: remove pending ids left by processes that died long ago."""
        return self._delete_pending(
            self.registry.pending(older_than=datetime.now(UTC) - STALE_PENDING)
        )

    def _delete_pending(self, pending: Sequence[str]) -> int:
        for batch in batched(pending, 256):
            self.index.delete(batch)
            self.registry.clear_pending(batch)
        return len(pending)
