"""Who owns which conversation thread.

The checkpointer keeps a thread's messages by id and knows nothing of owners; this table,
on the registry's database, does. Every read, run and delete goes through `get`, so a
thread id leaked or guessed by another tenant is "not found" for them.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Engine, MetaData, RowMapping, String, Table, select

from {{ cookiecutter.package_name }}.rag.errors import KnowledgeBaseError
from {{ cookiecutter.package_name }}.rag.locks import create_tables
from {{ cookiecutter.package_name }}.rag.registry import as_utc

metadata = MetaData()

agent_threads = Table(
    "agent_threads",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("owner", String(64), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


class ThreadNotFoundError(KnowledgeBaseError):
    status_code = 404


@dataclass(frozen=True)
class ThreadRecord:
    id: str
    owner: str
    created_at: datetime
    updated_at: datetime


def _record(row: RowMapping) -> ThreadRecord:
    return ThreadRecord(
        id=row["id"],
        owner=row["owner"],
        created_at=as_utc(row["created_at"]),
        updated_at=as_utc(row["updated_at"]),
    )


class ThreadStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        create_tables(engine, metadata)  # only what is missing: existing rows are kept

    def create(self, owner: str) -> ThreadRecord:
        now = datetime.now(UTC)
        record = ThreadRecord(uuid.uuid4().hex, owner, now, now)
        with self.engine.begin() as connection:
            connection.execute(agent_threads.insert().values(**vars(record)))
        return record

    def get(self, thread_id: str, owner: str) -> ThreadRecord:
        """The owner's thread; any other owner's (or none) is ThreadNotFoundError."""
        query = select(agent_threads).where(
            agent_threads.c.id == thread_id, agent_threads.c.owner == owner
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        if row is None:
            raise ThreadNotFoundError(f"No conversation thread {thread_id!r}")
        return _record(row)

    def touch(self, thread_id: str) -> None:
        update = agent_threads.update().where(agent_threads.c.id == thread_id)
        with self.engine.begin() as connection:
            connection.execute(update.values(updated_at=datetime.now(UTC)))

    def delete(self, thread_id: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(agent_threads.delete().where(agent_threads.c.id == thread_id))
