"""The Agent page, run by Streamlit's AppTest: against the live API (the offline agent), and
against a stand-in API playing the documented event sequences, failures included, which the
real agent cannot be made to produce on cue."""

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.sse import EventSourceResponse, ServerSentEvent
from streamlit.testing.v1 import AppTest

from {{ cookiecutter.package_name }}.agent.schemas import (
    AgentDoneEvent,
    AgentRunRequest,
    AgentRunResponse,
    AgentStep,
    FinishReason,
    StepStarted,
    ThreadDeleted,
    ThreadEvent,
)
from {{ cookiecutter.package_name }}.schemas import AnswerCitation, ErrorDetail, ReadinessResponse, TokenEvent, Usage
from {{ cookiecutter.package_name }}.ui.agent import LIMIT_NOTE, OFFLINE_NOTE, THREAD
from {{ cookiecutter.package_name }}.ui.client import ApiClient
from {{ cookiecutter.package_name }}.ui.state import plain
from tests.servers import close_connections, serve_in_thread
from tests.ui.conftest import ANSWER, BROKEN, QUESTION, RecordRequests, Request, app_test

THREAD_ID = "7" * 32
FOLLOW_UP = "And by post?"
LOOPING = "Keep checking the warranty."  # the stand-in runs out of steps on this one
CRASHING = "Crash, please."  # the stand-in's model fails mid-run on this one
MODEL_DOWN = "The chat model is unreachable."
SEARCH = AgentStep(
    id="call-1",
    tool="search_documents",
    arguments={"query": "warranty claim email"},
    status="ok",
    summary="[1] warranty.md: Email warranty@pedalwright.example with your order number.",
    duration_ms=12.0,
)
WARRANTY = AnswerCitation(
    chunk_id="c1",
    document_id="d1",
    source="warranty.md",
    page=None,
    snippet="# Warranty\nEmail warranty@pedalwright.example",
    number=1,
    score=0.5,
)
Script = Callable[[AgentRunRequest], Iterator[ServerSentEvent]]


def event(name: str, data: object) -> ServerSentEvent:
    return ServerSentEvent(event=name, data=data)


def run(
    request: AgentRunRequest, steps: list[AgentStep], answer: str, finish: FinishReason
) -> Iterator[ServerSentEvent]:
    """A whole run in the documented order: thread, steps, tokens, answer, done."""
    thread_id = request.thread_id or THREAD_ID
    yield event("thread", ThreadEvent(thread_id=thread_id))
    for step in steps:
        yield event("step_start", StepStarted.model_validate(step.model_dump()))
        yield event("step_end", step)
    for word in answer.split(" "):
        yield event("token", TokenEvent(text=f"{word} "))
    result = AgentRunResponse(
        thread_id=thread_id,
        answer=answer,
        citations=[WARRANTY] if steps else [],
        steps=steps,
        finish_reason=finish,
        offline=True,
        model="extractive",
        usage=Usage(),
        latency_ms=40.0,
    )
    yield event("answer", result)
    yield event("done", AgentDoneEvent(thread_id=thread_id, finish_reason=finish, latency_ms=40))


def answers(request: AgentRunRequest) -> Iterator[ServerSentEvent]:
    yield from run(request, [SEARCH], f"Email {ANSWER} [1].", "stop")


def loops(request: AgentRunRequest) -> Iterator[ServerSentEvent]:
    failed = AgentStep(
        id="call-2",
        tool="calculator",
        arguments={"expression": "__import__('os')"},
        status="error",
        summary="ValueError: not arithmetic",
        duration_ms=1.0,
    )
    slow = failed.model_copy(
        update={"id": "call-3", "tool": "current_time", "arguments": {}, "status": "timeout",
                "summary": "", "duration_ms": 5000.0},
    )  # fmt: skip
    yield from run(request, [SEARCH, failed, slow], "I could not finish.", "limit")


