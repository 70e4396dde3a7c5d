"""The Agent page: a conversation with the tool-using agent, each tool call shown as it runs.

The conversation is a thread on the API (its id kept in the session): the agent sees the
earlier messages, this page shows them from the session.
"""

import json
from dataclasses import dataclass, field
from typing import Literal

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

# What st.status returns; Streamlit has no public name for it.
from streamlit.elements.lib.mutable_status_container import StatusContainer

from {{ cookiecutter.package_name }}.agent.schemas import (
    AgentRunResponse,
    AgentStep,
    FinishReason,
    StepStarted,
    ThreadEvent,
)
from {{ cookiecutter.package_name }}.schemas import MAX_QUESTION_CHARS, AnswerCitation, TokenEvent
from {{ cookiecutter.package_name }}.ui.citations import show_citations
from {{ cookiecutter.package_name }}.ui.client import ApiClient
from {{ cookiecutter.package_name }}.ui.errors import ApiError
from {{ cookiecutter.package_name }}.ui.state import answer_markdown, api_client, describe, plain, show_error

HISTORY = "agent_history"
THREAD = "agent_thread_id"  # the API's thread of this conversation, once it has one
MAX_CALL_CHARS = 80  # a tool call's label is cut here; long arguments would wrap
LIMIT_NOTE = "The agent reached its step limit before it finished: the answer may be incomplete."
OFFLINE_NOTE = (
    "Offline mode: no chat model is configured (LLM_PROVIDER), so the answer is quoted "
    "from the documents the agent found."
)


@dataclass
class AgentTurn:
    """One message to the agent and what came back (kept for the whole session)."""

    message: str
    answer: str = ""
    steps: list[AgentStep] = field(default_factory=list)
    citations: list[AnswerCitation] = field(default_factory=list)
    finish_reason: FinishReason | None = None  # None until the run has finished
    offline: bool = False
    error: str | None = None


def render() -> None:
    st.title("Agent")
    history: list[AgentTurn] = st.session_state.setdefault(HISTORY, [])
    try:
        client = api_client()
    except ApiError as error:
        show_error(error)
        return
    with client:
        # Filled last, so the buttons are there as soon as the first message is.
        controls = st.container()
        for turn in history:
            _show_turn(turn)
        if message := st.chat_input("Ask the agent", max_chars=MAX_QUESTION_CHARS):
            turn = AgentTurn(message)
            history.append(turn)  # before asking: it stays in the history even if that fails
            with st.chat_message("user"):
                st.markdown(plain(message))
            with st.chat_message("assistant"):
                _run(turn, client)
                _show_outcome(turn)
        with controls:
            _conversation_controls(history, client)


def _conversation_controls(history: list[AgentTurn], client: ApiClient) -> None:
    if not history:
        st.caption(
            "Ask the agent: it searches your documents and uses its other tools as it needs, "
            "showing each step, then answers with its sources."
        )
        return
    with st.container(horizontal=True):
        st.button("New conversation", on_click=_new_conversation)
        if st.button("Delete conversation", help="Also delete it from the API's storage."):
            _delete_conversation(client)


def _new_conversation() -> None:
    """Start a new thread; the old one stays stored by the API."""
    st.session_state[HISTORY] = []
    st.session_state.pop(THREAD, None)


def _delete_conversation(client: ApiClient) -> None:
    if thread_id := st.session_state.get(THREAD):
        try:
            client.delete_thread(thread_id)
        except ApiError as error:
            if error.status_code != 404:  # 404: already gone, which is what was asked
                show_error(error)
                return
    _new_conversation()
    st.rerun()


def _show_turn(turn: AgentTurn) -> None:
    with st.chat_message("user"):
        st.markdown(plain(turn.message))
    with st.chat_message("assistant"):
        for step in turn.steps:
            with st.status(_done_label(step), state=_state(step)):
                _step_details(step)
        if turn.answer:
            st.markdown(answer_markdown(turn.answer))
        _show_outcome(turn)


def _run(turn: AgentTurn, client: ApiClient) -> None:
    """Stream a run: a status per tool call above the answer, which is written as it comes."""
    steps_area, answer_area = st.container(), st.empty()
    running: dict[str, StatusContainer] = {}
    try:
        for event in client.stream_agent(turn.message, st.session_state.get(THREAD)):
            if isinstance(event, ThreadEvent):  # kept at once: a failed run still continues it
                st.session_state[THREAD] = event.thread_id
            elif isinstance(event, AgentStep):  # before StepStarted: it is one too
                turn.steps.append(event)
                started = running.pop(event.id, None)
                _finish(started or _start(steps_area, event), event)
            elif isinstance(event, StepStarted):
                running[event.id] = _start(steps_area, event)
            elif isinstance(event, TokenEvent):
                turn.answer += event.text
                answer_area.markdown(answer_markdown(turn.answer))
            elif isinstance(event, AgentRunResponse):
                _record(turn, event)
                answer_area.markdown(answer_markdown(turn.answer))
    except ApiError as error:  # the steps and text so far stay on screen, above the error
        turn.error = describe(error)
        # The API no longer has this thread (deleted, or its data reset): start afresh.
        if error.status_code == 404 and st.session_state.pop(THREAD, None):
            turn.error += " Your next message starts a new conversation."
        for status in running.values():
            status.update(state="error")  # it will never finish now


def _record(turn: AgentTurn, result: AgentRunResponse) -> None:
    """The whole result is the reference: it replaces what the stream built up."""
    turn.answer = result.answer
    turn.steps = result.steps
    turn.citations = result.citations
    turn.finish_reason = result.finish_reason
    turn.offline = result.offline
    st.session_state[THREAD] = result.thread_id  # the next message continues this thread


def _start(area: DeltaGenerator, step: StepStarted) -> StatusContainer:
    with area:
        return st.status(_call(step), state="running")


def _finish(status: StatusContainer, step: AgentStep) -> None:
    status.update(label=_done_label(step), state=_state(step), expanded=False)
    with status:
        _step_details(step)


def _done_label(step: AgentStep) -> str:
    ms = step.duration_ms
    return f"{_call(step)} · " + (f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s")


def _state(step: AgentStep) -> Literal["complete", "error"]:
    return "complete" if step.status == "ok" else "error"


def _step_details(step: AgentStep) -> None:
    if step.status == "timeout":
        st.markdown("The tool ran out of time.")
    st.caption(plain(step.summary) or "(no output)")


def _call(step: StepStarted) -> str:
    """`tool(name="value", …)`, as the model called it, cut to fit a line."""
    arguments = ", ".join(
        f"{name}={json.dumps(value, ensure_ascii=False)}" for name, value in step.arguments.items()
    )
    call = f"{step.tool}({arguments})"
    if len(call) > MAX_CALL_CHARS:
        call = call[: MAX_CALL_CHARS - 2] + "…)"
    return plain(call)


def _show_outcome(turn: AgentTurn) -> None:
    if turn.error:
        show_error(turn.error)
    if turn.citations:
        show_citations(turn.citations)
    if turn.finish_reason == "limit":
        st.warning(LIMIT_NOTE, icon=":material/timer_off:")
    if turn.offline:
        st.caption(f":material/cloud_off: {OFFLINE_NOTE}")


if __name__ == "__main__":  # run as a page by st.navigation (see app.py)
    render()
