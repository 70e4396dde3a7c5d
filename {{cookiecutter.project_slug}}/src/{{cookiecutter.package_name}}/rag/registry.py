"""The document registry: what was ingested, when, with which chunks — the source of truth.

The vector store holds vectors; this registry (SQLite under DATA_DIR, or Postgres at
DATABASE_URL) decides which of them are *committed*. A document's new chunks become
visible in one transaction, and chunk ids that must leave the store are first written
to `pending_deletions`, so an ingest killed at any point is repaired by re-running it.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Engine,
    Integer,
    MetaData,
    RowMapping,
    String,
    Table,
    Text,
    bindparam,
    cast,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

from {{ cookiecutter.package_name }}.rag.chunking import Chunk
from {{ cookiecutter.package_name }}.rag.locks import schema_lock

metadata = MetaData()
# The dialects whose INSERT has ON CONFLICT DO UPDATE (one statement, safe between replicas).
UPSERTING_INSERTS: dict[str, Callable[[Table], postgresql.Insert | sqlite.Insert]] = {
    "postgresql": postgresql.insert,
    "sqlite": sqlite.insert,
}

documents = Table(
    "documents",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("tenant", String(64), nullable=False, index=True),
    Column("source", String(512), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("chunk_count", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # "ingesting" until its chunks are committed
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

chunks = Table(
    "chunks",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("document_id", String(64), nullable=False, index=True),
    Column("tenant", String(64), nullable=False, index=True),
    Column("source", String(512), nullable=False),
    Column("page", Integer, nullable=True),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
)

# Chunk ids that may exist in the vector store but must not (replaced, deleted, or
# written by an ingest that never committed). Swept after each write and at startup.
pending_deletions = Table(
    "pending_deletions",
    metadata,
    Column("chunk_id", String(64), primary_key=True),
    Column("document_id", String(64), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Facts about the index as a whole: the embeddings it was built with, a change counter.
index_meta = Table(
    "index_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(512), nullable=False),
)


@dataclass(frozen=True)
class DocumentRecord:
    id: str
    tenant: str
    source: str
    content_hash: str
    size_bytes: int
    chunk_count: int
    status: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class NewVersion:
    """A document's new content, as `commit_ingest` makes it the current one."""

    document_id: str
    source: str
    content_hash: str
    size_bytes: int
    chunks: Sequence[Chunk]


@dataclass(frozen=True)
class ChunkRecord:
    id: str
    document_id: str
    source: str
    page: int | None
    position: int
    text: str


