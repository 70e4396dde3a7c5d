"""`list_documents`: what the knowledge base holds, so the model knows what it can search.

File names come from whoever uploaded the files: they are neutralised like document text,
so a name cannot pose as a <source> fence.
"""

from langchain.tools import ToolRuntime, tool
from langchain_core.tools import BaseTool

from {{ cookiecutter.package_name }}.agent.context import RunContext, ToolServices
from {{ cookiecutter.package_name }}.rag.prompts import neutralise

MAX_LISTED = 100  # a model needs an overview, not every name of a huge collection


def build(services: ToolServices) -> BaseTool:
    @tool("list_documents")
    def list_documents(runtime: ToolRuntime[RunContext]) -> str:
        """List the documents in the knowledge base: file name, chunks, last update."""
        documents = services.answerer.knowledge_base.documents(runtime.context.tenant)
        if not documents:
            return "The knowledge base is empty."
        lines = [
            f"- {neutralise(doc.source)} ({doc.chunk_count} chunks, "
            f"updated {doc.updated_at:%Y-%m-%d})"
            for doc in documents[:MAX_LISTED]
        ]
        more = len(documents) - MAX_LISTED
        if more > 0:
            lines.append(f"... and {more} more")
        return f"{len(documents)} documents:\n" + "\n".join(lines)

    return list_documents
