import asyncio
import base64
import json
import math
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI, Request, Response

from {{ cookiecutter.package_name }}.rag.embeddings import (
    HASHING_MODEL,
    EmbeddingsSignature,
    GuardedEmbeddings,
    HashingEmbeddings,
    build_embeddings,
    embeddings_service,
    embeddings_signature,
)
from {{ cookiecutter.package_name }}.rag.errors import (
    ConfigurationError,
    DependencyTimeoutError,
    DependencyUnavailableError,
)
from {{ cookiecutter.package_name }}.settings import Settings
from tests.servers import close_connections, serve_in_thread

# --- hashing -------------------------------------------------------------------------------

REFUND = "We refund the full price within 30 days of delivery if the bike is returned unused."
UNRELATED = [
    "Bikes are delivered by our own van fleet, never by a parcel carrier.",
    "The battery charges fully in about five hours with the included charger.",
    "Employees may work from home two days per week after their probation period.",
    "Every new starter spends a full day in the workshop building a wheel.",
]


def cosine_ranking(query: str, texts: list[str]) -> list[str]:
    embeddings = HashingEmbeddings()
    scores = np.array(embeddings.embed_documents(texts)) @ np.array(embeddings.embed_query(query))
    return [texts[i] for i in np.argsort(-scores)]


def test_vectors_have_the_dimension_and_unit_norm() -> None:
    for dimension in (64, 768):
        vector = HashingEmbeddings(dimension).embed_query(REFUND)
        assert len(vector) == dimension
        assert math.isclose(float(np.linalg.norm(vector)), 1.0)


@pytest.mark.parametrize("text", ["", "   \n\t", "the and of to", "!!! ..."])
def test_blank_text_gives_a_zero_vector(text: str) -> None:
    assert HashingEmbeddings(64).embed_query(text) == [0.0] * 64


def test_documents_and_queries_are_embedded_alike() -> None:
    embeddings = HashingEmbeddings()

    assert embeddings.embed_documents([REFUND, "x"]) == [
        embeddings.embed_query(REFUND),
        embeddings.embed_query("x"),
    ]


def test_case_and_accents_do_not_matter() -> None:
    embeddings = HashingEmbeddings()

    assert embeddings.embed_query("Résumé CAFÉ") == embeddings.embed_query("resume cafe")


def test_vectors_are_identical_in_another_process() -> None:
    # Another process, with another string-hash seed: no dependence on Python's hash().
    script = (
        f"import json; from {HashingEmbeddings.__module__} import HashingEmbeddings; "
        f"print(json.dumps(HashingEmbeddings().embed_query({REFUND!r})))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    completed = subprocess.run(  # noqa: S603  (our own interpreter and script)
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    )

    assert json.loads(completed.stdout) == HashingEmbeddings().embed_query(REFUND)


@pytest.mark.parametrize(
    "question",
    [
        "Can I get a refund within 30 days?",
        "How do refunds work?",  # stem variants share character n-grams with "refund"
        "My order was refunded?",
        "REFUNDING an unused bike",
    ],
)
def test_texts_sharing_words_with_the_question_rank_first(question: str) -> None:
    assert cosine_ranking(question, [*UNRELATED, REFUND])[0] == REFUND


def test_other_questions_find_their_own_text() -> None:
    texts = [REFUND, *UNRELATED]

    assert cosine_ranking("how long does charging the battery take", texts)[0] == UNRELATED[1]
    assert cosine_ranking("working from home", texts)[0] == UNRELATED[2]


def test_dimension_must_be_positive() -> None:
    with pytest.raises(ValueError, match="dimension"):
        HashingEmbeddings(0)


def test_hashing_is_the_default(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, embeddings_dimension=256)

    embeddings = build_embeddings(settings)

    assert isinstance(embeddings, HashingEmbeddings)
    assert embeddings.dimension == 256
    assert embeddings_signature(settings) == EmbeddingsSignature("hashing", HASHING_MODEL, 256)


