"""Locks shared by every process on one database: API replicas, and the CLI beside them.

Replicas start together, and each creates the tables it needs if missing: on an empty
PostgreSQL two `CREATE TABLE`s of one name race, and the loser fails (`duplicate key value
violates unique constraint "pg_type_typname_nsp_index"`). Two replicas writing the same
document at once would interleave its registry rows and vectors. So schema changes and
writes each take a PostgreSQL advisory lock. SQLite is one machine's file: the app's
threads already take turns there (see ingest.py), so these locks do nothing.

Waiting polls `pg_try_advisory_lock` instead of blocking in `pg_advisory_lock`: a blocked
statement holds a snapshot, and `CREATE INDEX CONCURRENTLY` (the agent checkpointer's
migrations) waits for every older snapshot — the two would wait for each other forever.
"""

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from sqlalchemy import Engine, MetaData, text

# Any 64-bit numbers, the same in every process of the app: they name the locks.
SCHEMA_LOCK_KEY = 0x41495F534348454D  # "AI_SCHEM"
WRITE_LOCK_KEY = 0x41495F5752495445  # "AI_WRITE"
POLL_INTERVAL_S = 0.05


@contextmanager
def advisory_lock(engine: Engine, key: int) -> Iterator[None]:
    """Hold the lock `key` on PostgreSQL (on a connection of its own, outside any
    transaction; it goes with the connection if the process dies); elsewhere, nothing."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as pooled:
        connection = pooled.execution_options(isolation_level="AUTOCOMMIT")
        try_lock = text("SELECT pg_try_advisory_lock(:key)")
        while not connection.execute(try_lock, {"key": key}).scalar():
            time.sleep(POLL_INTERVAL_S)
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})


def schema_lock(engine: Engine) -> AbstractContextManager[None]:
    """Held while creating tables: the second replica waits, then finds them made."""
    return advisory_lock(engine, SCHEMA_LOCK_KEY)


def write_lock(engine: Engine) -> AbstractContextManager[None]:
    """Held while writing documents: one writer at a time on the database."""
    return advisory_lock(engine, WRITE_LOCK_KEY)


def create_tables(engine: Engine, metadata: MetaData) -> None:
    """Create what is missing of `metadata`'s tables (existing rows are kept)."""
    with schema_lock(engine):
        metadata.create_all(engine)
