"""docs/adding-a-provider.md, followed: a provider registered in llm.py answers questions.

The page's example is Mistral, whose package a project may not install; this test
registers a scripted model the same way, which is all the app sees of a provider.
"""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from langchain_core.language_models import BaseChatModel

from {{ cookiecutter.package_name }} import llm
from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.settings import Settings
from tests.conftest import SAMPLE_DOCS
from tests.fakes import FakeChatModel
from tests.howtos import doc_example

REPLY = "Email warranty@pedalwright.example with the frame number [1]."


@pytest.fixture(autouse=True)
def scripted_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(llm, "PROVIDERS", dict(llm.PROVIDERS))

    @llm.provider("scripted", default_model="scripted-1")
    def _scripted(settings: Settings) -> BaseChatModel:
        return FakeChatModel(messages=iter([REPLY]), prompts=[])


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("LLM_PROVIDER", "scripted")
    with TestClient(create_app(Settings(data_dir=tmp_path / "data"))) as test_client:
        warranty = (SAMPLE_DOCS / "warranty.md").read_bytes()
        test_client.post("/v1/documents", files=[("files", ("warranty.md", warranty))])
        yield test_client


def test_the_pages_example_registers_with_the_same_decorator() -> None:
    example = doc_example("adding-a-provider.md")

    compile(example, "docs/adding-a-provider.md", "exec")  # valid Python, at least
    assert example.startswith('@provider("mistral", default_model=')


def test_settings_accept_only_registered_providers(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path, llm_provider="scripted").llm_provider == "scripted"
    with pytest.raises(ValueError, match=r"LLM_PROVIDER='nope' is not one of: .*scripted"):
        Settings(data_dir=tmp_path, llm_provider="nope")


def test_the_app_answers_with_the_new_provider(client: TestClient) -> None:
    body = client.post("/v1/query", json={"question": "How do I claim warranty?"}).json()

    assert body["answer"] == REPLY
    assert body["model"] == "scripted-1"  # the registered default model
    assert body["citations"][0]["source"] == "warranty.md"
