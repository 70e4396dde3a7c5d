"""The agent's tools: one module each in this package, found here by name.

Adding a tool is one new module, named after the tool, with a `build(services) -> BaseTool`
function, and its test (see docs/adding-a-tool.md): every module of this package whose name
does not start with `_` is a tool. `AGENT_TOOLS` chooses which are on.
"""

import importlib
import pkgutil
from collections.abc import Callable, Sequence

from langchain_core.tools import BaseTool

from {{ cookiecutter.package_name }}.agent.context import ToolServices
from {{ cookiecutter.package_name }}.rag.errors import ConfigurationError

ToolFactory = Callable[[ToolServices], BaseTool]


def discover() -> dict[str, ToolFactory]:
    """Each tool module's `build`, by module name (sorted: the registry reads the same way)."""
    found: dict[str, ToolFactory] = {}
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not module.name.startswith("_"):
            build: ToolFactory = importlib.import_module(f"{__name__}.{module.name}").build
            found[module.name] = build
    return found


REGISTRY: dict[str, ToolFactory] = discover()


def build_tools(names: Sequence[str], services: ToolServices) -> list[BaseTool]:
    """The allowed tools, in the order named; an unknown name stops startup."""
    unknown = [name for name in names if name not in REGISTRY]
    if unknown:
        known = ", ".join(REGISTRY)
        raise ConfigurationError(f"AGENT_TOOLS names unknown tools {unknown}; known: {known}")
    return [REGISTRY[name](services) for name in dict.fromkeys(names)]
