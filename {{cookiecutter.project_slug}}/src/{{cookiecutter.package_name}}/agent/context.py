"""What tools get: per run, who the run acts for; per app, the services they use."""

from dataclasses import dataclass

from {{ cookiecutter.package_name }}.rag.answer import Answerer
from {{ cookiecutter.package_name }}.settings import Settings


@dataclass(frozen=True)
class RunContext:
    """Passed with each run (LangGraph's runtime context), never chosen by the model: a tool
    reads the tenant from here, so a prompt cannot make it search another tenant's data."""

    tenant: str


@dataclass(frozen=True)
class ToolServices:
    """The app's services a tool may use, given to each tool's `build` once at startup."""

    answerer: Answerer  # its knowledge base, retrieval threshold and settings
    settings: Settings
