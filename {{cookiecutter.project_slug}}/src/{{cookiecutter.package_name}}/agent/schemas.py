"""The agent's HTTP contract: requests, results and stream events of `/v1/agent` and
`/v1/threads`, shared by the API and the UI's client (importing it loads no agent code)."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from {{ cookiecutter.package_name }}.schemas import (
    ID_PATTERN,
    MAX_QUESTION_CHARS,
    AnswerCitation,
    Text,
    Usage,
)

FinishReason = Literal["stop", "limit"]
StepStatus = Literal["ok", "error", "timeout"]


class AgentRunRequest(BaseModel):
    """A message to the agent, starting a new thread or continuing one."""

    model_config = {
        "json_schema_extra": {
            "examples": [{"message": "How long is the frame warranty, in months?"}]
        }
    }

    message: Text = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    thread_id: str | None = Field(
        default=None,
        pattern=ID_PATTERN,
        description="Continue this conversation; omit to start a new one.",
    )


class ThreadEvent(BaseModel):
    """SSE `thread`: the first event of a streamed run, so a client knows the conversation
    to continue even if the run fails before its answer."""

    thread_id: str


class StepStarted(BaseModel):
    """SSE `step_start`: the agent called a tool."""

    id: str = Field(description="The tool call's id; its `step_end` has the same id.")
    tool: str = Field(examples=["search_documents"])
    arguments: dict[str, Any] = Field(examples=[{"query": "frame warranty"}])


class AgentStep(StepStarted):
    """One tool call, finished (SSE `step_end`, and the `steps` of a run's result)."""

    status: StepStatus = Field(description="ok; error: the tool raised; timeout: it ran too long.")
    summary: str = Field(description="The start of what the tool returned to the model.")
    duration_ms: float


class AgentRunResponse(BaseModel):
    """A finished run (also the SSE `answer` event of a streamed run)."""

    thread_id: str
    answer: str = Field(examples=["The frame is covered for 84 months (7 years) [1]."])
    citations: list[AnswerCitation]
    steps: list[AgentStep]
    finish_reason: FinishReason = Field(
        description="stop: the model answered; limit: a step limit ended the run first."
    )
    offline: bool = Field(description="True when no chat model is configured (extractive).")
    model: str
    usage: Usage
    latency_ms: float


class AgentDoneEvent(BaseModel):
    """SSE `done`: the last event of a streamed run."""

    thread_id: str
    finish_reason: FinishReason
    latency_ms: float


class ThreadMessage(BaseModel):
    """One message of a conversation, as the agent saw it."""

    role: Literal["user", "assistant", "tool"]
    content: str
    tool: str | None = Field(default=None, description="The tool's name, for role `tool`.")
    tool_calls: list[StepStarted] = Field(
        default_factory=list, description="The tools an assistant message called."
    )


class ThreadResponse(BaseModel):
    """A conversation's history."""

    thread_id: str
    created_at: datetime
    updated_at: datetime
    messages: list[ThreadMessage]


class ThreadDeleted(BaseModel):
    thread_id: str