def _now() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """A timestamp read back from the database: SQLite drops the zone of what was UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def document_of(row: RowMapping) -> DocumentRecord:
    return DocumentRecord(
        **{**row, "created_at": as_utc(row["created_at"]), "updated_at": as_utc(row["updated_at"])}
    )


def _enable_sqlite_wal(dbapi_connection: DBAPIConnection, _: ConnectionPoolEntry) -> None:
    # WAL lets searches read while an ingest writes; busy_timeout waits instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class Registry:
    """Typed access to the registry tables; every method is one short transaction."""

    def __init__(self, url: str) -> None:
        self.engine: Engine = create_engine(url, pool_pre_ping=True)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _enable_sqlite_wal)
        with schema_lock(self.engine):  # replicas may be creating them too
            metadata.create_all(self.engine)
            with self._tx() as tx:
                self._ensure_generation(tx)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        """A write transaction, committed on success."""
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A connection for reads: no commit (and so no disk sync) needed."""
        with self.engine.connect() as connection:
            yield connection

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(select(1))

    # --- documents ----------------------------------------------------------------------

    def get_document(self, document_id: str, tenant: str) -> DocumentRecord | None:
        return self.get_documents([document_id], tenant).get(document_id)

    def get_documents(self, document_ids: Iterable[str], tenant: str) -> dict[str, DocumentRecord]:
        ids = list(document_ids)
        query = select(documents).where(documents.c.id.in_(ids), documents.c.tenant == tenant)
        with self._read() as connection:
            return {row["id"]: document_of(row) for row in connection.execute(query).mappings()}

    def list_documents(self, tenant: str) -> list[DocumentRecord]:
        query = (
            select(documents)
            .where(documents.c.tenant == tenant, documents.c.status == "ready")
            .order_by(documents.c.source)
        )
        with self._read() as tx:
            return [document_of(row) for row in tx.execute(query).mappings()]

    def begin_ingest(self, versions: Sequence[NewVersion], tenant: str) -> None:
        """Mark the documents as being ingested and register the ids about to be written.

        Until `commit_ingest`, the new ids count as pending deletions: if this process
        dies, the next sweep removes whatever of them reached the store.
        """
        now = _now()
        with self._tx() as tx:
            ids = [version.document_id for version in versions]
            known = set(tx.execute(select(documents.c.id).where(documents.c.id.in_(ids))).scalars())
            if known:
                tx.execute(
                    update(documents)
                    .where(documents.c.id.in_(known))
                    .values(status="ingesting", updated_at=now)
                )
            new_rows = [
                {
                    "id": version.document_id,
                    "tenant": tenant,
                    "source": version.source,
                    "content_hash": "",
                    "size_bytes": 0,
                    "chunk_count": 0,
                    "status": "ingesting",
                    "created_at": now,
                    "updated_at": now,
                }
                for version in versions
                if version.document_id not in known
            ]
            if new_rows:
                tx.execute(insert(documents), new_rows)
            new_chunks = {c.id: v.document_id for v in versions for c in v.chunks}
            self._add_pending(tx, new_chunks, now)

    def abort_ingest(self, document_ids: Sequence[str]) -> None:
        """Undo `begin_ingest` after a failed write: documents with a committed version are
        ready again (that version), new ones are forgotten. Their new chunk ids stay pending,
        for the sweep."""
        with self._tx() as tx:
            of_documents = documents.c.id.in_(document_ids)
            never_committed = documents.c.content_hash == ""
            tx.execute(delete(documents).where(of_documents, never_committed))
            tx.execute(update(documents).where(of_documents).values(status="ready"))

    def commit_ingest(self, versions: Sequence[NewVersion], tenant: str) -> None:
        """Make each document's new chunks its chunks, all in one transaction; the old
        chunks become pending deletions."""
        now = _now()
        document_ids = [version.document_id for version in versions]
        new_ids = {c.id for version in versions for c in version.chunks}
        with self._tx() as tx:
            of_documents = chunks.c.document_id.in_(document_ids)
            old = tx.execute(select(chunks.c.id, chunks.c.document_id).where(of_documents))
            self._add_pending(tx, {c: d for c, d in old if c not in new_ids}, now)
            tx.execute(delete(chunks).where(of_documents))
            tx.execute(delete(pending_deletions).where(pending_deletions.c.chunk_id.in_(new_ids)))
            tx.execute(
                update(documents).where(documents.c.id == bindparam("document_id")),
                [
                    {
                        "document_id": version.document_id,
                        "content_hash": version.content_hash,
                        "size_bytes": version.size_bytes,
                        "chunk_count": len(version.chunks),
                        "status": "ready",
                        "updated_at": now,
                    }
                    for version in versions
                ],
            )
            rows = [
                {
                    "id": c.id,
                    "document_id": version.document_id,
                    "tenant": tenant,
                    "source": c.source,
                    "page": c.page,
                    "position": c.position,
                    "text": c.text,
                }
                for version in versions
                for c in version.chunks
            ]
            if rows:
                tx.execute(insert(chunks), rows)
            self._bump_generation(tx)

    def delete_document(self, document_id: str, tenant: str) -> list[str] | None:
        """Forget the document (its chunks become pending); return them, None if unknown."""
        with self._tx() as tx:
            found = tx.execute(
                select(documents.c.id).where(
                    documents.c.id == document_id, documents.c.tenant == tenant
                )
            ).first()
            if not found:
                return None
            ids = list(
                tx.execute(select(chunks.c.id).where(chunks.c.document_id == document_id)).scalars()
            )
            self._add_pending(tx, dict.fromkeys(ids, document_id), _now())
            tx.execute(delete(chunks).where(chunks.c.document_id == document_id))
            tx.execute(delete(documents).where(documents.c.id == document_id))
            self._bump_generation(tx)
        return ids

    # --- chunks -------------------------------------------------------------------------

    def chunks_of(self, tenant: str) -> list[ChunkRecord]:
        query = (
            select(
                chunks.c.id,
                chunks.c.document_id,
                chunks.c.source,
                chunks.c.page,
                chunks.c.position,
                chunks.c.text,
            )
            .where(chunks.c.tenant == tenant)
            .order_by(chunks.c.id)
        )
        with self._read() as tx:
            return [ChunkRecord(**row) for row in tx.execute(query).mappings()]

    def chunk_count(self) -> int:
        with self._read() as tx:
            return int(tx.execute(select(func.count()).select_from(chunks)).scalar_one())

    # --- pending deletions --------------------------------------------------------------

    def pending(
        self, document_ids: Iterable[str] | None = None, older_than: datetime | None = None
    ) -> list[str]:
        """Chunk ids waiting to be deleted from the store: of some documents, or left for long."""
        query = select(pending_deletions.c.chunk_id).order_by(pending_deletions.c.chunk_id)
        if document_ids is not None:
            query = query.where(pending_deletions.c.document_id.in_(list(document_ids)))
        if older_than is not None:
            query = query.where(pending_deletions.c.created_at < older_than)
        with self._read() as tx:
            return list(tx.execute(query).scalars())

    def clear_pending(self, chunk_ids: Iterable[str]) -> None:
        ids = list(chunk_ids)
        if ids:
            with self._tx() as tx:
                tx.execute(delete(pending_deletions).where(pending_deletions.c.chunk_id.in_(ids)))

    @staticmethod
    def _add_pending(tx: Connection, owners: Mapping[str, str], now: datetime) -> None:
        """Register chunk ids (mapped to their document) as pending deletion."""
        if not owners:
            return
        pending = pending_deletions.c.chunk_id
        known = set(tx.execute(select(pending).where(pending.in_(list(owners)))).scalars())
        rows = [
            {"chunk_id": chunk_id, "document_id": owners[chunk_id], "created_at": now}
            for chunk_id in sorted(owners.keys() - known)
        ]
        if rows:
            tx.execute(insert(pending_deletions), rows)

    # --- index facts --------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        with self._read() as tx:
            value = tx.execute(select(index_meta.c.value).where(index_meta.c.key == key)).scalar()
        return str(value) if value is not None else None

    def set_meta(self, key: str, value: str) -> None:
        """Insert or overwrite, in one statement: replicas may set the same key at once."""
        dialect_insert = UPSERTING_INSERTS.get(self.engine.dialect.name)
        with self._tx() as tx:
            if dialect_insert is None:
                tx.execute(delete(index_meta).where(index_meta.c.key == key))
                tx.execute(insert(index_meta).values(key=key, value=value))
                return
            upsert = dialect_insert(index_meta).values(key=key, value=value)
            tx.execute(upsert.on_conflict_do_update(index_elements=["key"], set_={"value": value}))

    def generation(self) -> int:
        """A counter bumped by every commit: caches derived from the chunks key on it."""
        return int(self.get_meta("generation") or 0)

    @staticmethod
    def _ensure_generation(tx: Connection) -> None:
        query = select(index_meta.c.key).where(index_meta.c.key == "generation")
        if tx.execute(query).first() is None:
            tx.execute(insert(index_meta).values(key="generation", value="0"))

    @staticmethod
    def _bump_generation(tx: Connection) -> None:
        # One UPDATE computing from the stored value: two replicas committing at once get
        # two generations (a read-then-write would give both the same one, and a cache
        # built between them would never see the second commit). The row exists: __init__.
        value = cast(cast(index_meta.c.value, Integer) + 1, String)
        tx.execute(update(index_meta).where(index_meta.c.key == "generation").values(value=value))
