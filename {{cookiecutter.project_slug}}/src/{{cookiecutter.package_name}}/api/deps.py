"""Dependencies that routes declare by type, e.g. `settings: SettingsDep`."""

from typing import Annotated

from fastapi import Depends, Request

{%- if cookiecutter.include_agent == "yes" %}

from {{ cookiecutter.package_name }}.agent.runner import AgentRunner
{%- endif %}
from {{ cookiecutter.package_name }}.feedback import FeedbackStore
from {{ cookiecutter.package_name }}.rag.answer import Answerer
from {{ cookiecutter.package_name }}.rag.knowledge_base import DEFAULT_TENANT, KnowledgeBase
from {{ cookiecutter.package_name }}.settings import Settings


def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with (tests pass their own to `create_app`)."""
    settings: Settings = request.app.state.settings
    return settings


def get_knowledge_base(request: Request) -> KnowledgeBase:
    """The knowledge base opened at startup (one per process, shared by all requests)."""
    kb: KnowledgeBase = request.app.state.knowledge_base
    return kb


def get_answerer(request: Request) -> Answerer:
    """The answerer (knowledge base + chat model) built at startup."""
    answerer: Answerer = request.app.state.answerer
    return answerer


def get_feedback_store(request: Request) -> FeedbackStore:
    """The feedback store, on the knowledge base's registry database."""
    store: FeedbackStore = request.app.state.feedback
    return store


{%- if cookiecutter.include_agent == "yes" %}


def get_agent_runner(request: Request) -> AgentRunner:
    """The agent and its thread store, opened at startup."""
    runner: AgentRunner = request.app.state.agent
    return runner
{%- endif %}


def get_tenant() -> str:
    """Who the request acts for. One tenant until authentication maps API keys to tenants;
    it never comes from the request body."""
    return DEFAULT_TENANT


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
KnowledgeBaseDep = Annotated[KnowledgeBase, Depends(get_knowledge_base)]
TenantDep = Annotated[str, Depends(get_tenant)]
AnswererDep = Annotated[Answerer, Depends(get_answerer)]
FeedbackStoreDep = Annotated[FeedbackStore, Depends(get_feedback_store)]
{%- if cookiecutter.include_agent == "yes" %}
AgentRunnerDep = Annotated[AgentRunner, Depends(get_agent_runner)]
{%- endif %}
