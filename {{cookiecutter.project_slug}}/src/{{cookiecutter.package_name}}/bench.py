"""Benchmarks that print figures: the `bench ingest|search` commands (`make bench`).

ingest: chunks/s through the whole ingest pipeline (registry, batching, idempotence) versus
        the store's own upsert of the same chunks, both with the embeddings computed
        beforehand, so the ratio measures this app's overhead, not the embedding model.
search: p50/p95 latency and requests/s of POST /v1/search (hybrid: dense + BM25 + fusion)
        versus a bare endpoint that calls the same store's similarity search, served by the
        same process, measured in the same run, at concurrency 1 and 8.
{%- if cookiecutter.include_agent == "yes" %}
agent:  p50/p95 latency of POST /v1/agent/runs versus POST /v1/query on the same questions:
        the cost of the agent loop over a direct answer.
{%- endif %}
"""

import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, SecretStr

from {{ cookiecutter.package_name }}.rag.embeddings import build_embeddings
from {{ cookiecutter.package_name }}.rag.ingest import batched, document_id_for, load_version
from {{ cookiecutter.package_name }}.rag.knowledge_base import DEFAULT_TENANT, KnowledgeBase
from {{ cookiecutter.package_name }}.rag.local_postgres import with_database
from {{ cookiecutter.package_name }}.rag.scratch import scratch_settings
from {{ cookiecutter.package_name }}.rag.stores import open_index
from {{ cookiecutter.package_name }}.settings import Settings

if TYPE_CHECKING:
    import httpx2  # a development dependency: imported where a benchmark runs


