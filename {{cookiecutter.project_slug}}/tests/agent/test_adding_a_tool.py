"""docs/adding-a-tool.md, followed: a new module in agent/tools is a tool the agent calls."""

import sys
from collections.abc import Iterator

import pytest

from {{ cookiecutter.package_name }}.agent import tools
from tests.agent.conftest import AgentClient, fake_model, tool_call
from tests.howtos import doc_example, run_in

PAGE = "adding-a-tool.md"


@pytest.fixture(autouse=True)
def word_count_module(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """The page's module, written into the tools package (a second directory of it)."""
    package_dir = tmp_path_factory.mktemp("tools")
    (package_dir / "word_count.py").write_text(doc_example(PAGE), encoding="utf-8")
    monkeypatch.setattr(tools, "__path__", [*tools.__path__, str(package_dir)])
    monkeypatch.setattr(tools, "REGISTRY", tools.discover())
    yield
    sys.modules.pop(f"{tools.__name__}.word_count", None)  # gone with its directory


def test_the_module_is_registered_under_its_name() -> None:
    assert "word_count" in tools.REGISTRY
    assert {"calculator", "current_time", "list_documents", "search_documents"} <= set(
        tools.REGISTRY
    )


def test_the_pages_own_test_passes() -> None:
    namespace = run_in(tools, PAGE, number=1)
    namespace["test_word_count_counts_words"]()


def test_the_agent_calls_it_once_allowed(agent_client: AgentClient) -> None:
    model = fake_model(tool_call("word_count", text="one two three"), "Three words.")
    with agent_client(model, agent_tools=["word_count"]) as client:
        run = client.post("/v1/agent/runs", json={"message": "Count: one two three"}).json()

    [step] = run["steps"]
    assert (step["tool"], step["status"]) == ("word_count", "ok")
    assert run["answer"] == "Three words."
