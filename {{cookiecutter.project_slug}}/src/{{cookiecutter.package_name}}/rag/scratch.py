"""Throwaway settings for commands that build a knowledge base only to measure it.

The `bench` and `eval` commands ingest into a temporary DATA_DIR that is deleted
afterwards, so they never touch (or depend on) the user's real documents.
"""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from {{ cookiecutter.package_name }}.settings import Settings


@contextmanager
def scratch_settings(settings: Settings, prefix: str = "scratch-") -> Iterator[Settings]:
    """The settings with a throwaway DATA_DIR, deleted on exit. Servers named in the
    settings are not used: DATABASE_URL is dropped (pgvector then runs a private Postgres)."""
    with tempfile.TemporaryDirectory(prefix=prefix) as directory:
        yield settings.model_copy(
            update={
                "data_dir": Path(directory),
                "database_url": None,
                "chroma_host": None,
                "qdrant_url": None,
            }
        )
