"""The agent: runs (whole, or streamed as Server-Sent Events) and conversation threads."""

import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.sse import EventSourceResponse, ServerSentEvent

from {{ cookiecutter.package_name }}.agent.schemas import (
    AgentDoneEvent,
    AgentRunRequest,
    AgentRunResponse,
    AgentStep,
    StepStarted,
    ThreadDeleted,
    ThreadEvent,
    ThreadResponse,
)
from {{ cookiecutter.package_name }}.agent.threads import ThreadRecord
from {{ cookiecutter.package_name }}.api.deps import AgentRunnerDep, TenantDep
from {{ cookiecutter.package_name }}.api.errors import (
    DEPENDENCY_ERRORS,
    error_doc,
    knowledge_base_error_detail,
)
from {{ cookiecutter.package_name }}.api.inputs import JSON, JSON_BODY, IdPath
from {{ cookiecutter.package_name }}.rag.errors import KnowledgeBaseError
from {{ cookiecutter.package_name }}.schemas import TokenEvent

logger = logging.getLogger(__name__)
router = APIRouter(
    prefix="/v1", tags=["agent"], dependencies=[JSON_BODY], responses=JSON.responses
)
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: error_doc("No such thread for this caller (it may belong to someone else).")
}
RUN_ERRORS = NOT_FOUND | DEPENDENCY_ERRORS
_EVENT_NAMES = {StepStarted: "step_start", AgentStep: "step_end", TokenEvent: "token"}


def run_thread(
    request: AgentRunRequest, runner: AgentRunnerDep, owner: TenantDep
) -> ThreadRecord:
    """The thread a run goes to, checked before a stream starts (a 404, not an event)."""
    return runner.open_thread(request.thread_id, owner)


RunThreadDep = Annotated[ThreadRecord, Depends(run_thread)]


@router.post("/agent/runs", responses=RUN_ERRORS)
async def run(
    request: AgentRunRequest, runner: AgentRunnerDep, thread: RunThreadDep
) -> AgentRunResponse:
    """Run the agent to its answer: the answer, its citations, and each tool call it made."""
    return await runner.run(request.message, thread)


@router.post("/agent/runs/stream", response_class=EventSourceResponse, responses=RUN_ERRORS)
async def run_stream(
    request: AgentRunRequest, runner: AgentRunnerDep, thread: RunThreadDep
) -> AsyncIterator[ServerSentEvent]:
    """Server-Sent Events: `thread` first, `step_start`/`step_end` around each tool call,
    `token` as the model writes, `answer` (the whole result), then `done`; or an `error`
    event."""
    yield ServerSentEvent(event="thread", data=ThreadEvent(thread_id=thread.id))
    try:
        async for event in runner.stream(request.message, thread):
            if isinstance(event, AgentRunResponse):
                yield ServerSentEvent(event="answer", data=event)
                done = AgentDoneEvent(
                    thread_id=event.thread_id,
                    finish_reason=event.finish_reason,
                    latency_ms=event.latency_ms,
                )
                yield ServerSentEvent(event="done", data=done)
            else:
                yield ServerSentEvent(event=_EVENT_NAMES[type(event)], data=event)
    # The status line (200) is already sent: a failure can only be reported in the stream.
    except KnowledgeBaseError as error:
        logger.error("agent stream failed: %s", error, exc_info=error.__cause__ or error)
        yield ServerSentEvent(event="error", data=knowledge_base_error_detail(error))


@router.get("/threads/{thread_id}", responses=NOT_FOUND)
async def get_thread(thread_id: IdPath, runner: AgentRunnerDep, owner: TenantDep) -> ThreadResponse:
    """A conversation's messages: the user's, the agent's (with its tool calls), the tools'."""
    return await runner.history(thread_id, owner)


@router.delete("/threads/{thread_id}", responses=NOT_FOUND)
async def delete_thread(
    thread_id: IdPath, runner: AgentRunnerDep, owner: TenantDep
) -> ThreadDeleted:
    """Forget a conversation: its messages and checkpoints are deleted."""
    await runner.delete(thread_id, owner)
    return ThreadDeleted(thread_id=thread_id)