@pytest.mark.parametrize(
    ("provider", "model", "expected"),
    [
        ("openai", None, "text-embedding-3-small"),
        ("openai", "text-embedding-3-large", "text-embedding-3-large"),
        ("ollama", None, "nomic-embed-text"),
        ("ollama", "mxbai-embed-large", "mxbai-embed-large"),
    ],
)
def test_remote_signatures_name_the_model(
    tmp_path: Path, provider: str, model: str | None, expected: str
) -> None:
    settings = Settings(data_dir=tmp_path, embeddings_provider=provider, embeddings_model=model)

    assert embeddings_signature(settings) == EmbeddingsSignature(provider, expected, None)


# --- remote providers, against a local fake server -------------------------------------------


@dataclass
class FakeServer:
    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    fail_times: int = 0  # answer the first requests with a 503
    delay_s: float = 0.0  # wait this long before answering


def outage(server: FakeServer) -> Response | None:
    """A 503 while the server is set to fail; the requests are counted either way."""
    if len(server.requests) > server.fail_times:
        return None
    return Response(status_code=503, headers={"retry-after-ms": "10"})


def fake_vector(text: str) -> list[float]:
    return [float(len(text)), 0.5, -1.0]  # exact in float32, as base64 answers carry it


def fake_app(server: FakeServer) -> FastAPI:
    app = close_connections(FastAPI())

    @app.post("/v1/embeddings")
    async def openai_embeddings(request: Request) -> Any:
        body = await request.json()
        server.requests.append({**body, "authorization": request.headers.get("authorization")})
        await asyncio.sleep(server.delay_s)
        if failed := outage(server):
            return failed
        texts = [body["input"]] if isinstance(body["input"], str) else body["input"]
        data = []
        for index, text in enumerate(texts):
            vector: list[float] | str = fake_vector(text)
            if body.get("encoding_format") == "base64":  # what the openai client asks for
                vector = base64.b64encode(np.array(vector, dtype="<f4").tobytes()).decode()
            data.append({"object": "embedding", "index": index, "embedding": vector})
        usage = {"prompt_tokens": 1, "total_tokens": 1}
        return {"object": "list", "data": data, "model": body["model"], "usage": usage}

    @app.post("/api/embed")
    async def ollama_embed(request: Request) -> Any:
        body = await request.json()
        server.requests.append(body)
        await asyncio.sleep(server.delay_s)
        if failed := outage(server):
            return failed
        texts = [body["input"]] if isinstance(body["input"], str) else body["input"]
        return {"model": body["model"], "embeddings": [fake_vector(text) for text in texts]}

    return app


@pytest.fixture(scope="module")
def fake_server() -> Iterator[FakeServer]:
    server = FakeServer(url="")
    with serve_in_thread(fake_app(server)) as url:
        server.url = url
        yield server


@pytest.fixture
def server(fake_server: FakeServer, monkeypatch: pytest.MonkeyPatch) -> FakeServer:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # a developer's proxy must not intercept
    fake_server.requests.clear()
    fake_server.fail_times, fake_server.delay_s = 0, 0.0
    return fake_server


def test_openai_client_gets_the_servers_vectors(server: FakeServer, tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        embeddings_provider="openai",
        embeddings_model="test-embedder",
        openai_api_key="sk-test",
        openai_base_url=f"{server.url}/v1",
    )
    embeddings = build_embeddings(settings)

    assert embeddings.embed_documents(["alpha", "be"]) == [fake_vector("alpha"), fake_vector("be")]
    assert embeddings.embed_query("query") == fake_vector("query")
    assert asyncio.run(embeddings.aembed_query("async")) == fake_vector("async")
    first = server.requests[0]
    assert first["model"] == "test-embedder"
    assert first["input"] == ["alpha", "be"]  # raw text: no tiktoken tokenisation
    assert first["authorization"] == "Bearer sk-test"


