"""A private PostgreSQL + pgvector under DATA_DIR, for development without a database server.

Used when VECTOR_STORE=pgvector and DATABASE_URL is unset outside production. It runs
the server shipped by the `pgserver` package (a development dependency), so
`make run` works on first try; production always names its database in DATABASE_URL.
"""

import warnings
from pathlib import Path

from {{ cookiecutter.package_name }}.rag.errors import ConfigurationError
from {{ cookiecutter.package_name }}.settings import Settings


def with_database(settings: Settings) -> Settings:
    """The settings, with DATABASE_URL pointing at a private server when pgvector needs one."""
    if settings.vector_store != "pgvector" or settings.database_url:
        return settings
    if settings.is_production:
        raise ConfigurationError("VECTOR_STORE=pgvector needs DATABASE_URL in production")
    return settings.model_copy(update={"database_url": local_database_url(settings.data_dir)})


def local_database_url(data_dir: Path) -> str:
    """Start (or join) the local server and return its URL, with pgvector enabled."""
    with warnings.catch_warnings():
        # pgserver falls back to /tmp when XDG_RUNTIME_DIR is unset, and says so.
        warnings.simplefilter("ignore")
        try:
            from pgserver.postgres_server import get_server
        except ImportError as exc:
            raise ConfigurationError(
                "VECTOR_STORE=pgvector needs DATABASE_URL (a PostgreSQL URL with pgvector)"
            ) from exc
        server = get_server(data_dir / "postgres", cleanup_mode="stop")
    server.psql("CREATE EXTENSION IF NOT EXISTS vector;")
    url: str = server.get_uri()
    return url
