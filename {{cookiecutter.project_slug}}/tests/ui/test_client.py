"""The contract between the UI's client and the API: every method against the live app,
and every kind of failure turned into one readable `ApiError`."""

import json
import re
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import httpx2
import pytest

from {{ cookiecutter.package_name }}.schemas import CitationsEvent, DoneEvent, FeedbackRequest, TokenEvent
from {{ cookiecutter.package_name }}.ui.client import ApiClient, ApiError
from tests.conftest import SAMPLE_DOCS
from tests.ui.conftest import ANSWER, BROKEN, QUESTION

WARRANTY = SAMPLE_DOCS / "warranty.md"
FEEDBACK = FeedbackRequest(
    rating="down", comment="Wrong policy.", question=QUESTION, answer="Two years [1].",
    citation_ids=["c1"],
)  # fmt: skip


def mock_client(handler: Callable[[httpx2.Request], httpx2.Response]) -> ApiClient:
    return ApiClient("http://api.test", "sk-ui", transport=httpx2.MockTransport(handler))


def sse(*events: tuple[str, object]) -> httpx2.Response:
    body = "".join(f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in events)
    return httpx2.Response(200, text=body, headers={"content-type": "text/event-stream"})


def test_every_method_against_the_live_api(api_url: str) -> None:
    with ApiClient(api_url) as client:
        assert client.readiness().status == "ready"
        files = [(path.name, path.read_bytes()) for path in sorted(SAMPLE_DOCS.iterdir())]
        uploaded = client.upload(files).results
        assert [r.status for r in uploaded] == ["added"] * len(files)
        assert client.upload([(WARRANTY.name, WARRANTY.read_bytes())]).results[0].status == (
            "unchanged"
        )
        documents = client.documents().documents
        assert sorted(d.source for d in documents) == sorted(name for name, _ in files)

        events = list(client.stream_answer(QUESTION, top_k=3))
        text = "".join(e.text for e in events if isinstance(e, TokenEvent))
        citations = next(e for e in events if isinstance(e, CitationsEvent)).citations
        assert ANSWER in text
        assert "warranty.md" in {c.source for c in citations}
        assert isinstance(events[-1], DoneEvent)
        assert len(citations) <= 3

        whole = client.query(QUESTION)
        assert ANSWER in whole.answer
        assert "warranty.md" in {c.source for c in whole.citations}

        warranty = next(d for d in documents if d.source == "warranty.md")
        assert client.delete(warranty.id).deleted_chunks == warranty.chunk_count
        assert "warranty.md" not in {d.source for d in client.documents().documents}


def test_upload_where_every_file_failed_still_reports_each(api_url: str) -> None:
    with ApiClient(api_url) as client:  # the API answers 415 with the results as details
        results = client.upload([("notes.exe", b"MZ\x90")]).results

    assert [(r.source, r.status) for r in results] == [("notes.exe", "failed")]
    assert ".exe" in (results[0].error or "")


def test_feedback_against_the_live_api(api_url: str) -> None:
    with ApiClient(api_url) as client:
        sent = client.feedback(FEEDBACK)
    assert sent.id


def test_unknown_document_is_an_api_error_with_the_api_message(api_url: str) -> None:
    with ApiClient(api_url) as client, pytest.raises(ApiError) as caught:
        client.delete("no-such-document")

    assert caught.value.status_code == 404
    assert "no-such-document" in str(caught.value)
    assert caught.value.request_id


def test_invalid_request_names_the_field(api_url: str) -> None:
    with ApiClient(api_url) as client, pytest.raises(ApiError) as caught:
        client.query(QUESTION, top_k=500)

    assert caught.value.status_code == 422
    assert "top_k" in str(caught.value)


@pytest.mark.parametrize(
    "call",
    [ApiClient.readiness, ApiClient.documents, lambda client: list(client.stream_answer("Hi?"))],
    ids=["readiness", "documents", "stream"],
)
def test_unreachable_api_is_an_api_error(closed_url: str, call: Callable[[ApiClient], Any]) -> None:
    with ApiClient(closed_url) as client, pytest.raises(ApiError) as caught:
        call(client)

    assert str(caught.value).startswith(f"Cannot reach the API at {closed_url}")
    assert caught.value.status_code is None


