"""Agent telemetry: tool calls counted by tool and status, `execute_tool` spans, and the
model's calls in the GenAI metrics."""

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.agent.conftest import AgentClient, fake_model, stream_run, tool_call
from tests.observability.conftest import in_memory_tracing


def samples(client: TestClient, name: str) -> dict[frozenset[tuple[str, str]], float]:
    return {
        frozenset(sample.labels.items()): sample.value
        for family in text_string_to_metric_families(client.get("/metrics").text)
        for sample in family.samples
        if sample.name == name
    }


def test_tool_calls_are_counted_by_tool_and_status(agent_client: AgentClient) -> None:
    model = fake_model(
        tool_call("current_time", timezone="Mars/Olympus_Mons"),
        tool_call("current_time", "call_2", timezone="UTC"),
        "It is now in UTC.",
    )
    with agent_client(model) as client:
        stream_run(client, {"message": "What time is it on Mars?"})
        calls = samples(client, "agent_tool_calls_total")
        durations = samples(client, "gen_ai_client_operation_duration_seconds_count")

    tool = ("gen_ai_tool_name", "current_time")
    assert calls == {
        frozenset({tool, ("status", "error")}): 1,
        frozenset({tool, ("status", "ok")}): 1,
    }
    # Three model calls (two tool calls, then the answer), all seen by the one handler.
    chat = [n for labels, n in durations.items() if ("gen_ai_operation_name", "chat") in labels]
    assert chat == [3]


def test_tool_calls_are_traced_as_execute_tool_spans(
    agent_client: AgentClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    spans = in_memory_tracing(monkeypatch)
    model = fake_model(tool_call("calculator", expression="6*7"), "It is 42.")
    with agent_client(model, otel_exporter_otlp_endpoint="http://collector:4318") as client:
        stream_run(client, {"message": "What is 6 times 7?"})

    [span] = spans.named("execute_tool calculator")
    assert {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "calculator",
        "gen_ai.tool.call.id": "call_1",
    }.items() <= dict(span.attributes or {}).items()
    assert span.status.is_ok
    [run] = spans.named("POST /v1/agent/runs/stream")
    assert span.parent is not None
    assert run.context is not None
    assert span.context is not None
    assert span.context.trace_id == run.context.trace_id
