"""The agent's tools: one module each, registered here by name.

Adding a tool is one new module with a `build(services) -> BaseTool` function, one line in
`REGISTRY`, and its test (see docs/adding-a-tool.md). `AGENT_TOOLS` chooses which are on.
"""

from collections.abc import Callable, Sequence

from langchain_core.tools import BaseTool

from {{ cookiecutter.package_name }}.agent.context import ToolServices
from {{ cookiecutter.package_name }}.agent.tools import calculator, current_time, list_documents, search_documents
from {{ cookiecutter.package_name }}.rag.errors import ConfigurationError

ToolFactory = Callable[[ToolServices], BaseTool]

REGISTRY: dict[str, ToolFactory] = {
    "search_documents": search_documents.build,
    "list_documents": list_documents.build,
    "calculator": calculator.build,
    "current_time": current_time.build,
}


def build_tools(names: Sequence[str], services: ToolServices) -> list[BaseTool]:
    """The allowed tools, in the order named; an unknown name stops startup."""
    unknown = [name for name in names if name not in REGISTRY]
    if unknown:
        known = ", ".join(REGISTRY)
        raise ConfigurationError(f"AGENT_TOOLS names unknown tools {unknown}; known: {known}")
    return [REGISTRY[name](services) for name in dict.fromkeys(names)]
