"""Hostile and broken input on every route that takes input: each gets a clear 4xx in the
API's error shape (never a 500 or a traceback), and the documents stored before are all
still there, unchanged, afterwards."""

import io
import json
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.api.routes.openai_compat import MODEL_ID
from {{ cookiecutter.package_name }}.schemas import MAX_QUESTION_CHARS
from {{ cookiecutter.package_name }}.settings import Settings
from tests.conftest import SAMPLE_DOCS{% if cookiecutter.auth == "api_key" %}, key_of{% endif %}

QUESTION = "Which address do I email to make a warranty claim?"
STORED = ["warranty.md", "product-faq.html", "onboarding-guide.pdf"]
Body = Callable[[Any], dict[str, Any]]  # the route's valid body, with this text in it
# Every JSON route, and where its free text goes.
JSON_ROUTES: dict[str, Body] = {
    "/v1/search": lambda text: {"query": text},
    "/v1/query": lambda text: {"question": text},
    "/v1/query/stream": lambda text: {"question": text},
    "/v1/feedback": lambda text: {"rating": "down", "question": text, "answer": "No [1]."},
    "/v1/chat/completions": lambda text: {
        "model": MODEL_ID,
        "messages": [{"role": "user", "content": text}],
    },
{%- if cookiecutter.include_agent == "yes" %}
    "/v1/agent/runs": lambda text: {"message": text},
    "/v1/agent/runs/stream": lambda text: {"message": text},
{%- endif %}
}
OK = {"/v1/feedback": 201}  # the others answer 200


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "Not a Word document.")
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
TEXT = b"Cargo bikes carry up to 150 kg of load."
RTL = "\u202eright-to-left override\u202c"


@pytest.fixture
def api(settings: Settings) -> Iterator[TestClient]:
    """The app holding a few sample documents; no rate limit, so every case gets through."""
    unlimited = settings.model_copy(update={"rate_limit": "100000/minute"})
    with TestClient(create_app(unlimited), raise_server_exceptions=False) as client:
        files = [("files", (name, (SAMPLE_DOCS / name).read_bytes())) for name in STORED]
        assert client.post("/v1/documents", files=files).status_code == 200
        yield client


def snapshot(client: TestClient, headers: dict[str, str] | None = None) -> Any:
    """What is stored, and what a search finds in it."""
    documents = client.get("/v1/documents", headers=headers).json()["documents"]
    search = client.post("/v1/search", json={"query": QUESTION}, headers=headers).json()
    hits = [(hit["chunk_id"], hit["score"]) for hit in search["results"]]
    stored = {(d["id"], d["source"], d["content_hash"], d["chunk_count"]) for d in documents}
    return stored, hits


def post_json(client: TestClient, path: str, body: Any) -> httpx2.Response:
    """POST `body` as JSON, non-ASCII escaped: a lone surrogate goes as \\ud800, as JSON allows."""
    content = json.dumps(body)
    return client.post(path, content=content, headers={"Content-Type": "application/json"})


def assert_client_error(response: httpx2.Response, status: int, case: object) -> None:
    """`status`, in the API's JSON error shape, with the request id and nothing internal."""
    assert response.status_code == status, (case, response.status_code, response.text)
    assert response.headers["content-type"] == "application/json", case
    error = response.json()["error"]
    assert error["message"], case
    assert error["type"], case
    assert error["request_id"] == response.headers["X-Request-ID"], case
    assert "Traceback" not in response.text, case


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("empty.md", b"", 422),
        ("empty.pdf", b"", 422),
        ("empty.docx", b"", 422),
        ("empty.html", b"", 422),
        ("image.pdf", PNG, 422),
        ("text.pdf", TEXT, 422),
        ("text.docx", TEXT, 422),
        ("archive.docx", zip_bytes(), 422),
        ("image.html", PNG, 422),
        ("image.txt", PNG, 422),
        ("latin-1.md", "Café crème".encode("latin-1"), 422),
        ("surrogate.md", b"\xed\xa0\x80 half a character", 422),
        ("program.exe", b"MZ" + bytes(64), 415),
        ("../../etc/passwd.md", TEXT, 422),
        ("guides/../../up.md", TEXT, 422),
        ("/etc/passwd.md", TEXT, 422),
        ("a" * 300 + ".md", TEXT, 422),
    ],
    ids=lambda value: value[:24] if isinstance(value, str) else None,  # bytes, status: default
)
def test_a_bad_file_is_refused_and_changes_nothing(
    api: TestClient, name: str, data: bytes, status: int
) -> None:
    before = snapshot(api)

    response = api.post("/v1/documents", files=[("files", (name, data))])

    assert_client_error(response, status, name)
    assert response.json()["error"]["type"] == "ingest_failed"
    [result] = response.json()["error"]["details"]
    assert (result["source"], result["status"]) == (name, "failed")
    assert snapshot(api) == before


