"""API replicas are interchangeable: two real `serve` processes, each with its own DATA_DIR,
share one PostgreSQL (documents, vectors, keyword index source) and one Redis (rate limits).

Whatever one replica writes, the other serves at once; nothing may live in a replica's
local files or memory that a request depends on. The replicas start together on an empty
database, as an orchestrator starts them.
"""

import hashlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx2
import pytest

from tests.conftest import SAMPLE_DOCS{% if cookiecutter.auth == "api_key" %}, api_keys_setting, key_of{% endif %}
from tests.e2e.conftest import ServerFactory

pytestmark = pytest.mark.e2e

QUESTION = "How long is the frame warranty?"
RATE_LIMIT = 4
ROUNDS = 5
Replicas = Callable[[dict[str, str]], list[str]]
{%- if cookiecutter.auth == "api_key" %}
HEADERS = key_of("tenant-a")  # both replicas know the same keys (the same API_KEYS)
{%- else %}
HEADERS: dict[str, str] = {}
{%- endif %}


@pytest.fixture(params=["pgvector"])
def vector_store(request: pytest.FixtureRequest) -> str:
    """Only a store that lives outside the process can be shared: pgvector here (embedded
    Chroma and Qdrant's local mode are one process's files)."""
    store: str = request.param
    return store


@pytest.fixture
def start_replicas(start_server: ServerFactory, redis_url: str, tmp_path: Path) -> Replicas:
    """Starts two servers on the test's DATABASE_URL and one Redis, each with its own
    DATA_DIR (nothing shared through local files); returns their base URLs."""

    def start(extra_env: dict[str, str]) -> list[str]:
        shared = {
            "REDIS_URL": redis_url,
{%- if cookiecutter.auth == "api_key" %}
            "API_KEYS": ",".join(api_keys_setting()),
{%- endif %}
            **extra_env,
        }
        return start_server.start_many(
            [{**shared, "DATA_DIR": str(tmp_path / f"replica-{name}")} for name in "ab"]
        )

    return start


def _ok(response: httpx2.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def _sources(url: str) -> list[str]:
    listed = _ok(httpx2.get(f"{url}/v1/documents", headers=HEADERS))
    return [document["source"] for document in listed["documents"]]


def _ask(url: str) -> Any:
    return _ok(httpx2.post(f"{url}/v1/query", json={"question": QUESTION}, headers=HEADERS))


def test_a_document_written_through_one_replica_is_served_by_the_other(
    start_replicas: Replicas,
) -> None:
    a, b = start_replicas({})
    warranty = SAMPLE_DOCS / "warranty.md"
    files = {"files": (warranty.name, warranty.read_bytes())}

    uploaded = _ok(httpx2.post(f"{a}/v1/documents", files=files, headers=HEADERS, timeout=60))
    document_id = uploaded["results"][0]["document_id"]
    listed_by_b = _sources(b)
    answer_of_b = _ask(b)
    answer_of_a = _ask(a)  # A's caches now hold the document
    hits_of_b = _ok(httpx2.post(f"{b}/v1/search", json={"query": QUESTION}, headers=HEADERS))
    deleted = _ok(httpx2.delete(f"{b}/v1/documents/{document_id}", headers=HEADERS))
    listed_by_a = _sources(a)
    answer_after_delete = _ask(a)

    assert listed_by_b == ["warranty.md"]
    assert [c["document_id"] for c in answer_of_b["citations"]][:1] == [document_id]
    assert answer_of_b["answer"] == answer_of_a["answer"]
    assert "7 years" in answer_of_b["answer"]
    # Found by vector search too, not only by keywords: B reads the vectors A wrote.
    assert hits_of_b["results"][0]["dense_score"] is not None
    assert deleted["deleted_chunks"] == uploaded["results"][0]["chunk_count"]
    assert listed_by_a == []
    assert answer_after_delete["citations"] == []


def test_the_rate_limit_is_one_budget_across_replicas(start_replicas: Replicas) -> None:
    a, b = start_replicas({"RATE_LIMIT": f"{RATE_LIMIT}/minute"})

    # Alternating: either replica alone sees only half of the requests.
    statuses = [httpx2.get(f"{url}/v1/documents", headers=HEADERS) for url in [a, b] * RATE_LIMIT]

    assert [r.status_code for r in statuses] == [200] * RATE_LIMIT + [429] * RATE_LIMIT
    assert all(int(r.headers["Retry-After"]) >= 1 for r in statuses[RATE_LIMIT:])


def test_replicas_writing_one_document_at_once_leave_it_whole(start_replicas: Replicas) -> None:
    """Both replicas upload a new version of the same file at the same moment, from the
    first write on an empty database on: one version wins, and all of it is searchable
    (its chunks listed in the registry and their vectors in the store)."""
    replicas = start_replicas({})
    start = threading.Barrier(len(replicas))

    def upload(url: str, text: str) -> httpx2.Response:
        files = {"files": ("note.md", text.encode())}
        start.wait()
        return httpx2.post(f"{url}/v1/documents", files=files, headers=HEADERS, timeout=60)

    with ThreadPoolExecutor(len(replicas)) as pool:
        for round_ in range(ROUNDS):
            codewords = [f"codeword{round_}x{n}" for n in range(len(replicas))]
            texts = [
                f"# Note\n\nThe {word} was written by replica {n}.\n"
                for n, word in enumerate(codewords)
            ]
            uploads = list(pool.map(upload, replicas, texts))
            [stored] = _ok(httpx2.get(f"{replicas[0]}/v1/documents", headers=HEADERS))["documents"]
            hashes = [hashlib.sha256(text.encode()).hexdigest() for text in texts]
            winner = codewords[hashes.index(stored["content_hash"])]
            searches = [
                _ok(
                    httpx2.post(
                        f"{url}/v1/search",
                        json={"query": winner, "sources": ["note.md"]},
                        headers=HEADERS,
                    )
                )
                for url in replicas
            ]

            assert [r.status_code for r in uploads] == [200, 200], [r.text for r in uploads]
            for found in searches:
                assert found["results"], f"round {round_}: the stored version is not searchable"
                top = found["results"][0]
                assert winner in top["text"]
                assert top["dense_score"] is not None, f"round {round_}: its vectors are gone"
