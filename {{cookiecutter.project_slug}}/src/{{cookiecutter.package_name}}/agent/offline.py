"""The agent's chat model when LLM_PROVIDER=extractive: deterministic, no network, no keys.

It plans like a minimal real model, through the same agent loop, tools, limits and
threads: first one `search_documents` call with the user's message, then an answer quoted
from the sources it returned (the extractive answerer's sentences, each cited). So a fresh
project's agent endpoint works offline, and says that it does.
"""

import json
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool

from {{ cookiecutter.package_name }}.agent.tools.search_documents import NAME as SEARCH
from {{ cookiecutter.package_name }}.agent.tools.search_documents import hit_of, sources_in
from {{ cookiecutter.package_name }}.rag import extractive
from {{ cookiecutter.package_name }}.rag.answer import NOT_FOUND

OFFLINE_NOTE = "(Offline mode: no chat model is configured, so I quote the documents.)"
_WORD = re.compile(r"\S+\s*")
NO_SEARCH = f"{OFFLINE_NOTE} The {SEARCH} tool is turned off (AGENT_TOOLS), so I cannot answer."


def _question_and_run(messages: Sequence[BaseMessage]) -> tuple[str, list[BaseMessage]]:
    """The last user message, and what the run has added since."""
    for index in range(len(messages) - 1, -1, -1):
        if isinstance(messages[index], HumanMessage):
            return messages[index].text, list(messages[index + 1 :])
    return "", list(messages)


class OfflineAgentModel(BaseChatModel):
    """Search once, then answer with quoted, cited sentences."""

    can_search: bool = True  # set by bind_tools: is search_documents among the tools?

    @property
    def _llm_type(self) -> str:
        return "offline-extractive"

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: object,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        names = {tool.name for tool in tools if isinstance(tool, BaseTool)}
        return self.model_copy(update={"can_search": SEARCH in names})

    def reply(self, messages: Sequence[BaseMessage]) -> AIMessage:
        question, run = _question_and_run(messages)
        if not self.can_search:
            return AIMessage(content=NO_SEARCH)
        sources = sources_in(run)
        searched = any(getattr(message, "name", None) == SEARCH for message in run)
        if not searched:
            call = {"name": SEARCH, "args": {"query": question}, "id": f"call_{uuid.uuid4().hex}"}
            return AIMessage(content="", tool_calls=[call])
        hits = [hit_of(source) for source in sources]
        text, _ = extractive.quote(question, hits, [source["number"] for source in sources])
        return AIMessage(content=f"{OFFLINE_NOTE} {text or NOT_FOUND}")

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: object,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.reply(messages))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: object,
    ) -> Iterator[ChatGenerationChunk]:
        message = self.reply(messages)
        if message.tool_calls:
            chunk = AIMessageChunk(
                content="",
                tool_call_chunks=[
                    {"name": c["name"], "args": json.dumps(c["args"]), "id": c["id"], "index": 0}
                    for c in message.tool_calls
                ],
            )
            yield ChatGenerationChunk(message=chunk)
            return
        for piece in _WORD.findall(message.text):  # word by word, like a model's tokens
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