@pytest.mark.parametrize("url", ["http://[::1", "localhost:8000"])
def test_malformed_url_is_an_api_error(url: str) -> None:
    message = f"^Cannot reach the API at {re.escape(url)}: "
    with pytest.raises(ApiError, match=message), ApiClient(url) as client:
        client.documents()


def test_server_error_carries_the_api_message(broken_url: str) -> None:
    with ApiClient(broken_url) as client, pytest.raises(ApiError) as caught:
        list(client.stream_answer(QUESTION))

    assert (str(caught.value), caught.value.status_code) == (BROKEN, 500)
    assert caught.value.request_id == "req-42"


def test_feedback_sends_the_request_with_the_key() -> None:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        body = {"id": "f1", "created_at": "2026-01-02T03:04:05Z"}
        return httpx2.Response(201, json=body)

    with mock_client(handler) as client:
        response = client.feedback(FEEDBACK)

    assert response.id == "f1"
    assert seen[0].url.path == "/v1/feedback"
    assert seen[0].headers["authorization"] == "Bearer sk-ui"
    assert json.loads(seen[0].content) == FEEDBACK.model_dump(mode="json")


def test_not_ready_is_an_answer_not_an_error() -> None:
    checks = {"vector_store": {"status": "error", "detail": "connection refused"}}
    body = {"status": "not_ready", "checks": checks}
    with mock_client(lambda _: httpx2.Response(503, json=body)) as client:
        readiness = client.readiness()

    assert readiness.status == "not_ready"
    assert readiness.checks["vector_store"].detail == "connection refused"


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (httpx2.Response(502, text="<html>Bad gateway</html>"), "answered 502 Bad Gateway"),
        (httpx2.Response(200, text="<html>Some other app</html>"), "does not understand"),
        (httpx2.Response(200, json={"documents": "nope"}), "does not understand"),
    ],
)
def test_responses_not_from_the_api_are_readable_errors(
    response: httpx2.Response, message: str
) -> None:
    with mock_client(lambda _: response) as client, pytest.raises(ApiError, match=message):
        client.documents()


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (sse(("token", {"text": "Hi"}), ("error", {"message": "Model down", "type": "x"})),
         "Model down"),
        (sse(("token", {"text": "Hi"})), "ended the answer before it was complete"),
        (sse(("token", {"wrong": 1})), "does not understand"),
        (httpx2.Response(200, json={"answer": "not a stream"}), "does not understand"),
    ],
)  # fmt: skip
def test_broken_answer_streams_are_readable_errors(response: httpx2.Response, message: str) -> None:
    with mock_client(lambda _: response) as client, pytest.raises(ApiError, match=message):
        list(client.stream_answer(QUESTION))


def test_stream_skips_events_it_does_not_know() -> None:
    done = {"model": "m", "usage": {}, "latency_ms": 1.0, "first_token_ms": None}
    response = sse(("ping", {}), ("token", {"text": "Hi"}), ("done", done))
    with mock_client(lambda _: response) as client:
        events = list(client.stream_answer(QUESTION))

    assert [type(event) for event in events] == [TokenEvent, DoneEvent]


UI_MODULES = ("client", "state", "sidebar", "chat", "documents")


def test_the_ui_does_not_import_the_server_code() -> None:
    """The UI ships without the RAG stack (its own slim image): schemas and settings only."""
    package = "{{ cookiecutter.package_name }}"
    modules = ", ".join(f"{package}.ui.{name}" for name in UI_MODULES)
    code = (
        f"import sys, {modules}; "
        f"print(sorted(m for m in sys.modules if m.startswith(('{package}.api', '{package}.rag'))))"
    )
    result = subprocess.run(  # noqa: S603 - our interpreter, fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
