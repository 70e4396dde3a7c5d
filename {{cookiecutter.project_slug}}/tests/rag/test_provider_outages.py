"""The real chat clients against a failing or slow provider: transient errors are retried
with backoff, then reported as 503 (unavailable) or 504 (timed out); refusals are not."""

import pytest

from {{ cookiecutter.package_name }}.llm import build_chat_model
from {{ cookiecutter.package_name }}.rag.answer import Answerer
from {{ cookiecutter.package_name }}.rag.errors import DependencyTimeoutError, DependencyUnavailableError
from {{ cookiecutter.package_name }}.rag.knowledge_base import KnowledgeBase
from {{ cookiecutter.package_name }}.settings import LLMProvider
from tests.conftest import SAMPLE_DOCS, provider_settings
from tests.llm_stubs import StubLLM

QUESTION = "Which address do I email to make a warranty claim?"
PROVIDERS = ["openai", "anthropic", "ollama"]


@pytest.fixture
def warranty_kb(knowledge_base: KnowledgeBase) -> KnowledgeBase:
    """Only the document the question is about: enough to reach the model, quick to build."""
    path = SAMPLE_DOCS / "warranty.md"
    knowledge_base.ingest(path.name, path.read_bytes())
    return knowledge_base


def answerer(kb: KnowledgeBase, stub: StubLLM, provider: LLMProvider, **values: object) -> Answerer:
    settings = provider_settings(kb.settings, provider, stub).model_copy(update=values)
    return Answerer(kb, build_chat_model(settings), settings)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_transient_error_is_retried_and_the_answer_arrives(
    warranty_kb: KnowledgeBase, llm_stub: StubLLM, provider: LLMProvider
) -> None:
    llm_stub.fail_status, llm_stub.fail_times = 503, 1

    answer = answerer(warranty_kb, llm_stub, provider, llm_max_retries=1).answer(QUESTION)

    assert answer.text.startswith("According to the documents,")
    assert len(llm_stub.requests) == 2


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_provider_still_rate_limiting_after_retries_is_unavailable(
    warranty_kb: KnowledgeBase, llm_stub: StubLLM, provider: LLMProvider
) -> None:
    llm_stub.fail_status = 429
    model = answerer(warranty_kb, llm_stub, provider, llm_max_retries=2)

    with pytest.raises(DependencyUnavailableError, match=f"The {provider} chat model") as raised:
        model.answer(QUESTION)

    assert (raised.value.status_code, raised.value.dependency) == (503, "llm")
    assert len(llm_stub.requests) == 3, "one try and two retries"
    assert model.model_health.outage is not None, "kept for /readyz"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_slow_provider_times_out_after_retries(
    warranty_kb: KnowledgeBase, llm_stub: StubLLM, provider: LLMProvider
) -> None:
    llm_stub.delay_s = 0.5
    model = answerer(warranty_kb, llm_stub, provider, llm_timeout_s=0.1, llm_max_retries=1)

    with pytest.raises(DependencyTimeoutError) as raised:
        model.answer(QUESTION)

    assert (raised.value.status_code, raised.value.dependency) == (504, "llm")
    assert len(llm_stub.requests) == 2
