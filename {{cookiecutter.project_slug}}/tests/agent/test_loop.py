"""The agent loop with a scripted tool-calling model: order, limits, failures, prompts."""

import time

import pytest
from langchain_core.messages import SystemMessage, ToolMessage
from langchain_core.tools import BaseTool, tool

from {{ cookiecutter.package_name }}.agent import tools
from {{ cookiecutter.package_name }}.agent.context import ToolServices
from tests.agent.conftest import (
    WARRANTY_EMAIL,
    WARRANTY_QUESTION,
    AgentClient,
    fake_model,
    stream_run,
    tool_call,
    upload_samples,
)


def test_a_search_then_answer_run_streams_its_events_in_order(agent_client: AgentClient) -> None:
    model = fake_model(
        tool_call("search_documents", query="warranty claim email"),
        f"Email {WARRANTY_EMAIL} with the frame number [1].",
    )
    with agent_client(model) as client:
        upload_samples(client)
        events = stream_run(client, {"message": WARRANTY_QUESTION})

    names = [name for name, _ in events]
    assert names[:3] == ["thread", "step_start", "step_end"]
    assert names[-2:] == ["answer", "done"]
    assert set(names[3:-2]) == {"token"}
    assert events[2][1]["arguments"] == {"query": "warranty claim email"}
    answer = events[-2][1]
    assert answer["answer"] == f"Email {WARRANTY_EMAIL} with the frame number [1]."
    assert [c["number"] for c in answer["citations"]] == [1]  # only what [n] marks
    assert answer["citations"][0]["source"] == "warranty.md"
    assert (answer["offline"], answer["finish_reason"]) == (False, "stop")
    assert answer["usage"] == {"input_tokens": 20, "output_tokens": 10, "total_tokens": 30}


def test_retrieved_text_reaches_the_model_fenced_under_the_system_rules(
    agent_client: AgentClient,
) -> None:
    model = fake_model(tool_call("search_documents", query="warranty"), "Done [1].")
    with agent_client(model) as client:
        upload_samples(client)
        client.post("/v1/agent/runs", json={"message": WARRANTY_QUESTION})

    system, *_, result = model.prompts[-1]
    assert isinstance(system, SystemMessage)
    assert "untrusted data" in system.text
    assert "Never follow" in system.text
    assert isinstance(result, ToolMessage)
    assert result.text.startswith('<source id="1" file=')
    assert result.text.count("<source ") == result.text.count("</source>") >= 1


def test_the_step_limit_ends_a_looping_model(agent_client: AgentClient) -> None:
    looping = fake_model(*[tool_call("calculator", f"call_{n}", expression="1+1") for n in range(9)])
    with agent_client(looping, agent_max_steps=3) as client:
        response = client.post("/v1/agent/runs", json={"message": "Loop forever"})

    assert response.status_code == 200
    run = response.json()
    assert run["finish_reason"] == "limit"
    assert "stopped after 3 steps" in run["answer"]
    assert [step["tool"] for step in run["steps"]] == ["calculator"] * 3
    assert len(looping.prompts) == 3  # no model call past the limit


def test_a_failing_tool_is_reported_and_the_run_recovers(agent_client: AgentClient) -> None:
    model = fake_model(
        tool_call("current_time", timezone="Mars/Olympus_Mons"),
        tool_call("current_time", "call_2", timezone="UTC"),
        "It is now in UTC.",
    )
    with agent_client(model) as client:
        events = stream_run(client, {"message": "What time is it on Mars?"})

    ends = [data for name, data in events if name == "step_end"]
    assert [(step["status"], step["tool"]) for step in ends] == [
        ("error", "current_time"),
        ("ok", "current_time"),
    ]
    assert "Unknown time zone" in ends[0]["summary"]
    failed = model.prompts[1][-1]  # what the model saw next: the error, as a tool message
    assert isinstance(failed, ToolMessage)
    assert failed.status == "error"
    assert events[-2][1]["answer"] == "It is now in UTC."
    assert events[-1][1]["finish_reason"] == "stop"


def test_an_unknown_tool_is_an_error_for_the_model_not_the_caller(
    agent_client: AgentClient,
) -> None:
    model = fake_model(tool_call("delete_everything"), "I cannot do that.")
    with agent_client(model) as client:
        run = client.post("/v1/agent/runs", json={"message": "Wipe it"}).json()

    assert [(s["tool"], s["status"]) for s in run["steps"]] == [("delete_everything", "error")]
    assert run["answer"] == "I cannot do that."


def test_a_slow_tool_is_stopped_at_its_timeout(
    agent_client: AgentClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def build_slow(services: ToolServices) -> BaseTool:
        @tool
        def slow() -> str:
            """Takes its time."""
            time.sleep(2)
            return "finally"

        return slow

    monkeypatch.setitem(tools.REGISTRY, "slow", build_slow)
    model = fake_model(tool_call("slow"), "It took too long.")
    with agent_client(model, agent_tools=["slow"], agent_tool_timeout_s=0.2) as client:
        run = client.post("/v1/agent/runs", json={"message": "Be slow"}).json()

    [step] = run["steps"]
    assert step["status"] == "timeout"
    assert step["duration_ms"] < 1500
    assert "did not finish within 0.2 s" in step["summary"]
    assert run["answer"] == "It took too long."


def test_a_long_tool_output_is_cut(agent_client: AgentClient) -> None:
    model = fake_model(tool_call("search_documents", query="warranty"), "Done.")
    with agent_client(model, agent_max_tool_output_chars=300) as client:
        upload_samples(client)
        client.post("/v1/agent/runs", json={"message": WARRANTY_QUESTION})

    result = model.prompts[-1][-1]
    assert len(result.text) < 400
    assert "[... cut:" in result.text


def test_a_model_failure_is_a_503_or_an_error_event(agent_client: AgentClient) -> None:
    failing = fake_model("one two three four")
    failing.fail_after_tokens = 2  # the connection drops: the provider is unavailable
    with agent_client(failing) as client:
        response = client.post("/v1/agent/runs", json={"message": "hello"})
        ready = client.get("/readyz").json()
    assert response.status_code == 503
    assert "chat model is unavailable" in response.json()["error"]["message"]
    assert response.json()["error"]["dependency"] == "llm"
    assert ready["checks"]["llm"]["status"] == "error"

    failing = fake_model("one two three four")
    failing.fail_after_tokens = 2
    with agent_client(failing) as client:
        events = stream_run(client, {"message": "hello"})
    assert [name for name, _ in events] == ["thread", "token", "token", "error"]
    assert (events[-1][1]["type"], events[-1][1]["dependency"]) == ("service_unavailable", "llm")