def test_openai_compatible_server_needs_no_key(
    server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    settings = Settings(
        data_dir=tmp_path, embeddings_provider="openai", openai_base_url=f"{server.url}/v1"
    )

    assert build_embeddings(settings).embed_query("hi") == fake_vector("hi")
    assert server.requests[0]["model"] == "text-embedding-3-small"


def test_openai_without_key_or_base_url_is_a_configuration_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(data_dir=tmp_path, embeddings_provider="openai")

    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        build_embeddings(settings)


def test_ollama_client_gets_the_servers_vectors(server: FakeServer, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, embeddings_provider="ollama", ollama_base_url=server.url)
    embeddings = build_embeddings(settings)

    assert embeddings.embed_documents(["alpha", "be"]) == [fake_vector("alpha"), fake_vector("be")]
    assert asyncio.run(embeddings.aembed_documents(["async"])) == [fake_vector("async")]
    assert server.requests[0]["model"] == "nomic-embed-text"
    assert server.requests[0]["input"] == ["alpha", "be"]


@pytest.mark.parametrize(
    ("provider", "service"), [("openai", "OpenAI embeddings service"), ("ollama", "Ollama server")]
)
def test_unreachable_provider_is_a_dependency_error(
    tmp_path: Path, provider: str, service: str
) -> None:
    with socket.socket() as sock:  # a port nothing listens on any more
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = Settings(
        data_dir=tmp_path,
        embeddings_provider=provider,
        openai_base_url=f"{url}/v1",
        ollama_base_url=url,
    )

    embeddings = GuardedEmbeddings(build_embeddings(settings), embeddings_service(settings))

    with pytest.raises(DependencyUnavailableError, match=f"{service} at {url}.* is unavailable"):
        embeddings.embed_query("hello")
    assert embeddings.health.outage is not None, "kept for /readyz"


@pytest.mark.parametrize("provider", ["openai", "ollama"])
def test_a_transient_error_is_retried(server: FakeServer, tmp_path: Path, provider: str) -> None:
    server.fail_times = 1
    embeddings = build_embeddings(remote_settings(tmp_path, provider, server, retries=1))

    assert embeddings.embed_query("hi") == fake_vector("hi")
    assert len(server.requests) == 2


@pytest.mark.parametrize("provider", ["openai", "ollama"])
def test_a_slow_provider_times_out_after_retries(
    server: FakeServer, tmp_path: Path, provider: str
) -> None:
    server.delay_s = 0.5
    settings = remote_settings(tmp_path, provider, server, retries=1, timeout_s=0.1)
    embeddings = GuardedEmbeddings(build_embeddings(settings), embeddings_service(settings))

    with pytest.raises(DependencyTimeoutError, match="did not answer in time") as raised:
        embeddings.embed_documents(["slow"])

    assert (raised.value.status_code, raised.value.dependency) == (504, "embeddings")
    assert len(server.requests) == 2


def remote_settings(
    tmp_path: Path, provider: str, server: FakeServer, retries: int, timeout_s: float = 60.0
) -> Settings:
    return Settings(
        data_dir=tmp_path,
        embeddings_provider=provider,
        openai_base_url=f"{server.url}/v1",
        ollama_base_url=server.url,
        embeddings_max_retries=retries,
        embeddings_timeout_s=timeout_s,
    )


@pytest.mark.parametrize(
    ("provider", "package"), [("openai", "langchain_openai"), ("ollama", "langchain_ollama")]
)
def test_missing_provider_package_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, provider: str, package: str
) -> None:
    monkeypatch.setitem(sys.modules, package, None)  # makes `import package` fail
    settings = Settings(data_dir=tmp_path, embeddings_provider=provider, openai_api_key="sk-test")

    with pytest.raises(ConfigurationError, match=f"uv sync --extra {provider}"):
        build_embeddings(settings)
