"""The contract between the UI's client and the API: every method against the live app,
and every kind of failure turned into one readable `ApiError`."""

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import httpx2
import pytest

{% if cookiecutter.include_agent == "yes" -%}
from {{ cookiecutter.package_name }}.agent.schemas import (
    AgentDoneEvent,
    AgentRunResponse,
    AgentStep,
    StepStarted,
    ThreadEvent,
)
{% endif -%}
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
    unknown = "0" * 32  # well formed (a malformed id is a 422), but no document has it
    with ApiClient(api_url) as client, pytest.raises(ApiError) as caught:
        client.delete(unknown)

    assert caught.value.status_code == 404
    assert unknown in str(caught.value)
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


UI_MODULES = ("client", "state", "sidebar", "citations", "chat", "documents"{% if cookiecutter.include_agent == "yes" %}, "agent"{% endif %})
# Besides the UI itself: the package, its HTTP contracts and its settings.
ALLOWED = ("", ".schemas", ".settings"{% if cookiecutter.include_agent == "yes" %}, ".agent", ".agent.schemas"{% endif %})


# What the UI's image does not install (see the Dockerfile's ui-builder).
SERVER_PACKAGES = ("fastapi", "uvicorn", "langchain_core", "langchain", "langgraph", "chromadb", "qdrant_client", "psycopg")
# Run in a fresh interpreter where those packages cannot be imported, as in the UI's image
# (None in sys.modules: importing one raises ModuleNotFoundError, find_spec finds nothing).
WITHOUT_SERVER_PACKAGES = f"import json, sys\nsys.modules.update(dict.fromkeys({SERVER_PACKAGES!r}))"


def test_the_ui_does_not_import_the_server_code() -> None:
    """The UI ships without the RAG stack and the agent (its own slim image): contracts and
    settings only, and its settings load without them."""
    package = "{{ cookiecutter.package_name }}"
    modules = ", ".join(f"{package}.ui.{name}" for name in UI_MODULES)
    code = (
        f"{WITHOUT_SERVER_PACKAGES}\nimport {modules}\n"
        f"from {package}.settings import get_settings\nget_settings()\n"
        "print(json.dumps(list(sys.modules)))"
    )
    # Names set explicitly, so the settings' checks of them run (defaults are not validated).
    env = os.environ | {"VECTOR_STORE": "{{ cookiecutter.vector_store }}", "LLM_PROVIDER": "extractive"}
    result = subprocess.run(  # noqa: S603 - our interpreter, fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env
    )
    assert result.returncode == 0, result.stderr
    ours = {name for name in json.loads(result.stdout) if name.split(".")[0] == package}
    outside_ui = {name for name in ours if not name.startswith(f"{package}.ui")}
    assert outside_ui <= {f"{package}{suffix}" for suffix in ALLOWED}
{%- if cookiecutter.include_agent == "yes" %}


# --- Agent ------------------------------------------------------------------------------------

FOLLOW_UP = "And how long is the frame warranty?"
STEP = {"id": "call-1", "tool": "search_documents", "arguments": {"query": "warranty"}}
STEP_END = STEP | {"status": "ok", "summary": "[1] warranty.md", "duration_ms": 3.0}
THREAD_ID = "7" * 32


def test_agent_methods_against_the_live_api(loaded_api_url: str) -> None:
    with ApiClient(loaded_api_url) as client:
        events = list(client.stream_agent(QUESTION))
        kinds = [type(event) for event in events]
        assert kinds[:3] == [ThreadEvent, StepStarted, AgentStep]
        assert kinds[-2:] == [AgentRunResponse, AgentDoneEvent]
        assert TokenEvent in kinds
        result = next(e for e in events if isinstance(e, AgentRunResponse))
        assert events[0] == ThreadEvent(thread_id=result.thread_id)
        assert ANSWER in result.answer
        assert "warranty.md" in {c.source for c in result.citations}

        follow_up = client.run_agent(FOLLOW_UP, result.thread_id)
        assert follow_up.thread_id == result.thread_id
        assert follow_up.steps

        history = client.thread(result.thread_id)
        users = [m.content for m in history.messages if m.role == "user"]
        assert users == [QUESTION, FOLLOW_UP]
        assert client.delete_thread(result.thread_id).thread_id == result.thread_id
        with pytest.raises(ApiError) as caught:
            client.thread(result.thread_id)
        assert caught.value.status_code == 404


def agent_result() -> dict[str, object]:
    return {
        "thread_id": THREAD_ID, "answer": "Email us [1].", "citations": [], "steps": [STEP_END],
        "finish_reason": "stop", "offline": True, "model": "extractive", "usage": {},
        "latency_ms": 5.0,
    }  # fmt: skip


def test_agent_stream_yields_each_event_as_its_model() -> None:
    seen: list[httpx2.Request] = []
    done = {"thread_id": THREAD_ID, "finish_reason": "stop", "latency_ms": 5.0}
    response = sse(
        ("thread", {"thread_id": THREAD_ID}), ("step_start", STEP), ("step_end", STEP_END),
        ("token", {"text": "Email"}), ("answer", agent_result()), ("done", done),
        ("token", {"text": "after done"}),
    )  # fmt: skip

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return response

    with mock_client(handler) as client:
        events = list(client.stream_agent("Where do I claim?", THREAD_ID))

    kinds = [type(event) for event in events]
    assert kinds == [
        ThreadEvent, StepStarted, AgentStep, TokenEvent, AgentRunResponse, AgentDoneEvent
    ]
    assert seen[0].url.path == "/v1/agent/runs/stream"
    assert json.loads(seen[0].content) == {"message": "Where do I claim?", "thread_id": THREAD_ID}


def test_agent_error_event_is_an_api_error_with_its_request_id() -> None:
    error = {"message": "Model down", "type": "llm_error", "request_id": "req-7"}
    response = sse(("step_start", STEP), ("error", error))
    with mock_client(lambda _: response) as client, pytest.raises(ApiError) as caught:
        list(client.stream_agent("Hi?"))

    assert (str(caught.value), caught.value.request_id) == ("Model down", "req-7")


def test_agent_run_and_threads_use_their_routes() -> None:
    seen: list[httpx2.Request] = []
    history = {
        "thread_id": THREAD_ID, "created_at": "2026-01-02T03:04:05Z",
        "updated_at": "2026-01-02T03:04:06Z", "messages": [{"role": "user", "content": "Hi?"}],
    }  # fmt: skip
    bodies = {
        "POST": agent_result(),
        "GET": history,
        "DELETE": {"thread_id": THREAD_ID},
    }

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(200, json=bodies[request.method])

    with mock_client(handler) as client:
        assert client.run_agent("Hi?").steps[0].tool == "search_documents"
        assert client.thread(THREAD_ID).messages[0].content == "Hi?"
        assert client.delete_thread(THREAD_ID).thread_id == THREAD_ID

    assert [(r.method, r.url.path) for r in seen] == [
        ("POST", "/v1/agent/runs"),
        ("GET", f"/v1/threads/{THREAD_ID}"),
        ("DELETE", f"/v1/threads/{THREAD_ID}"),
    ]
    assert json.loads(seen[0].content) == {"message": "Hi?"}  # no thread: a new one
{%- endif %}