def test_odd_but_valid_files_are_ingested_cleanly(api: TestClient) -> None:
    files = [
        ("guides/nested.md", b"Nested guides keep their folder in the name."),
        # A Windows path: the multipart parser keeps its last part, as browsers send it.
        ("C:\\Users\\..\\windows.md", b"Only the base name of a Windows path is kept."),
        ("nul.html", b"<p>Markup may hide a NUL\x00 byte in its text.</p>"),
        ("bidi.md", f"Mixed {RTL}, zero\u200bwidth, \u05e9\u05dc\u05d5\u05dd.".encode()),
        ("long-word.md", b"A word " + b"x" * 50_000 + b" longer than any chunk."),
    ]

    response = api.post("/v1/documents", files=[("files", file) for file in files])

    assert response.status_code == 200, response.text
    results = response.json()["results"]
    names = ["guides/nested.md", "windows.md", "nul.html", "bidi.md", "long-word.md"]
    assert [(r["source"], r["status"]) for r in results] == [(n, "added") for n in names]
    found = api.post("/v1/search", json={"query": "hide a NUL byte", "sources": ["nul.html"]})
    assert "\x00" not in found.json()["results"][0]["text"]


def test_a_body_of_the_wrong_media_type_is_415(api: TestClient) -> None:
    before = snapshot(api)
    for path, body in JSON_ROUTES.items():
        as_text = api.post(path, content=str(body(QUESTION)), headers={"Content-Type": "text/plain"})
        as_form = api.post(path, data={"question": QUESTION})
        as_file = api.post(path, files=[("files", ("notes.md", TEXT))])
        for case, response in {"text": as_text, "form": as_form, "file": as_file}.items():
            assert_client_error(response, 415, (path, case))
            assert "application/json" in response.json()["error"]["message"]
    as_json = api.post("/v1/documents", json={"files": ["notes.md"]})
    assert_client_error(as_json, 415, "upload as JSON")
    assert "multipart/form-data" in as_json.json()["error"]["message"]
    assert snapshot(api) == before


@pytest.mark.parametrize(
    ("content", "status"),
    [
        (b"{not json", 422),
        (b"", 422),
        (b"[1, 2]", 422),
        (b"null", 422),
        (b'"just a string"', 422),
        (b'{"query": 1, "question": ["a"], "message": {}, "rating": "sideways"}', 422),
        (b'{"question": "\xff\xfe"}', 400),  # not UTF-8
        (b"[" * 50_000 + b"]" * 50_000, 400),  # nested deeper than any parser goes
    ],
    ids=["invalid", "empty", "array", "null", "string", "wrong-types", "not-utf8", "deep"],
)
def test_a_malformed_json_body_is_a_clear_4xx(api: TestClient, content: bytes, status: int) -> None:
    before = snapshot(api)
    for path in JSON_ROUTES:
        response = api.post(path, content=content, headers={"Content-Type": "application/json"})
        assert_client_error(response, status, path)
    assert snapshot(api) == before


