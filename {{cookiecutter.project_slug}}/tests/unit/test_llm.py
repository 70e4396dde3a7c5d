import sys
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.llm import PROVIDERS, build_chat_model, model_name
from {{ cookiecutter.package_name }}.rag.errors import ConfigurationError
from {{ cookiecutter.package_name }}.settings import Settings


def test_extractive_needs_no_model(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)

    assert settings.llm_provider == "extractive"
    assert build_chat_model(settings) is None
    assert model_name(settings) == "extractive"


@pytest.mark.parametrize("provider", ["openai", "anthropic", "ollama"])
def test_model_defaults_per_provider_and_can_be_chosen(tmp_path: Path, provider: str) -> None:
    settings = Settings(data_dir=tmp_path, llm_provider=provider)

    assert model_name(settings) == PROVIDERS[provider].default_model
    assert model_name(settings.model_copy(update={"llm_model": "m-1"})) == "m-1"


@pytest.mark.parametrize(
    ("provider", "variable"), [("openai", "OPENAI_API_KEY"), ("anthropic", "ANTHROPIC_API_KEY")]
)
def test_provider_without_its_key_is_refused_with_the_variable_to_set(
    tmp_path: Path, provider: str, variable: str
) -> None:
    with pytest.raises(ConfigurationError, match=variable):
        build_chat_model(Settings(data_dir=tmp_path, llm_provider=provider))


def test_openai_compatible_server_needs_a_base_url_only(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, llm_provider="openai", openai_base_url="http://127.0.0.1:1/v1"
    )

    assert build_chat_model(settings) is not None


@pytest.mark.parametrize(
    ("provider", "package"),
    [
        ("openai", "langchain_openai"),
        ("anthropic", "langchain_anthropic"),
        ("ollama", "langchain_ollama"),
    ],
)
def test_missing_provider_package_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, provider: str, package: str
) -> None:
    monkeypatch.setitem(sys.modules, package, None)  # makes `import package` fail
    settings = Settings(
        data_dir=tmp_path,
        llm_provider=provider,
        openai_api_key="sk-test",
        anthropic_api_key="test-anthropic",
    )

    with pytest.raises(ConfigurationError, match=f"uv sync --extra {provider}"):
        build_chat_model(settings)


def test_model_settings_reach_the_client(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        llm_provider="openai",
        openai_api_key="sk-test",
        llm_model="gpt-test",
        llm_temperature=0.3,
        llm_max_tokens=77,
        llm_timeout_s=9,
        llm_max_retries=4,
    )

    model = build_chat_model(settings)

    assert model is not None
    assert model.model_dump()["model_name"] == "gpt-test"
    assert model.model_dump()["temperature"] == 0.3
    assert model.model_dump()["max_tokens"] == 77
    assert model.model_dump()["request_timeout"] == 9
    assert model.model_dump()["max_retries"] == 4
