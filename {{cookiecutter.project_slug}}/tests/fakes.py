"""Fakes for tests: a scripted chat model, and embeddings whose provider goes down.

LangChain's GenericFakeChatModel cannot `bind_tools` and drops tool calls when streaming;
the chat model subclass fixes both. Build a fresh one per test: it consumes its replies.
"""

import json
from collections.abc import Iterator, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import LanguageModelInput
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ToolCallChunk
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable

from {{ cookiecutter.package_name }}.rag.embeddings import HashingEmbeddings


class FakeChatModel(GenericFakeChatModel):
    """Replies with `messages` in turn; records every prompt it was sent in `prompts`."""

    prompts: list[list[BaseMessage]] = []  # noqa: RUF012 - pydantic copies the default
    fail_after_tokens: int | None = None  # raise mid-stream, as a dropped connection would

    def bind_tools(
        self, tools: Sequence[Any], **kwargs: Any
    ) -> Runnable[LanguageModelInput, AIMessage]:
        return self

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.prompts.append(messages)
        return super()._generate(messages, stop, run_manager, **kwargs)

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        self.prompts.append(messages)
        reply = next(self.messages)
        message = AIMessage(content=reply) if isinstance(reply, str) else reply
        for count, word in enumerate(str(message.content).split(" ")):
            if self.fail_after_tokens is not None and count >= self.fail_after_tokens:
                raise ConnectionError("the fake model's connection dropped")
            token = word if count == 0 else f" {word}"
            yield ChatGenerationChunk(message=AIMessageChunk(content=token))
        tool_calls = [
            ToolCallChunk(
                name=call["name"], args=json.dumps(call["args"]), id=call["id"], index=index
            )
            for index, call in enumerate(message.tool_calls)
        ]
        usage = {"input_tokens": 10, "output_tokens": 5, "total_tokens": 15}
        yield ChatGenerationChunk(
            message=AIMessageChunk(content="", tool_call_chunks=tool_calls, usage_metadata=usage)
        )


class FlakyEmbeddings(HashingEmbeddings):
    """Offline embeddings whose provider goes down: every call from number `fail_from_call`
    on raises (an ingest makes one `embed_documents` call per batch; a search, one query)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.fail_from_call: int | None = None

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self._call()
        return super().embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        self._call()
        return super().embed_query(text)

    def _call(self) -> None:
        self.calls += 1
        if self.fail_from_call is not None and self.calls >= self.fail_from_call:
            raise ConnectionError("the embeddings provider went away")