@pytest.mark.parametrize(
    "text",
    ["nul \x00 inside", "lone \ud800 surrogate", "x" * (MAX_QUESTION_CHARS + 1), ""],
    ids=["nul", "lone-surrogate", "too-long", "empty"],
)
def test_text_no_store_can_keep_is_422(api: TestClient, text: str) -> None:
    before = snapshot(api)
    for path, body in JSON_ROUTES.items():
        response = post_json(api, path, body(text))
        # An empty question leaves /v1/chat/completions without a user message: 400.
        status = 400 if path == "/v1/chat/completions" and not text else 422
        assert_client_error(response, status, path)
    filters = {"query": QUESTION, "document_ids": ["\x00"], "sources": ["a\x00b"]}
    assert_client_error(post_json(api, "/v1/search", filters), 422, "filters")
    parts = {"type": "text", "text": text}
    chat = {"model": MODEL_ID, "messages": [{"role": "user", "content": [parts]}]}
    if text:  # empty text parts are skipped like empty messages: nothing left to answer
        assert_client_error(post_json(api, "/v1/chat/completions", chat), 422, "parts")
    assert snapshot(api) == before


@pytest.mark.parametrize(
    "text",
    [
        "\u202ewarranty claim\u202c email address",
        "warranty\u200b\u200d\ufeff claim email",
        "\u0627\u0644\u0636\u0645\u0627\u0646 warranty claim \U0001f6b2",
        "w" * (MAX_QUESTION_CHARS - 1),
    ],
    ids=["rtl-override", "zero-width", "arabic-emoji", "one-long-word"],
)
def test_odd_but_valid_text_is_answered(api: TestClient, text: str) -> None:
    before = snapshot(api)
    for path, body in JSON_ROUTES.items():
        response = post_json(api, path, body(text))
        assert response.status_code == OK.get(path, 200), (path, response.text)
        assert "event: error" not in response.text, path  # streams report failures so
    assert snapshot(api)[0] == before[0]  # feedback was added; no document changed


@pytest.mark.parametrize(
    ("document_id", "status"),
    # "../../secret" leaves the route's one path segment: no route matches it.
    [("a%00b", 422), ("..%2F..%2Fsecret", 404), ("x" * 500, 422), ("0" * 32, 404)],
    ids=["nul", "traversal", "long", "unknown"],
)
def test_a_bad_or_unknown_id_is_a_clear_4xx(
    api: TestClient, document_id: str, status: int
) -> None:
    before = snapshot(api)
    paths = [f"/v1/documents/{document_id}"]
{%- if cookiecutter.include_agent == "yes" %}
    paths.append(f"/v1/threads/{document_id}")
{%- endif %}
    for path in paths:
        assert_client_error(api.get(path), status, path)
        assert_client_error(api.delete(path), status, path)
    assert snapshot(api) == before
{%- if cookiecutter.auth == "api_key" %}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer test-key-wrong"},
        {"Authorization": "Basic dGVzdDp0ZXN0"},
        {"Authorization": "Bearer " + "k" * 8000},
        {"Authorization": b"Bearer \xe9t\xe9"},
        {"X-API-Key": ""},
    ],
    ids=["missing", "wrong", "basic", "huge", "latin-1", "empty-x-api-key"],
)
def test_every_route_refuses_a_missing_or_invalid_key(
    keyed_settings: Settings, headers: dict[str, Any]
) -> None:
    key = key_of("tenant-a")
    with TestClient(create_app(keyed_settings), raise_server_exceptions=False) as client:
        files = [("files", (name, (SAMPLE_DOCS / name).read_bytes())) for name in STORED]
        assert client.post("/v1/documents", files=files, headers=key).status_code == 200
        before = snapshot(client, key)
        document_id = next(iter(before[0]))[0]
        requests: list[tuple[str, str, dict[str, Any]]] = [
            ("GET", "/v1/documents", {}),
            ("POST", "/v1/documents", {"files": [("files", ("new.md", TEXT))]}),
            ("GET", f"/v1/documents/{document_id}", {}),
            ("DELETE", f"/v1/documents/{document_id}", {}),
            ("GET", "/v1/models", {}),
{%- if cookiecutter.include_agent == "yes" %}
            ("GET", f"/v1/threads/{'0' * 32}", {}),
            ("DELETE", f"/v1/threads/{'0' * 32}", {}),
{%- endif %}
        ]
        requests += [("POST", path, {"json": body(QUESTION)}) for path, body in JSON_ROUTES.items()]
        for method, path, arguments in requests:
            response = client.request(method, path, headers=headers, **arguments)
            assert_client_error(response, 401, (method, path))
            assert response.headers["WWW-Authenticate"] == "Bearer"
        assert snapshot(client, key) == before
{%- endif %}
