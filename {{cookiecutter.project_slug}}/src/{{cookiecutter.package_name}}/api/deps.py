"""Dependencies that routes declare by type, e.g. `settings: SettingsDep`."""

from typing import Annotated

from fastapi import Depends, Request

{%- if cookiecutter.include_agent == "yes" %}

from {{ cookiecutter.package_name }}.agent.runner import AgentRunner
{%- endif %}
{%- if cookiecutter.auth == "api_key" %}
from {{ cookiecutter.package_name }}.api.limits import Principal, RateLimiter
from {{ cookiecutter.package_name }}.api.security import authenticate
{%- else %}
from {{ cookiecutter.package_name }}.api.limits import Principal, RateLimiter, client_address
{%- endif %}
from {{ cookiecutter.package_name }}.feedback import FeedbackStore
from {{ cookiecutter.package_name }}.rag.answer import Answerer
from {{ cookiecutter.package_name }}.rag.knowledge_base import {% if cookiecutter.auth == "none" %}DEFAULT_TENANT, {% endif %}KnowledgeBase
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


{% if cookiecutter.auth == "api_key" -%}
def get_principal(
    request: Request, principal: Annotated[Principal, Depends(authenticate)]
) -> Principal:
    """Who the request acts for: the tenant of its API key (401 without a valid one)."""
{%- else -%}
def get_principal(request: Request) -> Principal:
    """Who the request acts for: this app has no authentication, so one tenant; the
    client address is what the rate limit counts."""
    principal = Principal(DEFAULT_TENANT, client_address(request))
{%- endif %}
    request.state.tenant = principal.tenant  # for request logs
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def get_tenant(principal: PrincipalDep) -> str:
    """The tenant that scopes every read and write; it never comes from the request body."""
    return principal.tenant


def enforce_rate_limit(request: Request, principal: PrincipalDep) -> None:
    """429 with Retry-After once the client has spent its RATE_LIMIT budget. Declared on
    the routers (app.py), so it runs after authentication and before any work."""
    limiter: RateLimiter = request.app.state.rate_limiter
    limiter.check(principal)


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
KnowledgeBaseDep = Annotated[KnowledgeBase, Depends(get_knowledge_base)]
TenantDep = Annotated[str, Depends(get_tenant)]
AnswererDep = Annotated[Answerer, Depends(get_answerer)]
FeedbackStoreDep = Annotated[FeedbackStore, Depends(get_feedback_store)]
{%- if cookiecutter.include_agent == "yes" %}
AgentRunnerDep = Annotated[AgentRunner, Depends(get_agent_runner)]
{%- endif %}
