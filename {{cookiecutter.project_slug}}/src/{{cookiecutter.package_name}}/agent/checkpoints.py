"""Where threads are kept: a LangGraph checkpointer on the app's database.

Postgres when the app has one (DATABASE_URL, or the local pgvector server), so API
replicas share conversations; otherwise SQLite under DATA_DIR. Both survive restarts.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver

from {{ cookiecutter.package_name }}.rag.errors import ConfigurationError
from {{ cookiecutter.package_name }}.rag.locks import POLL_INTERVAL_S, SCHEMA_LOCK_KEY
from {{ cookiecutter.package_name }}.settings import Settings

SQLITE_FILE = "agent-threads.db"


def _libpq_url(url: str) -> str:
    """psycopg wants the plain URL; SQLAlchemy-style driver names are dropped."""
    scheme, _, rest = url.partition("://")
    return f"postgresql://{rest}" if scheme.startswith("postgres") else url


@asynccontextmanager
async def _schema_lock(url: str) -> AsyncIterator[None]:
    """The app's schema lock (rag/locks.py, which says why it polls), on its own connection."""
    from psycopg import AsyncConnection

    async with await AsyncConnection.connect(url, autocommit=True) as connection:
        while True:
            cursor = await connection.execute("SELECT pg_try_advisory_lock(%s)", (SCHEMA_LOCK_KEY,))
            row = await cursor.fetchone()
            if row and row[0]:
                break
            await asyncio.sleep(POLL_INTERVAL_S)
        try:
            yield
        finally:
            await connection.execute("SELECT pg_advisory_unlock(%s)", (SCHEMA_LOCK_KEY,))


@asynccontextmanager
async def open_checkpointer(settings: Settings) -> AsyncIterator[BaseCheckpointSaver[Any]]:
    """The open checkpointer, its tables created if missing; closed on exit."""
    if settings.database_url:
        try:
            from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
        except ImportError as error:
            raise ConfigurationError(
                "Agent threads in DATABASE_URL need `uv sync --extra pgvector`"
            ) from error
        url = _libpq_url(settings.database_url)
        async with AsyncPostgresSaver.from_conn_string(url) as saver:
            async with _schema_lock(url):  # replicas starting together run it once
                await saver.setup()
            yield saver
    else:
        from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

        path = settings.data_dir / SQLITE_FILE
        async with AsyncSqliteSaver.from_conn_string(str(path)) as saver:
            await saver.setup()
            yield saver
