"""The agent endpoints with no chat model (LLM_PROVIDER=extractive): a fresh project's path."""

from tests.agent.conftest import (
    WARRANTY_EMAIL,
    WARRANTY_QUESTION,
    AgentClient,
    stream_run,
    upload_samples,
)


def test_a_run_answers_with_a_citation_and_shows_its_steps(agent_client: AgentClient) -> None:
    with agent_client() as client:
        upload_samples(client)
        response = client.post("/v1/agent/runs", json={"message": WARRANTY_QUESTION})

    assert response.status_code == 200, response.text
    run = response.json()
    assert WARRANTY_EMAIL in run["answer"]
    assert run["answer"].startswith("(Offline mode")
    assert (run["offline"], run["finish_reason"], run["model"]) == (True, "stop", "extractive")
    [step] = run["steps"]
    assert (step["tool"], step["status"]) == ("search_documents", "ok")
    assert step["arguments"] == {"query": WARRANTY_QUESTION}
    assert WARRANTY_EMAIL in step["summary"]
    assert "warranty.md" in {citation["source"] for citation in run["citations"]}
    for citation in run["citations"]:  # every citation is marked in the answer
        assert f"[{citation['number']}]" in run["answer"]


def test_a_streamed_run_sends_steps_then_tokens_then_the_answer(agent_client: AgentClient) -> None:
    with agent_client() as client:
        upload_samples(client)
        events = stream_run(client, {"message": WARRANTY_QUESTION})

    names = [name for name, _ in events]
    assert names[:3] == ["thread", "step_start", "step_end"]
    assert names[-2:] == ["answer", "done"]
    assert set(names[3:-2]) == {"token"}
    start, end = events[1][1], events[2][1]
    assert start["id"] == end["id"]
    assert start["tool"] == "search_documents"
    streamed = "".join(data["text"] for name, data in events if name == "token")
    answer = events[-2][1]
    assert streamed == answer["answer"]
    assert events[0][1] == {"thread_id": answer["thread_id"]}
    assert events[-1][1] == {
        "thread_id": answer["thread_id"],
        "finish_reason": "stop",
        "latency_ms": answer["latency_ms"],
    }


def test_a_thread_continues_and_keeps_its_history(agent_client: AgentClient) -> None:
    with agent_client() as client:
        upload_samples(client)
        first = client.post("/v1/agent/runs", json={"message": WARRANTY_QUESTION}).json()
        body = {"message": "How long is the frame warranty?", "thread_id": first["thread_id"]}
        second = client.post("/v1/agent/runs", json=body).json()
        history = client.get(f"/v1/threads/{first['thread_id']}").json()

    assert second["thread_id"] == first["thread_id"]
    roles = [message["role"] for message in history["messages"]]
    assert roles == ["user", "assistant", "tool", "assistant"] * 2
    assert history["messages"][1]["tool_calls"][0]["tool"] == "search_documents"
    assert history["messages"][2]["tool"] == "search_documents"
    assert history["messages"][3]["content"] == first["answer"]
    # Source numbers run on through the thread: the second search's sources are new numbers.
    first_numbers = {c["number"] for c in first["citations"]}
    assert all(c["number"] > max(first_numbers) for c in second["citations"])


def test_a_thread_survives_a_restart(agent_client: AgentClient) -> None:
    with agent_client() as client:
        upload_samples(client)
        run = client.post("/v1/agent/runs", json={"message": WARRANTY_QUESTION}).json()

    with agent_client() as restarted:
        history = restarted.get(f"/v1/threads/{run['thread_id']}")
        body = {"message": "And by post?", "thread_id": run["thread_id"]}
        continued = restarted.post("/v1/agent/runs", json=body)

    assert history.status_code == 200
    assert [m["content"] for m in history.json()["messages"]][::3] == [
        WARRANTY_QUESTION,
        run["answer"],
    ]
    assert continued.status_code == 200
    assert continued.json()["thread_id"] == run["thread_id"]


def test_a_thread_is_invisible_to_another_owner(agent_client: AgentClient) -> None:
    with agent_client(owner="alice") as alice:
        thread_id = alice.post("/v1/agent/runs", json={"message": "hello"}).json()["thread_id"]

    with agent_client(owner="bob") as bob:
        read = bob.get(f"/v1/threads/{thread_id}")
        run = bob.post("/v1/agent/runs", json={"message": "hi", "thread_id": thread_id})
        streamed = bob.post("/v1/agent/runs/stream", json={"message": "hi", "thread_id": thread_id})
        deleted = bob.delete(f"/v1/threads/{thread_id}")

    for response in (read, run, streamed, deleted):
        assert response.status_code == 404, response.text
        assert response.json()["error"]["type"] == "not_found"
    with agent_client(owner="alice") as alice:
        assert alice.get(f"/v1/threads/{thread_id}").status_code == 200  # bob deleted nothing


def test_deleting_a_thread_forgets_it(agent_client: AgentClient) -> None:
    with agent_client() as client:
        thread_id = client.post("/v1/agent/runs", json={"message": "hello"}).json()["thread_id"]
        deleted = client.delete(f"/v1/threads/{thread_id}")
        read = client.get(f"/v1/threads/{thread_id}")

    assert deleted.status_code == 200
    assert deleted.json() == {"thread_id": thread_id}
    assert read.status_code == 404


def test_bad_requests_are_clear_errors(agent_client: AgentClient) -> None:
    with agent_client() as client:
        empty = client.post("/v1/agent/runs", json={"message": ""})
        bad_id = client.post("/v1/agent/runs", json={"message": "hi", "thread_id": "../x"})
        unknown = client.post("/v1/agent/runs", json={"message": "hi", "thread_id": "0" * 32})

    assert (empty.status_code, bad_id.status_code, unknown.status_code) == (422, 422, 404)
    assert "No conversation thread" in unknown.json()["error"]["message"]


def test_an_empty_knowledge_base_gets_an_honest_answer(agent_client: AgentClient) -> None:
    with agent_client() as client:
        run = client.post("/v1/agent/runs", json={"message": WARRANTY_QUESTION}).json()

    assert "could not find anything" in run["answer"]
    assert run["citations"] == []
    assert run["steps"][0]["summary"].startswith("No document matches")


def test_the_tool_allow_list_is_honoured(agent_client: AgentClient) -> None:
    with agent_client(agent_tools=["calculator"]) as client:
        upload_samples(client)
        run = client.post("/v1/agent/runs", json={"message": WARRANTY_QUESTION}).json()

    assert run["steps"] == []
    assert "search_documents tool is turned off" in run["answer"]
