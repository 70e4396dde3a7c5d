"""Shared fixtures: every test gets its own DATA_DIR and settings, never the developer's `.env`.

Tests that use `settings` run once per vector store whose integration is installed (the
one chosen at generation, plus any added with `uv sync --extra NAME`), so one suite proves
the stores behave the same. pgvector runs on a real PostgreSQL the tests start themselves.
"""

import importlib.util
import shutil
import socket
import subprocess
import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.rag.knowledge_base import KnowledgeBase
from {{ cookiecutter.package_name }}.settings import (
    LLMProvider,
    Settings,
    VectorStoreName,
    get_settings,
{%- if cookiecutter.auth == "api_key" %}
    hash_api_key,
{%- endif %}
)
from tests.llm_stubs import StubLLM, stub_app
from tests.servers import serve_in_thread

if TYPE_CHECKING:
    from pgserver.postgres_server import PostgresServer

SAMPLE_DOCS = Path(__file__).resolve().parent.parent / "data" / "docs"
GOLDEN_SET = Path(__file__).resolve().parent.parent / "data" / "eval" / "golden.jsonl"
# Settings the tests control; any value in the developer's environment would leak in.
SETTING_NAMES = [name.upper() for name in Settings.model_fields]
STORE_PACKAGES = {
    "chroma": "langchain_chroma",
    "qdrant": "langchain_qdrant",
    "pgvector": "langchain_postgres",
}
INSTALLED_STORES = [
    name for name, package in STORE_PACKAGES.items() if importlib.util.find_spec(package)
]


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Run each test in an empty directory, so no `.env` or data of the developer leaks in."""
    monkeypatch.chdir(tmp_path)
    for name in SETTING_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # nothing may download a model
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment variables that point a command (CLI, server) at `settings`' data."""
    env = {"DATA_DIR": str(settings.data_dir), "VECTOR_STORE": settings.vector_store}
    if settings.database_url:
        env["DATABASE_URL"] = settings.database_url
    return env


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator["PostgresServer"]:
    """A real PostgreSQL + pgvector for the whole run (the `pgserver` package)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "XDG_RUNTIME_DIR is not set": harmless here
        try:
            from pgserver.postgres_server import get_server
        except ImportError:
            pytest.fail("pgvector tests need the pgserver package: `uv add --dev pgserver`")
        server = get_server(tmp_path_factory.mktemp("postgres"), cleanup_mode="stop")
    # Extensions in template1 are copied into every database created afterwards.
    server.psql("\\c template1\nCREATE EXTENSION IF NOT EXISTS vector;")
    # A throwaway cluster: no crash safety needed, and a small WAL (every CREATE DATABASE
    # logs a copy of template1; the default lets that grow to gigabytes over a run).
    server.psql(
        "ALTER SYSTEM SET fsync = off;"
        " ALTER SYSTEM SET synchronous_commit = off;"
        " ALTER SYSTEM SET full_page_writes = off;"
        " ALTER SYSTEM SET max_wal_size = '64MB';"
        " ALTER SYSTEM SET min_wal_size = '32MB';"
        " SELECT pg_reload_conf();"
    )
    yield server
    server.cleanup()


@pytest.fixture(params=INSTALLED_STORES)
def vector_store(request: pytest.FixtureRequest) -> VectorStoreName:
    store: VectorStoreName = request.param
    return store


@pytest.fixture
def database_url(
    vector_store: VectorStoreName, request: pytest.FixtureRequest
) -> Iterator[str | None]:
    """pgvector: a fresh, empty database per test, dropped after it. Other stores: none."""
    if vector_store != "pgvector":
        yield None
        return
    postgres: PostgresServer = request.getfixturevalue("postgres")
    name = f"test_{uuid.uuid4().hex}"
    postgres.psql(f"CREATE DATABASE {name};")
    yield postgres.get_uri(name)
    # FORCE: a server process the test started may still hold a pooled connection.
    postgres.psql(f"DROP DATABASE {name} WITH (FORCE);")


@pytest.fixture
def settings(tmp_path: Path, vector_store: VectorStoreName, database_url: str | None) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", vector_store=vector_store, database_url=database_url
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    # The context manager runs the app's startup and shutdown, as a server would.
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture
def knowledge_base(settings: Settings) -> Iterator[KnowledgeBase]:
    with KnowledgeBase(settings) as kb:
        yield kb


@pytest.fixture
def sample_kb(knowledge_base: KnowledgeBase) -> KnowledgeBase:
    """A knowledge base holding the sample corpus of data/docs."""
    for path in sorted(SAMPLE_DOCS.iterdir()):
        result = knowledge_base.ingest(path.name, path.read_bytes())
        assert result.status == "added", result
    return knowledge_base


@pytest.fixture(scope="session")
def _llm_stub_server() -> Iterator[StubLLM]:
    stub = StubLLM()
    with serve_in_thread(stub_app(stub)) as url:
        stub.url = url
        yield stub


@pytest.fixture
def llm_stub(_llm_stub_server: StubLLM, monkeypatch: pytest.MonkeyPatch) -> StubLLM:
    """The local OpenAI/Anthropic/Ollama stand-in, with its log and failure modes reset."""
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # a developer's proxy must not intercept
    _llm_stub_server.reset()
    return _llm_stub_server


def provider_settings(settings: Settings, provider: LLMProvider, stub: StubLLM) -> Settings:
    """`settings` with LLM_PROVIDER set and the provider's base URL pointing at the stub."""
    endpoints: dict[str, dict[str, object]] = {
        "extractive": {},
        "openai": {"openai_base_url": f"{stub.url}/v1", "openai_api_key": SecretStr("sk-test")},
        "anthropic": {
            "anthropic_base_url": stub.url,
            "anthropic_api_key": SecretStr("test-anthropic"),
        },
        "ollama": {"ollama_base_url": stub.url},
    }
    return settings.model_copy(update={"llm_provider": provider, **endpoints[provider]})

{%- if cookiecutter.auth == "api_key" %}


# Two tenants and their keys: test values, never real secrets.
TENANT_KEYS = {"tenant-a": "test-key-tenant-a", "tenant-b": "test-key-tenant-b"}


def api_keys_setting(keys: dict[str, str] = TENANT_KEYS) -> list[str]:
    """The API_KEYS entries (TENANT:HASH) that accept `keys`."""
    return [f"{tenant}:{hash_api_key(key)}" for tenant, key in keys.items()]


def key_of(tenant: str) -> dict[str, str]:
    """The Authorization header of `tenant`'s test key."""
    return {"Authorization": f"Bearer {TENANT_KEYS[tenant]}"}


@pytest.fixture
def keyed_settings(settings: Settings) -> Settings:
    """`settings` with API keys for tenant-a and tenant-b: authentication is on."""
    return settings.model_copy(update={"api_keys": api_keys_setting()})
{%- endif %}


def production_settings(**values: Any) -> Settings:
    """Settings that pass every production check (authentication configured), plus `values`."""
{%- if cookiecutter.auth == "api_key" %}
    values.setdefault("api_keys", api_keys_setting())
{%- else %}
    values.setdefault("allow_unauthenticated", True)
{%- endif %}
    return Settings(environment="production", **values)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A real, empty Redis on a free port, started for this test (Debian's redis-server)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - a fixed binary, our own arguments
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("redis-server did not start")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