class PrecomputedEmbeddings(Embeddings):
    """Serves vectors computed before the clock starts (falls back to the real model)."""

    def __init__(self, model: Embeddings, texts: Sequence[str]) -> None:
        self.model = model
        unique = sorted(set(texts))
        self.vectors = dict(zip(unique, model.embed_documents(unique), strict=True))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.vectors.get(t) or self.model.embed_query(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.vectors.get(text) or self.model.embed_query(text)


def corpus(docs: Path, copies: int) -> list[tuple[str, bytes]]:
    """The sample documents, `copies` times under different names (so none is 'unchanged')."""
    files = sorted(p for p in docs.iterdir() if p.is_file())
    return [(f"copy{n}/{p.name}", p.read_bytes()) for n in range(copies) for p in files]


def bench_ingest(settings: Settings, docs: Path, copies: int) -> dict[str, float]:
    files = corpus(docs, copies)
    # Parsed and chunked before the clock starts, like the embeddings: both sides of the
    # ratio write exactly the same chunks with exactly the same vectors.
    versions = [
        load_version(settings, document_id_for(DEFAULT_TENANT, source), source, data)
        for source, data in files
    ]
    chunks = [chunk for version in versions for chunk in version.chunks]
    embeddings = PrecomputedEmbeddings(build_embeddings(settings), [c.text for c in chunks])

    with scratch_settings(settings, "bench-") as raw_settings:
        index = open_index(with_database(raw_settings), embeddings)
        started = time.perf_counter()
        for batch in batched(chunks, settings.ingest_batch_size):
            index.add(batch)
        raw_seconds = time.perf_counter() - started
        index.close()

    with (
        scratch_settings(settings, "bench-") as app_settings,
        KnowledgeBase(app_settings, embeddings) as kb,
    ):
        started = time.perf_counter()
        kb.ingestor.write(versions, DEFAULT_TENANT)
        write_seconds = time.perf_counter() - started

    with (
        scratch_settings(settings, "bench-") as app_settings,
        KnowledgeBase(app_settings, embeddings) as kb,
    ):
        started = time.perf_counter()
        kb.ingest_many(files)
        files_seconds = time.perf_counter() - started

    return {
        "files": len(files),
        "chunks": len(chunks),
        "raw_upsert_chunks_per_s": len(chunks) / raw_seconds,
        "ingest_chunks_per_s": len(chunks) / write_seconds,
        "ratio": raw_seconds / write_seconds,
        "from_files_chunks_per_s": len(chunks) / files_seconds,
    }


# --- search -------------------------------------------------------------------------------


class BareQuery(BaseModel):
    query: str
    top_k: int = 5


class BareHit(BaseModel):
    text: str
    metadata: dict[str, Any]
    score: float


def create_bench_app() -> FastAPI:
    """The full app plus `/bare/search`: the store's own similarity search, its documents
    returned as they come (text, metadata, score), and nothing else."""
    from {{ cookiecutter.package_name }}.api.app import create_app
    from {{ cookiecutter.package_name }}.api.deps import KnowledgeBaseDep

    app = create_app()

    @app.post("/bare/search")
    def bare_search(query: BareQuery, kb: KnowledgeBaseDep) -> list[BareHit]:
        found = kb.index.store.similarity_search_with_score(query.query, k=query.top_k)
        return [BareHit(text=d.page_content, metadata=d.metadata, score=s) for d, s in found]

    return app


@dataclass(frozen=True)
class LoadResult:
    p50_ms: float
    p95_ms: float
    requests_per_s: float


def load(call: Callable[[], None], requests: int, concurrency: int) -> LoadResult:
    def timed(_: int) -> float:
        started = time.perf_counter()
        call()
        return (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        latencies = sorted(pool.map(timed, range(requests)))
    elapsed = time.perf_counter() - started
    return LoadResult(
        p50_ms=statistics.median(latencies),
        p95_ms=latencies[int(len(latencies) * 0.95) - 1],
        requests_per_s=requests / elapsed,
    )


def bench_search(
    settings: Settings, docs: Path, copies: int, requests: int
) -> dict[str, dict[str, LoadResult]]:
    import httpx2

    with scratch_settings(settings, "bench-") as bench_settings:
        with KnowledgeBase(bench_settings) as kb:
            for source, data in corpus(docs, copies):
                kb.ingest(source, data)
        with _server(bench_settings) as url, httpx2.Client(base_url=url, timeout=30) as client:
            def caller(path: str) -> Callable[[], None]:
                return _caller(client, path, "query", {"top_k": 5})

            for path in ("/v1/search", "/bare/search"):  # warm caches and connections
                load(caller(path), 20, 1)
            return {
                f"concurrency {c}": {
                    "api": load(caller("/v1/search"), requests, c),
                    "bare": load(caller("/bare/search"), requests, c),
                }
                for c in (1, 8)
            }


{%- if cookiecutter.include_agent == "yes" %}


def bench_agent(settings: Settings, docs: Path, requests: int) -> dict[str, LoadResult]:
    """The same questions through POST /v1/query and POST /v1/agent/runs (a new thread
    each), one at a time: what the agent loop (model calls, tool node, checkpoints) adds."""
    import httpx2

    with scratch_settings(settings, "bench-") as bench_settings:
        with KnowledgeBase(bench_settings) as kb:
            for source, data in corpus(docs, 1):
                kb.ingest(source, data)
        with _server(bench_settings) as url, httpx2.Client(base_url=url, timeout=60) as client:
            query = _caller(client, "/v1/query", "question")
            agent = _caller(client, "/v1/agent/runs", "message")
            load(query, 10, 1)  # warm caches and connections
            load(agent, 10, 1)
            return {"query": load(query, requests, 1), "agent": load(agent, requests, 1)}
{%- endif %}


QUESTIONS = ["How long is the frame warranty?", "travel expenses per day", "refund"]


def _caller(
    client: "httpx2.Client", path: str, field: str, extra: dict[str, Any] | None = None
) -> Callable[[], None]:
    """A request to `path` asking QUESTIONS in turn (in the body's `field`)."""
    counter = iter(range(10**9))

    def call() -> None:
        question = QUESTIONS[next(counter) % len(QUESTIONS)]
        response = client.post(path, json={field: question, **(extra or {})})
        response.raise_for_status()

    return call


@contextmanager
def _server(settings: Settings) -> Iterator[str]:
    """Serve the bench app in a separate process (so the load generator does not share its GIL)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**_settings_env(settings), "PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "{{ cookiecutter.package_name }}.bench:create_bench_app",
    ]
    process = subprocess.Popen(command, env=env)  # noqa: S603 - our interpreter, fixed args
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(port)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_up(port: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"bench server did not start on port {port}")


def _settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a child process build these same settings."""
    env = dict(os.environ)
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if value is None or isinstance(value, list):
            continue
        env[name.upper()] = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
    return env
