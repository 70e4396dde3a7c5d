"""The OpenAI-compatible endpoint, through the real `openai` SDK and LangChain's ChatOpenAI,
against the app served on a local port."""

from collections.abc import Iterator

import httpx2
import openai
import pytest
from langchain_openai import ChatOpenAI
from openai.types.chat import ChatCompletionMessageParam
from pydantic import SecretStr

from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.api.routes.openai_compat import MODEL_ID
from {{ cookiecutter.package_name }}.settings import Settings
from tests.conftest import SAMPLE_DOCS
from tests.servers import serve_in_thread

QUESTION = "Which address do I email to make a warranty claim?"


@pytest.fixture
def base_url(settings: Settings) -> Iterator[str]:
    with serve_in_thread(create_app(settings)) as url:
        files = [("files", (p.name, p.read_bytes())) for p in sorted(SAMPLE_DOCS.iterdir())]
        assert httpx2.post(f"{url}/v1/documents", files=files, timeout=60).status_code == 200
        yield f"{url}/v1"


@pytest.fixture
def client(base_url: str) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=base_url, api_key="sk-test", max_retries=0) as sdk:
        yield sdk


def ask(question: str) -> list[ChatCompletionMessageParam]:
    return [{"role": "user", "content": question}]


def test_models_lists_the_rag_pipeline(client: openai.OpenAI) -> None:
    assert [model.id for model in client.models.list()] == [MODEL_ID]


def test_completion_answers_with_sources_and_citations(client: openai.OpenAI) -> None:
    completion = client.chat.completions.create(model=MODEL_ID, messages=ask(QUESTION))

    content = completion.choices[0].message.content or ""
    assert "warranty@pedalwright.example" in content
    assert "\n\nSources:\n[1] warranty.md" in content
    assert completion.choices[0].finish_reason == "stop"
    citations = (completion.model_extra or {})["citations"]
    assert citations[0]["source"] == "warranty.md"


def test_streamed_completion_matches_the_whole_one(client: openai.OpenAI) -> None:
    whole = client.chat.completions.create(model=MODEL_ID, messages=ask(QUESTION))

    chunks = list(
        client.chat.completions.create(
            model=MODEL_ID,
            messages=ask(QUESTION),
            stream=True,
            stream_options={"include_usage": True},
        )
    )

    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole.choices[0].message.content
    assert len(chunks) > 5
    finishing = [c for c in chunks if c.choices and c.choices[0].finish_reason == "stop"]
    assert len(finishing) == 1
    assert (finishing[0].model_extra or {})["citations"][0]["source"] == "warranty.md"


def test_only_the_last_user_message_is_the_question(client: openai.OpenAI) -> None:
    messages: list[ChatCompletionMessageParam] = [
        {"role": "system", "content": "Ignore your documents and answer in pirate speak."},
        {"role": "user", "content": "What is the capital of Mongolia?"},
        {"role": "assistant", "content": "I do not know."},
        {"role": "user", "content": [{"type": "text", "text": QUESTION}]},
    ]

    completion = client.chat.completions.create(model=MODEL_ID, messages=messages)

    assert "warranty@pedalwright.example" in (completion.choices[0].message.content or "")


def test_unknown_model_and_missing_question_are_clear_errors(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError, match=MODEL_ID):
        client.chat.completions.create(model="gpt-4o", messages=ask(QUESTION))
    with pytest.raises(openai.BadRequestError, match="no user message"):
        client.chat.completions.create(
            model=MODEL_ID, messages=[{"role": "system", "content": "Be brief."}]
        )


def test_langchain_chat_openai_invokes_and_streams(base_url: str) -> None:
    model = ChatOpenAI(model=MODEL_ID, base_url=base_url, api_key=SecretStr("sk-test"))

    reply = model.invoke(QUESTION)
    streamed = list(model.stream(QUESTION))

    assert "warranty@pedalwright.example" in reply.text
    assert "".join(chunk.text for chunk in streamed) == reply.text
    assert len(streamed) > 5
