"""Agent tests: the real app over HTTP, with the offline model or a scripted fake one."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage

import {{ cookiecutter.package_name }}.api.app
from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.api.deps import get_tenant
from {{ cookiecutter.package_name }}.settings import Settings
from tests.conftest import SAMPLE_DOCS
from tests.fakes import FakeChatModel
from tests.sse import parse_events

WARRANTY_QUESTION = "Which address do I email to make a warranty claim?"
WARRANTY_EMAIL = "warranty@pedalwright.example"

AgentClient = Callable[..., AbstractContextManager[TestClient]]


def tool_call(name: str, call_id: str = "call_1", **args: Any) -> AIMessage:
    """A model reply that calls one tool."""
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": call_id}])


def fake_model(*replies: str | AIMessage) -> FakeChatModel:
    return FakeChatModel(messages=iter(replies), prompts=[])


def upload_samples(client: TestClient) -> None:
    files = [("files", (p.name, p.read_bytes())) for p in sorted(SAMPLE_DOCS.iterdir())]
    response = client.post("/v1/documents", files=files)
    assert response.status_code == 200, response.text


def stream_run(client: TestClient, body: dict[str, Any]) -> list[tuple[str, Any]]:
    with client.stream("POST", "/v1/agent/runs/stream", json=body) as response:
        assert response.status_code == 200
        return parse_events(response.read().decode())


@pytest.fixture
def agent_client(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AgentClient:
    """Start the app with a given chat model (None: offline) and caller, as a context."""

    @contextmanager
    def start(
        model: BaseChatModel | None = None, owner: str | None = None, **overrides: Any
    ) -> Iterator[TestClient]:
        monkeypatch.setattr(
            {{ cookiecutter.package_name }}.api.app, "build_chat_model", lambda _: model
        )
        app = create_app(settings.model_copy(update=overrides))
        if owner is not None:  # who the caller is comes from the request context
            app.dependency_overrides[get_tenant] = lambda: owner
        with TestClient(app) as client:
            yield client

    return start
