"""The application factory: `create_app()` builds a fully wired FastAPI app."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi_offline import FastAPIOffline

from {{ cookiecutter.package_name }} import __version__
{%- if cookiecutter.include_agent == "yes" %}
from {{ cookiecutter.package_name }}.agent.runner import open_agent
from {{ cookiecutter.package_name }}.agent.telemetry import ToolTelemetry
{%- endif %}
from {{ cookiecutter.package_name }}.api.deps import enforce_rate_limit
from {{ cookiecutter.package_name }}.api.errors import (
    GUARDED_ERRORS,
    install_error_handlers,
    json_error_bodies,
)
from {{ cookiecutter.package_name }}.api.limits import BodySizeLimitMiddleware, RateLimiter
from {{ cookiecutter.package_name }}.api.middleware import RequestIdMiddleware
from {{ cookiecutter.package_name }}.api.readiness import (
    ReadinessCheck,
    answerer_checks,
    data_dir_check,
    knowledge_base_checks,
)
from {{ cookiecutter.package_name }}.api.routes import (
{%- if cookiecutter.include_agent == "yes" %}
    agent,
{%- endif %}
    answers,
    documents,
    feedback,
    health,
    openai_compat,
    search,
)
from {{ cookiecutter.package_name }}.llm import build_chat_model
from {{ cookiecutter.package_name }}.observability import install_observability
from {{ cookiecutter.package_name }}.observability.genai import observe_chat_model
from {{ cookiecutter.package_name }}.observability.instrumented import ObservedFeedbackStore, ObservedKnowledgeBase
from {{ cookiecutter.package_name }}.rag.answer import Answerer
from {{ cookiecutter.package_name }}.settings import Settings, get_settings


def create_app(
    settings: Settings | None = None, checks: dict[str, ReadinessCheck] | None = None
) -> FastAPI:
    """Build the app; tests pass their own settings and, optionally, readiness checks."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Opened once per process (it also creates DATA_DIR): stores keep connection
        # pools and, when embedded, file locks.
        # The chat model first: a provider without its key or package stops startup
        # before any store is opened.
        model = build_chat_model(settings)
        observe_chat_model(model, observability.genai)
        async with AsyncExitStack() as stack:
            stack.callback(observability.close)  # last out: flushes the spans of shutdown too
            kb = stack.enter_context(ObservedKnowledgeBase(settings, observability))
            app.state.knowledge_base = kb
            app.state.answerer = Answerer(kb, model, settings)
            app.state.feedback = ObservedFeedbackStore(kb.registry.engine, observability)
{%- if cookiecutter.include_agent == "yes" %}
            app.state.agent = await stack.enter_async_context(
                open_agent(app.state.answerer, model, [ToolTelemetry(observability)])
            )
{%- endif %}
            if checks is None:
                app.state.readiness_checks.update(knowledge_base_checks(kb))
                app.state.readiness_checks.update(answerer_checks(app.state.answerer))
            yield

    # FastAPIOffline serves the /docs and /redoc assets itself (FastAPI's default pages load
    # them from a CDN): the interactive docs work with no network, like the rest of the app.
    app = FastAPIOffline(title=settings.app_name, version=__version__, lifespan=lifespan)
    default_openapi = app.openapi
    # Assigning `openapi` is FastAPI's documented way to extend the schema; mypy objects to
    # assigning a method.
    app.openapi = lambda: json_error_bodies(default_openapi())  # type: ignore[method-assign]
    app.state.settings = settings
    app.state.readiness_checks = (
        dict(checks) if checks is not None else {"data_dir": data_dir_check(settings)}
    )

    app.state.rate_limiter = RateLimiter(settings)

    install_error_handlers(app)
    # Inside CORS and the request id, so a 413 still carries both.
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["X-Request-ID"],
        )
    # Logs, metrics (`/metrics`) and traces; inside the request id middleware (added after).
    observability = install_observability(app, settings)
    # Added last so it runs first: every later layer (and every error body) sees the id.
    app.add_middleware(RequestIdMiddleware)

    # Probes (and the docs) stay open; every other route authenticates, then counts
    # against the caller's rate limit, before doing any work.
    app.include_router(health.router)
    guarded = [Depends(enforce_rate_limit)]
    for module in (documents, search, answers, feedback, openai_compat):
        app.include_router(module.router, dependencies=guarded, responses=GUARDED_ERRORS)
{%- if cookiecutter.include_agent == "yes" %}
    app.include_router(agent.router, dependencies=guarded, responses=GUARDED_ERRORS)
{%- endif %}
    return app
