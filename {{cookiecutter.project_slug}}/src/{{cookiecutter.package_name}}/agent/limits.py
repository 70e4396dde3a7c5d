"""The limits that keep a run bounded (OWASP LLM06 excessive agency, LLM10 unbounded
consumption), as agent middleware.

- `StepLimit`: at most AGENT_MAX_STEPS model calls per run; then the run ends with a
  final message marked `finish_reason: limit`, never a hang or an error.
- `ToolGuard`: each tool call gets AGENT_TOOL_TIMEOUT_S and AGENT_MAX_TOOL_OUTPUT_CHARS; a
  tool that fails, times out or is unknown answers the model with an error tool message,
  and the run goes on. It also reports each call's start and end to the run's stream.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from langchain.agents.middleware import AgentMiddleware, AgentState, ToolCallRequest, hook_config
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langgraph.errors import GraphBubbleUp
from langgraph.runtime import Runtime
from langgraph.types import Command

from {{ cookiecutter.package_name }}.agent.schemas import AgentStep, StepStarted, StepStatus

LIMIT_REASON = "limit"
SUMMARY_CHARS = 200

ToolHandler = Callable[[ToolCallRequest], Awaitable[ToolMessage | Command[Any]]]


def run_messages(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    """The messages of the current run: those after the last user message."""
    for index in range(len(messages) - 1, -1, -1):
        if isinstance(messages[index], HumanMessage):
            return list(messages[index + 1 :])
    return list(messages)


def is_limit_message(message: BaseMessage) -> bool:
    return message.response_metadata.get("finish_reason") == LIMIT_REASON


class StepLimit(AgentMiddleware[AgentState[Any], Any, Any]):
    """Ends a run after `max_steps` model calls, with a message saying so."""

    def __init__(self, max_steps: int) -> None:
        super().__init__()
        self.max_steps = max_steps

    @hook_config(can_jump_to=["end"])
    def before_model(self, state: AgentState[Any], runtime: Runtime[Any]) -> dict[str, Any] | None:
        # Counted from the thread itself: nothing extra to store, and a resumed thread's
        # earlier runs do not count against this one.
        steps = sum(isinstance(m, AIMessage) for m in run_messages(state["messages"]))
        if steps < self.max_steps:
            return None
        text = (
            f"I stopped after {self.max_steps} steps without reaching an answer. "
            "Try a narrower question, or split it into parts."
        )
        message = AIMessage(content=text, response_metadata={"finish_reason": LIMIT_REASON})
        return {"jump_to": "end", "messages": [message]}

    @hook_config(can_jump_to=["end"])
    async def abefore_model(
        self, state: AgentState[Any], runtime: Runtime[Any]
    ) -> dict[str, Any] | None:
        return self.before_model(state, runtime)


def _truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n[... cut: {len(text) - limit} more characters]"


def step_of(message: ToolMessage, arguments: dict[str, Any]) -> AgentStep:
    """A finished tool call as the API shows it, from its tool message (as kept in the thread)."""
    summary = " ".join(message.text.split())
    return AgentStep(
        id=message.tool_call_id,
        tool=message.name or "",
        arguments=arguments,
        status=message.response_metadata.get("step_status", "ok"),
        summary=summary if len(summary) <= SUMMARY_CHARS else summary[: SUMMARY_CHARS - 1] + "…",
        duration_ms=message.response_metadata.get("duration_ms", 0.0),
    )


class ToolGuard(AgentMiddleware[AgentState[Any], Any, Any]):
    """Time limit, output limit and error capture around every tool call."""

    def __init__(self, timeout_s: float, max_output_chars: int) -> None:
        super().__init__()
        self.timeout_s = timeout_s
        self.max_output_chars = max_output_chars

    async def awrap_tool_call(
        self, request: ToolCallRequest, handler: ToolHandler
    ) -> ToolMessage | Command[Any]:
        call = request.tool_call
        name, call_id = call["name"], call["id"] or ""
        write = request.runtime.stream_writer
        write(StepStarted(id=call_id, tool=name, arguments=call["args"]))
        started = time.perf_counter()
        status: StepStatus = "ok"
        try:
            result = await asyncio.wait_for(handler(request), self.timeout_s)
        except GraphBubbleUp:  # LangGraph's own control flow (interrupts), not a failure
            raise
        except TimeoutError:
            status = "timeout"
            text = f"The tool {name} did not finish within {self.timeout_s:g} s and was stopped."
            result = ToolMessage(content=text, tool_call_id=call_id, name=name, status="error")
        # A tool's failure is information for the model (wrong argument, nothing found);
        # the run goes on and the model decides what to do next.
        except Exception as error:
            status = "error"
            text = f"The tool {name} failed: {error}"
            result = ToolMessage(content=text, tool_call_id=call_id, name=name, status="error")
        if not isinstance(result, ToolMessage):
            return result
        if result.status == "error" and status == "ok":
            status = "error"  # reported by the tool node itself, e.g. invalid arguments
        result.content = _truncate(result.text, self.max_output_chars)
        duration_ms = round((time.perf_counter() - started) * 1000, 2)
        result.response_metadata.update(step_status=status, duration_ms=duration_ms)
        step = step_of(result, call["args"])
        write(step)
        return result
