"""`search_documents`: hybrid search of the tenant's documents, as numbered sources to cite.

The model sees the chunks fenced as untrusted data (the same <source> fences as /v1/query);
the run keeps them as the tool message's artifact (plain JSON, stored with the thread), from
which the answer's citations are built.
"""

from collections.abc import Sequence
from dataclasses import asdict, fields
from typing import Annotated, Any

from langchain.tools import ToolRuntime, tool
from langchain_core.messages import BaseMessage, ToolMessage
from langchain_core.tools import BaseTool
from pydantic import Field

from {{ cookiecutter.package_name }}.agent.context import RunContext, ToolServices
from {{ cookiecutter.package_name }}.rag.answer import Scope
from {{ cookiecutter.package_name }}.rag.prompts import format_source
from {{ cookiecutter.package_name }}.rag.retrieval import SearchHit

NAME = "search_documents"
NOTHING_FOUND = (
    "No document matches well enough. Say that you could not find it, "
    "or search again with other words."
)
_HIT_FIELDS = [field.name for field in fields(SearchHit)]

Source = dict[str, Any]  # a chunk, its snippet and its citation number


def sources_in(messages: Sequence[BaseMessage]) -> list[Source]:
    """Every source this tool returned in a conversation, in order."""
    return [
        source
        for message in messages
        if isinstance(message, ToolMessage) and message.name == NAME
        for source in (message.artifact or [])
    ]


def hit_of(source: Source) -> SearchHit:
    return SearchHit(**{name: source[name] for name in _HIT_FIELDS})


def build(services: ToolServices) -> BaseTool:
    @tool(NAME, response_format="content_and_artifact")
    def search_documents(
        query: Annotated[
            str, Field(min_length=1, max_length=500, description="What to look for.")
        ],
        runtime: ToolRuntime[RunContext],
    ) -> tuple[str, list[Source]]:
        """Search the knowledge base. Returns numbered sources: cite them as [n]."""
        hits = services.answerer.retrieve(query, Scope(tenant=runtime.context.tenant))
        if not hits:
            return NOTHING_FOUND, []
        # Numbers continue across the conversation, so an earlier [n] keeps its meaning.
        seen = sources_in(runtime.state["messages"])
        first = 1 + max((source["number"] for source in seen), default=0)
        numbered = list(enumerate(hits, start=first))
        content = "\n".join(format_source(number, hit) for number, hit in numbered)
        sources = [asdict(hit) | {"number": n, "snippet": hit.snippet} for n, hit in numbered]
        return content, sources

    return search_documents
