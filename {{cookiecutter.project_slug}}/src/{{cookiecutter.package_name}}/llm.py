"""The chat model that writes answers, chosen at run time by LLM_PROVIDER.

`extractive` needs no model at all (answers quote the retrieved sentences), so a fresh
project answers offline. The others are LangChain chat models, imported only when chosen:
each provider's package is installed by the `llm_provider` answer or as an extra.

Each provider is one function registered below with `@provider(name, default_model=...)`;
LLM_PROVIDER accepts exactly the registered names (docs/adding-a-provider.md).
"""

from collections.abc import Callable
from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr

from {{ cookiecutter.package_name }}.rag.errors import ConfigurationError
from {{ cookiecutter.package_name }}.rag.outages import retrying_http_options
from {{ cookiecutter.package_name }}.settings import Settings

ChatModelFactory = Callable[[Settings], BaseChatModel | None]


@dataclass(frozen=True)
class Provider:
    default_model: str
    build: ChatModelFactory


PROVIDERS: dict[str, Provider] = {}


def provider(name: str, *, default_model: str) -> Callable[[ChatModelFactory], ChatModelFactory]:
    """Register a chat model factory under an LLM_PROVIDER name."""

    def register(build: ChatModelFactory) -> ChatModelFactory:
        PROVIDERS[name] = Provider(default_model, build)
        return build

    return register


def model_name(settings: Settings) -> str:
    """The model answers come from, as reported to clients (`extractive` has no model)."""
    if settings.llm_provider == "extractive":
        return "extractive"
    return settings.llm_model or PROVIDERS[settings.llm_provider].default_model


def build_chat_model(settings: Settings) -> BaseChatModel | None:
    """The configured chat model, or None for `extractive`.

    Raises ConfigurationError (one sentence saying what to set or install) when the provider
    cannot work, so a misconfiguration stops the app at startup, not at the first question.
    Every client waits LLM_TIMEOUT_S at most (per request; for streams, between chunks)
    and retries transient errors LLM_MAX_RETRIES times, with exponential backoff and jitter.
    """
    return PROVIDERS[settings.llm_provider].build(settings)


@provider("extractive", default_model="extractive")
def _extractive(settings: Settings) -> None:
    return None  # answers are quoted from the retrieved chunks (rag/extractive.py)


def _missing_package(provider: str) -> ConfigurationError:
    return ConfigurationError(
        f"LLM_PROVIDER={provider} needs its package: run `uv sync --extra {provider}`."
    )


@provider("openai", default_model="gpt-4.1-mini")
def _openai(settings: Settings) -> BaseChatModel:
    try:
        from langchain_openai import ChatOpenAI
    except ImportError:
        raise _missing_package("openai") from None
    if settings.openai_api_key is None and settings.openai_base_url is None:
        raise ConfigurationError(
            "LLM_PROVIDER=openai needs OPENAI_API_KEY "
            "(or OPENAI_BASE_URL, for a local OpenAI-compatible server such as vLLM)."
        )
    return ChatOpenAI(
        model=model_name(settings),
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_tokens,
        timeout=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        # A local OpenAI-compatible server may need no key, but the client insists on one.
        api_key=settings.openai_api_key or SecretStr("not-needed"),
        base_url=settings.openai_base_url,
        stream_usage=True,  # token counts arrive with the last streamed chunk
    )


@provider("anthropic", default_model="claude-sonnet-4-5")
def _anthropic(settings: Settings) -> BaseChatModel:
    try:
        from langchain_anthropic import ChatAnthropic
    except ImportError:
        raise _missing_package("anthropic") from None
    if settings.anthropic_api_key is None:
        raise ConfigurationError("LLM_PROVIDER=anthropic needs ANTHROPIC_API_KEY.")
    return ChatAnthropic(
        model=model_name(settings),
        temperature=settings.llm_temperature,
        max_tokens_to_sample=settings.llm_max_tokens,
        timeout=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        api_key=settings.anthropic_api_key,
        base_url=settings.anthropic_base_url,
    )


@provider("ollama", default_model="llama3.2")
def _ollama(settings: Settings) -> BaseChatModel:
    try:
        from langchain_ollama import ChatOllama
    except ImportError:
        raise _missing_package("ollama") from None
    return ChatOllama(
        model=model_name(settings),
        temperature=settings.llm_temperature,
        num_predict=settings.llm_max_tokens,
        base_url=settings.ollama_base_url,
        # Ollama's client has no retries of its own: its HTTP transport retries.
        client_kwargs=retrying_http_options(settings.llm_timeout_s, settings.llm_max_retries),
    )
