"""The query log: what drift detection compares, one row per search.

Kept in the registry's database (like feedback). A row holds when, for which tenant, how
good the best match was, and a *sketch* of the query's embedding — not the query text,
unless LOG_CONTENT=true. The sketch is a fixed random projection of the unit embedding to
SKETCH_DIMENSION numbers: centroids and distances computed on sketches track those of the
full vectors (Johnson-Lindenstrauss), it is small (1 KB), and, unlike a full embedding, it
is a poor starting point for reconstructing the query text.
"""

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import numpy as np
import structlog
from numpy.typing import NDArray
from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    select,
)
from sqlalchemy.exc import SQLAlchemyError

from {{ cookiecutter.package_name }}.rag.locks import create_tables

SKETCH_DIMENSION = 256
FLUSH_INTERVAL_S = 1.0
MAX_BUFFERED = 10_000  # a database down for long loses rows rather than growing memory

Row = dict[str, Any]
log = structlog.stdlib.get_logger(__name__)

metadata = MetaData()

query_log = Table(
    "query_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("tenant", String(64), nullable=False, index=True),
    Column("hits", Integer, nullable=False),
    Column("top_score", Float, nullable=True),  # best dense cosine similarity; None: no hit
    Column("sketch", LargeBinary, nullable=True),  # float32 x SKETCH_DIMENSION
    Column("query", Text, nullable=True),  # only with LOG_CONTENT=true
)


@lru_cache(maxsize=4)
def _projection(dimension: int) -> NDArray[np.float32]:
    """A ±1/sqrt(k) matrix (Achlioptas) from blake2b: the same on every machine, forever,
    so sketches written by any process or version stay comparable."""
    bits_needed = dimension * SKETCH_DIMENSION
    stream = b"".join(
        hashlib.blake2b(f"query-sketch:{dimension}:{block}".encode()).digest()
        for block in range(-(-bits_needed // 512))
    )
    bits = np.unpackbits(np.frombuffer(stream, dtype=np.uint8))[:bits_needed]
    signs = bits.reshape(dimension, SKETCH_DIMENSION).astype(np.float32) * 2 - 1
    scaled: NDArray[np.float32] = signs / np.float32(np.sqrt(SKETCH_DIMENSION))
    return scaled


def sketch(embedding: list[float]) -> bytes | None:
    """The compact form stored for a query embedding (None for a zero vector)."""
    vector = np.asarray(embedding, dtype=np.float32)
    norm = float(np.linalg.norm(vector))
    if norm == 0 or not np.isfinite(norm):
        return None
    projected = (vector / norm) @ _projection(vector.shape[0])
    return projected.astype("<f4").tobytes()


@dataclass(frozen=True)
class QueryWindow:
    """The queries of one time window, as arrays ready for statistics."""

    start: datetime
    end: datetime
    count: int
    sketches: NDArray[np.float32]  # (queries with a sketch, SKETCH_DIMENSION)
    top_scores: NDArray[np.float64]  # of the queries that found something


class QueryLog:
    def __init__(self, engine: Engine, log_content: bool = False) -> None:
        self.engine = engine
        self.log_content = log_content
        create_tables(engine, metadata)  # only what is missing: existing rows are kept

    def row(
        self,
        tenant: str,
        hits: int,
        top_score: float | None,
        embedding: list[float] | None,
        query: str,
    ) -> Row:
        """One search, as stored (the text only with LOG_CONTENT)."""
        return {
            "created_at": datetime.now(UTC),
            "tenant": tenant,
            "hits": hits,
            "top_score": top_score,
            "sketch": sketch(embedding) if embedding else None,
            "query": query if self.log_content else None,
        }

    def write(self, rows: Sequence[Row]) -> None:
        if rows:
            with self.engine.begin() as connection:
                connection.execute(query_log.insert(), list(rows))  # one executemany

    def record(
        self,
        tenant: str,
        hits: int,
        top_score: float | None,
        embedding: list[float] | None,
        query: str,
    ) -> None:
        """Write one search now (the API uses `QueryLogWriter`, which batches)."""
        self.write([self.row(tenant, hits, top_score, embedding, query)])

    def window(self, start: datetime, end: datetime, tenant: str | None = None) -> QueryWindow:
        """Queries logged in [start, end), of one tenant or all."""
        columns = select(query_log.c.top_score, query_log.c.sketch)
        selected = columns.where(query_log.c.created_at >= start, query_log.c.created_at < end)
        if tenant is not None:
            selected = selected.where(query_log.c.tenant == tenant)
        with self.engine.connect() as connection:
            rows = connection.execute(selected).all()
        sketches = [np.frombuffer(row.sketch, dtype="<f4") for row in rows if row.sketch]
        scores = [row.top_score for row in rows if row.top_score is not None]
        return QueryWindow(
            start=start,
            end=end,
            count=len(rows),
            sketches=(
                np.vstack(sketches) if sketches else np.empty((0, SKETCH_DIMENSION), np.float32)
            ),
            top_scores=np.asarray(scores, dtype=np.float64),
        )

    def delete_before(self, cutoff: datetime) -> int:
        """Forget queries older than `cutoff` (retention); returns how many."""
        with self.engine.begin() as connection:
            result = connection.execute(query_log.delete().where(query_log.c.created_at < cutoff))
        return result.rowcount


class QueryLogWriter:
    """Writes the log in batches from a background thread: a search never waits for the
    database (one commit per search would add milliseconds to every request)."""

    def __init__(self, query_log: QueryLog, interval_s: float = FLUSH_INTERVAL_S) -> None:
        self.query_log = query_log
        self.interval_s = interval_s
        self._rows: list[Row] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name="query-log-writer", daemon=True)
        self._thread.start()

    def add(
        self,
        tenant: str,
        hits: int,
        top_score: float | None,
        embedding: list[float] | None,
        query: str,
    ) -> None:
        row = self.query_log.row(tenant, hits, top_score, embedding, query)
        with self._lock:
            if len(self._rows) < MAX_BUFFERED:
                self._rows.append(row)

    def flush(self) -> None:
        with self._lock:
            rows, self._rows = self._rows, []
        try:
            self.query_log.write(rows)
        # Lost rows cost some statistics, never a request: logged, not raised.
        except SQLAlchemyError:
            log.warning("query_log_write_failed", rows=len(rows), exc_info=True)

    def close(self) -> None:
        """Stop the thread and write what is left (at shutdown)."""
        self._closed.set()
        self._thread.join()
        self.flush()

    def _run(self) -> None:
        while not self._closed.wait(self.interval_s):
            self.flush()