def crashes(request: AgentRunRequest) -> Iterator[ServerSentEvent]:
    yield event("thread", ThreadEvent(thread_id=request.thread_id or THREAD_ID))
    yield event("step_start", StepStarted.model_validate(SEARCH.model_dump()))
    detail = ErrorDetail(message=MODEL_DOWN, type="llm_error", request_id="req-7")
    yield event("error", detail)


SCRIPTS: dict[str, Script] = {LOOPING: loops, CRASHING: crashes}


def agent_stand_in() -> FastAPI:
    """`/v1/agent/runs/stream` and `/v1/threads/{id}` as documented, playing `SCRIPTS`."""
    app = FastAPI()

    @app.get("/readyz")
    def ready() -> ReadinessResponse:
        return ReadinessResponse(status="ready", checks={})

    @app.post("/v1/agent/runs/stream", response_class=EventSourceResponse)
    def stream(request: AgentRunRequest) -> Iterator[ServerSentEvent]:
        yield from SCRIPTS.get(request.message, answers)(request)

    @app.delete("/v1/threads/{thread_id}")
    def delete(thread_id: str) -> ThreadDeleted:
        return ThreadDeleted(thread_id=thread_id)

    return app


@pytest.fixture
def stand_in_url(requests_log: list[Request]) -> Iterator[str]:
    app = close_connections(agent_stand_in())
    app.add_middleware(RecordRequests, log=requests_log)
    with serve_in_thread(app) as url:
        yield url


