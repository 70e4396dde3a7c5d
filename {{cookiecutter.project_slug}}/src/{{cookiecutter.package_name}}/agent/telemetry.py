"""Agent tool calls as telemetry: a counter by tool and status, and `execute_tool` spans.

Agent middleware placed outside `ToolGuard`, so it sees each call's final status (ok,
error, timeout) as the API reports it, and its span covers the whole guarded call.
"""

from typing import Any

from langchain.agents.middleware import AgentMiddleware, AgentState, ToolCallRequest
from langchain_core.messages import ToolMessage
from langgraph.types import Command

from {{ cookiecutter.package_name }}.agent.limits import ToolHandler
from {{ cookiecutter.package_name }}.observability import Observability


class ToolTelemetry(AgentMiddleware[AgentState[Any], Any, Any]):
    def __init__(self, observability: Observability) -> None:
        super().__init__()
        self.observability = observability

    async def awrap_tool_call(
        self, request: ToolCallRequest, handler: ToolHandler
    ) -> ToolMessage | Command[Any]:
        name = request.tool_call["name"]
        tracer = self.observability.tracer
        if tracer is None:
            result = await handler(request)
        else:
            with tracer.start_as_current_span(f"execute_tool {name}") as span:
                span.set_attributes(
                    {
                        "gen_ai.operation.name": "execute_tool",
                        "gen_ai.tool.name": name,
                        "gen_ai.tool.call.id": request.tool_call["id"] or "",
                    }
                )
                result = await handler(request)
                if _status(result) != "ok":
                    from opentelemetry.trace import StatusCode

                    span.set_attribute("error.type", _status(result))
                    span.set_status(StatusCode.ERROR)
        self.observability.metrics.agent_tool_calls.labels(name, _status(result)).inc()
        return result


def _status(result: ToolMessage | Command[Any]) -> str:
    if isinstance(result, ToolMessage):
        return str(result.response_metadata.get("step_status", result.status))
    return "ok"  # a Command: LangGraph control flow, the tool itself succeeded
