"""Ingestion: bytes in, committed chunks out — idempotent, and repairable if interrupted.

Order of work for a set of files (see registry.py for why it is safe to kill at any step):
1. unchanged content (same hash, committed) → nothing to do;
2. load and chunk; register the new chunk ids as pending;
3. upsert the chunks into the vector store in batches, across files (stable ids:
   re-running is a no-op);
4. commit: the new chunks replace the old ones in one registry transaction;
5. delete whatever is pending (old chunks, leftovers of earlier interrupted runs).
"""

import hashlib
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import PurePath
from typing import Literal, TypeVar

from {{ cookiecutter.package_name }}.rag.chunking import chunk_document
from {{ cookiecutter.package_name }}.rag.errors import (
    DocumentNotFoundError,
    FileTooLargeError,
    InvalidFileNameError,
    KnowledgeBaseError,
)
from {{ cookiecutter.package_name }}.rag.loaders import load_document
from {{ cookiecutter.package_name }}.rag.locks import write_lock
from {{ cookiecutter.package_name }}.rag.outages import dependency_error
from {{ cookiecutter.package_name }}.rag.registry import DocumentRecord, NewVersion, Registry
from {{ cookiecutter.package_name }}.rag.stores import VectorIndex
from {{ cookiecutter.package_name }}.settings import Settings

T = TypeVar("T")
IngestStatus = Literal["added", "unchanged", "replaced", "failed"]
# Pending ids older than this are leftovers of a dead process, not of a running ingest.
STALE_PENDING = timedelta(minutes=10)
MAX_SOURCE_CHARS = 255
# A control character, an absolute path (/x, \x, C:x), or a ".." part.
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]|^[/\\]|^[A-Za-z]:|(^|[/\\])\.\.([/\\]|$)")


@dataclass(frozen=True)
class IngestResult:
    source: str
    document_id: str
    status: IngestStatus
    chunk_count: int = 0
    error: str | None = None
    status_code: int = 200  # the HTTP status a failure maps to (413, 415, 422, ...)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def batched(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def source_name(filename: str) -> str:
    """The name a file is stored under: a relative path such as `guides/setup.md` (the CLI
    names a directory's files so). Names are only shown and filtered on, never opened, but
    one that is absolute, climbs out with `..` or holds control characters is no honest
    client's file name, and would be a trap wherever names become paths (an export)."""
    if _UNSAFE_NAME.search(filename):
        raise InvalidFileNameError(
            f"{filename!r} is not a valid file name: use a relative name, without '..' "
            "or control characters."
        )
    if len(filename) > MAX_SOURCE_CHARS:
        raise InvalidFileNameError(
            f"A file name of {len(filename)} characters is over the limit of {MAX_SOURCE_CHARS}."
        )
    return PurePath(filename).as_posix()


def document_id_for(tenant: str, source: str) -> str:
    """Stable id per (tenant, source name): the same file name replaces its earlier version."""
    return hashlib.sha256(f"{tenant}\0{source}".encode()).hexdigest()[:32]


def load_version(settings: Settings, document_id: str, source: str, data: bytes) -> NewVersion:
    """A file loaded and chunked: the version of the document that ingesting it writes."""
    chunks = chunk_document(
        document_id,
        source,
        load_document(source, data),
        chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap,
    )
    return NewVersion(document_id, source, _sha256(data), len(data), chunks)


