"""Creating tables when several processes share one database.

API replicas start together, and each creates the tables it needs if they are missing:
on an empty PostgreSQL two `CREATE TABLE`s of the same name race, and the loser fails
(`duplicate key value violates unique constraint "pg_type_typname_nsp_index"`) and takes
its replica down. Every schema change of the app therefore runs under one advisory lock:
the second replica waits, then finds the tables made.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, MetaData, text

# Any 64-bit number, the same in every process of the app: it names the lock.
SCHEMA_LOCK_KEY = 0x41495F534348454D  # "AI_SCHEM"


@contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """Hold the app's schema lock on PostgreSQL; elsewhere (SQLite, one machine's file)
    there are no replicas to wait for."""
    if engine.dialect.name != "postgresql":
        yield
        return
    # A session lock on a connection of its own: the DDL may run on any other connection,
    # and the lock goes with the connection if the process dies.
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SCHEMA_LOCK_KEY})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEMA_LOCK_KEY})
            connection.commit()


def create_tables(engine: Engine, metadata: MetaData) -> None:
    """Create what is missing of `metadata`'s tables (existing rows are kept)."""
    with schema_lock(engine):
        metadata.create_all(engine)