def agent_page(monkeypatch: pytest.MonkeyPatch, api_url: str) -> AppTest:
    at = app_test(monkeypatch, api_url).run()
    at.switch_page("agent.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Agent"
    return at


def ask(at: AppTest, message: str = QUESTION) -> AppTest:
    at.chat_input[0].set_value(message).run()
    assert not at.exception, at.exception
    return at


def click(at: AppTest, label: str) -> AppTest:
    next(button for button in at.main.button if button.label == label).click().run()
    assert not at.exception, at.exception
    return at


def sent_runs(requests_log: list[Request]) -> list[AgentRunRequest]:
    runs = [body for _, path, body in requests_log if path == "/v1/agent/runs/stream"]
    return [AgentRunRequest.model_validate_json(body) for body in runs]


def test_the_agent_answers_from_the_documents(
    monkeypatch: pytest.MonkeyPatch, loaded_api_url: str
) -> None:
    at = ask(agent_page(monkeypatch, loaded_api_url))

    answer = at.chat_message[1]
    search = answer.status[0]
    assert search.label.startswith(plain("search_documents("))
    assert search.state == "complete"
    assert ANSWER in answer.markdown[0].value
    assert answer.expander[0].label.startswith(f"Sources: {plain('warranty.md')}")
    assert OFFLINE_NOTE in answer.caption[-1].value
    assert not at.error


def test_a_thread_gone_from_the_api_is_replaced_by_a_new_one(
    monkeypatch: pytest.MonkeyPatch, loaded_api_url: str, requests_log: list[Request]
) -> None:
    at = ask(agent_page(monkeypatch, loaded_api_url))
    thread_id = at.session_state[THREAD]
    with ApiClient(loaded_api_url) as client:  # deleted elsewhere, e.g. in another tab
        client.delete_thread(thread_id)

    ask(at, FOLLOW_UP)
    assert at.main.error[0].value.endswith("Your next message starts a new conversation.")
    ask(at, FOLLOW_UP)
    assert [run.thread_id for run in sent_runs(requests_log)] == [None, thread_id, None]
    assert at.chat_message[-1].status[0].state == "complete"  # it ran, in a new thread
    assert len(at.main.error) == 1  # the failed turn's, kept in the history


def test_steps_answer_and_sources_are_shown_and_the_thread_goes_on(
    monkeypatch: pytest.MonkeyPatch, stand_in_url: str, requests_log: list[Request]
) -> None:
    at = ask(agent_page(monkeypatch, stand_in_url))

    question, answer = at.chat_message
    assert question.markdown[0].value == plain(QUESTION)
    (step,) = answer.status
    assert step.label == plain('search_documents(query="warranty claim email")') + " · 12 ms"
    assert step.state == "complete"
    assert step.caption[0].value == plain(SEARCH.summary)
    assert ANSWER in answer.markdown[0].value
    assert answer.expander[0].label == f"Sources: {plain('warranty.md')}"
    assert OFFLINE_NOTE in answer.caption[-1].value
    assert not at.error
    assert not at.warning

    ask(at, FOLLOW_UP)  # the same conversation: the API is told which thread
    assert [run.thread_id for run in sent_runs(requests_log)] == [None, THREAD_ID]

    at.run()  # the history survives a rerun, steps included
    assert [m.name for m in at.chat_message] == ["user", "assistant"] * 2
    assert at.chat_message[1].status[0].state == "complete"
    assert ANSWER in at.chat_message[1].markdown[0].value


def test_failed_tools_and_the_step_limit_are_shown(
    monkeypatch: pytest.MonkeyPatch, stand_in_url: str
) -> None:
    at = ask(agent_page(monkeypatch, stand_in_url), LOOPING)

    answer = at.chat_message[1]
    assert [status.state for status in answer.status] == ["complete", "error", "error"]
    assert answer.status[1].label.startswith(plain("calculator(expression="))
    assert answer.status[1].caption[0].value == plain("ValueError: not arithmetic")
    assert answer.status[2].label == "current\\_time\\(\\) · 5.0 s"
    assert answer.status[2].markdown[0].value == "The tool ran out of time."
    assert at.warning[0].value == LIMIT_NOTE
    assert not at.error


def test_an_error_event_mid_run_is_a_readable_error(
    monkeypatch: pytest.MonkeyPatch, stand_in_url: str, requests_log: list[Request]
) -> None:
    at = ask(agent_page(monkeypatch, stand_in_url), CRASHING)

    answer = at.chat_message[1]
    assert answer.status[0].state == "error"  # started, never finished
    assert at.main.error[0].value == f"{MODEL_DOWN} (request id: req-7)"
    at.run()
    assert at.main.error[0].value == f"{MODEL_DOWN} (request id: req-7)"
    assert at.chat_message[0].markdown[0].value == plain(CRASHING)  # the message stays
    ask(at)  # the failed run's thread was reported first: the conversation goes on in it
    assert [run.thread_id for run in sent_runs(requests_log)] == [None, THREAD_ID]


def test_new_conversation_starts_a_new_thread(
    monkeypatch: pytest.MonkeyPatch, stand_in_url: str, requests_log: list[Request]
) -> None:
    at = ask(agent_page(monkeypatch, stand_in_url))

    click(at, "New conversation")
    assert not at.chat_message
    ask(at, FOLLOW_UP)
    assert [run.thread_id for run in sent_runs(requests_log)] == [None, None]
    assert not any(method == "DELETE" for method, _, _ in requests_log)  # the old one is kept


def test_delete_conversation_deletes_the_thread_on_the_api(
    monkeypatch: pytest.MonkeyPatch, stand_in_url: str, requests_log: list[Request]
) -> None:
    at = ask(agent_page(monkeypatch, stand_in_url))

    click(at, "Delete conversation")
    assert ("DELETE", f"/v1/threads/{THREAD_ID}", b"") in requests_log
    assert not at.chat_message
    assert not at.error


def test_api_down_is_a_readable_error(monkeypatch: pytest.MonkeyPatch, closed_url: str) -> None:
    at = ask(agent_page(monkeypatch, closed_url))

    assert f"Cannot reach the API at {closed_url}" in at.main.error[0].value
    assert at.chat_message[0].markdown[0].value == plain(QUESTION)


def test_api_server_error_shows_its_message(
    monkeypatch: pytest.MonkeyPatch, broken_url: str
) -> None:
    at = ask(agent_page(monkeypatch, broken_url))

    assert at.main.error[0].value == f"{BROKEN} (request id: req-42)"