class Ingestor:
    def __init__(self, settings: Settings, registry: Registry, index: VectorIndex) -> None:
        self.settings = settings
        self.registry = registry
        self.index = index
        # One writer per process: concurrent uploads of one file must not interleave.
        self._write_lock = threading.Lock()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One writer at a time: among this process's threads, and among every process
        on a shared PostgreSQL (replicas), which would otherwise interleave one document's
        versions (duplicate rows, or one's sweep deleting the other's new vectors)."""
        with self._write_lock, write_lock(self.registry.engine):
            yield

    def ingest(
        self,
        files: Sequence[tuple[str, bytes]],
        tenant: str,
        on_file: Callable[[str], None] | None = None,
    ) -> list[IngestResult]:
        """Ingest (source name, bytes) pairs; one result per file, in order.

        A bad file becomes a `failed` result and never stops the others. The good ones
        are written together, in batches across files, and committed in one transaction.
        """
        results: dict[int, IngestResult] = {}
        versions: dict[int, NewVersion] = {}
        known = self.registry.get_documents(
            (document_id_for(tenant, PurePath(source).as_posix()) for source, _ in files), tenant
        )
        for position, (source, data) in enumerate(files):
            try:
                outcome = self.prepare(source_name(source), data, tenant, known)
            except KnowledgeBaseError as exc:
                if exc.status_code >= 500:  # a provider is down: not the file's fault
                    raise
                document_id = document_id_for(tenant, PurePath(source).as_posix())
                outcome = IngestResult(
                    source, document_id, "failed", error=str(exc), status_code=exc.status_code
                )
            if isinstance(outcome, NewVersion):
                versions[position] = outcome
            else:
                results[position] = outcome
            if on_file:
                on_file(source)
        if versions:
            self.write(list(versions.values()), tenant)
        for position, version in versions.items():
            previous = known.get(version.document_id)
            replaced = previous is not None and previous.status == "ready"
            status: IngestStatus = "replaced" if replaced else "added"
            results[position] = IngestResult(
                version.source, version.document_id, status, len(version.chunks)
            )
        unchanged = [r.document_id for r in results.values() if r.status == "unchanged"]
        if unchanged:
            with self._writing():
                self.sweep(unchanged)  # leftovers of a run killed after its commit
        return [results[position] for position in range(len(files))]

    def prepare(
        self, source: str, data: bytes, tenant: str, known: Mapping[str, DocumentRecord]
    ) -> NewVersion | IngestResult:
        """Load and chunk one file: its new version, or `unchanged` if the content is known."""
        if len(data) > self.settings.max_upload_bytes:
            raise FileTooLargeError(
                f"{source} is {len(data):,} bytes; the limit is {self.settings.max_upload_bytes:,} "
                "(MAX_UPLOAD_BYTES)"
            )
        document_id = document_id_for(tenant, source)
        existing = known.get(document_id)
        if existing and existing.status == "ready" and existing.content_hash == _sha256(data):
            return IngestResult(source, document_id, "unchanged", existing.chunk_count)
        return load_version(self.settings, document_id, source, data)

    def write(self, versions: Sequence[NewVersion], tenant: str) -> None:
        """Register, upsert in batches across documents, commit, then sweep old chunks."""
        document_ids = [version.document_id for version in versions]
        all_chunks = [chunk for version in versions for chunk in version.chunks]
        with self._writing():
            self.registry.begin_ingest(versions, tenant)
            try:
                for batch in batched(all_chunks, self.settings.ingest_batch_size):
                    self.index.add(batch)
            except Exception as exc:
                # Nothing was committed: old versions stay listed and searchable, and the
                # new chunks already written are pending deletion, removed right here.
                self.registry.abort_ingest(document_ids)
                self.sweep(document_ids)
                if isinstance(exc, KnowledgeBaseError):  # e.g. the embeddings': already named
                    raise
                service = f"The {self.index.name} vector store (nothing was written)"
                raise dependency_error(
                    exc, "vector_store", service, refused_is_outage=True
                ) from exc
            self.registry.commit_ingest(versions, tenant)
            self.sweep(document_ids)

    def delete(self, document_id: str, tenant: str) -> int:
        """Delete a document and every chunk of it; returns how many chunks went."""
        with self._writing():
            ids = self.registry.delete_document(document_id, tenant)
            if ids is None:
                raise DocumentNotFoundError(f"no document with id {document_id}")
            self.sweep([document_id])
        return len(ids)

    def sweep(self, document_ids: Sequence[str]) -> int:
        """Remove these documents' pending chunk ids from the store (this write's leftovers
        and those of earlier interrupted runs); returns how many."""
        return self._delete_pending(self.registry.pending(document_ids=document_ids))

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
