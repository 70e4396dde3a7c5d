"""Acceptance: every golden question, asked through each interface of a served app, is
answered citing its golden document — offline (no keys), and through the real OpenAI
client code path against the local stub server."""

import json
from collections.abc import Callable
from typing import Any

import httpx2
import openai
import pytest
from typer.testing import CliRunner

from {{ cookiecutter.package_name }}.api.routes.openai_compat import MODEL_ID
from {{ cookiecutter.package_name }}.cli import app as cli
from tests.conftest import GOLDEN_SET, SAMPLE_DOCS
from tests.e2e.conftest import ServerFactory
from tests.llm_stubs import StubLLM
from tests.sse import parse_events

pytestmark = pytest.mark.e2e
GOLDEN = [json.loads(line) for line in GOLDEN_SET.read_text().splitlines()]
# The stub cites source 1 (the best hit); retrieval puts the golden document first for
# most, not all, questions. The offline path must cite it for every question.
REQUIRED_SHARE = {"extractive": 1.0, "openai": 0.9}


def provider_env(provider: str, stub: StubLLM) -> dict[str, str]:
    if provider == "extractive":
        return {"LLM_PROVIDER": "extractive"}
    return {"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": f"{stub.url}/v1", "OPENAI_API_KEY": "sk-test"}


def query(url: str, question: str) -> list[str]:
    body = httpx2.post(f"{url}/v1/query", json={"question": question}, timeout=30).json()
    return [c["source"] for c in body["citations"]]


def query_stream(url: str, question: str) -> list[str]:
    with httpx2.stream("POST", f"{url}/v1/query/stream", json={"question": question}) as r:
        events = parse_events(r.read().decode())
    names = [name for name, _ in events]
    assert names.count("token") >= 3, names  # several token events before the end
    assert names[-2:] == ["citations", "done"], names
    return [c["source"] for c in events[-2][1]["citations"]]


{%- if cookiecutter.include_agent == "yes" %}


def agent_run(url: str, question: str) -> list[str]:
    body = httpx2.post(f"{url}/v1/agent/runs", json={"message": question}, timeout=60).json()
    assert [step["tool"] for step in body["steps"]] == ["search_documents"], body["steps"]
    return [c["source"] for c in body["citations"]]
{%- endif %}


def completion(sdk: openai.OpenAI, question: str) -> list[str]:
    reply = sdk.chat.completions.create(
        model=MODEL_ID, messages=[{"role": "user", "content": question}]
    )
    return [c["source"] for c in (reply.model_extra or {})["citations"]]


def completion_stream(sdk: openai.OpenAI, question: str) -> list[str]:
    messages: Any = [{"role": "user", "content": question}]
    chunks = list(sdk.chat.completions.create(model=MODEL_ID, messages=messages, stream=True))
    assert sum(1 for c in chunks if c.choices and c.choices[0].delta.content) >= 3
    last = chunks[-1].model_extra or {}
    return [c["source"] for c in last["citations"]]


@pytest.mark.parametrize("provider", ["extractive", "openai"])
def test_golden_questions_cite_their_document_through_every_interface(
    start_server: ServerFactory, llm_stub: StubLLM, provider: str
) -> None:
    url = start_server(provider_env(provider, llm_stub))
    files = [("files", (p.name, p.read_bytes())) for p in sorted(SAMPLE_DOCS.iterdir())]
    assert httpx2.post(f"{url}/v1/documents", files=files, timeout=60).status_code == 200

    with openai.OpenAI(base_url=f"{url}/v1", api_key="sk-test", max_retries=0) as sdk:
        flows: dict[str, Callable[[str], list[str]]] = {
            "query": lambda q: query(url, q),
            "query/stream": lambda q: query_stream(url, q),
            "chat/completions": lambda q: completion(sdk, q),
            "chat/completions stream": lambda q: completion_stream(sdk, q),
        }
{%- if cookiecutter.include_agent == "yes" %}
        if provider == "extractive":  # the stub model answers without calling tools
            flows["agent/runs"] = lambda q: agent_run(url, q)
{%- endif %}
        for name, ask in flows.items():
            cited = [case["source"] in ask(case["question"]) for case in GOLDEN]
            share = sum(cited) / len(cited)
            assert share >= REQUIRED_SHARE[provider], f"{name}: {share:.2f}"


@pytest.mark.parametrize("provider", ["extractive", "openai"])
def test_golden_questions_through_the_cli(
    llm_stub: StubLLM, provider: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    for name, value in {
        "DATA_DIR": str(tmp_path / "cli"),
        **provider_env(provider, llm_stub),
    }.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(SAMPLE_DOCS)]).exit_code == 0

    cited = []
    for case in GOLDEN:
        result = runner.invoke(cli, ["ask", case["question"]])
        assert result.exit_code == 0, result.output
        sources_table = result.output.split("Sources", 1)[-1]
        cited.append(case["source"] in sources_table)

    assert sum(cited) / len(cited) >= REQUIRED_SHARE[provider]
