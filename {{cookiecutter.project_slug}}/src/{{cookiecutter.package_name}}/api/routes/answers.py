"""Answers: a question in, a cited answer out — whole, or streamed as Server-Sent Events."""

import logging
from collections.abc import Iterator

from fastapi import APIRouter
from fastapi.sse import EventSourceResponse, ServerSentEvent

from {{ cookiecutter.package_name }}.api.deps import AnswererDep, TenantDep
from {{ cookiecutter.package_name }}.api.errors import DEPENDENCY_ERRORS, knowledge_base_error_detail
from {{ cookiecutter.package_name }}.api.inputs import JSON, JSON_BODY
from {{ cookiecutter.package_name }}.llm import model_name
from {{ cookiecutter.package_name }}.rag.answer import Answer, Finished, Scope, Sources, Token
from {{ cookiecutter.package_name }}.rag.errors import KnowledgeBaseError
from {{ cookiecutter.package_name }}.schemas import (
    AnswerCitation,
    CitationsEvent,
    DoneEvent,
    QueryRequest,
    QueryResponse,
    TokenEvent,
    Usage,
)

logger = logging.getLogger(__name__)
router = APIRouter(
    prefix="/v1", tags=["answers"], dependencies=[JSON_BODY], responses=JSON.responses
)


def scope_of(request: QueryRequest, tenant: str) -> Scope:
    return Scope(tenant, request.top_k, request.document_ids, request.sources)


def citations_of(answer: Answer | Sources) -> list[AnswerCitation]:
    return [AnswerCitation.model_validate(citation) for citation in answer.citations]


@router.post("/query", responses=DEPENDENCY_ERRORS)
def query(request: QueryRequest, answerer: AnswererDep, tenant: TenantDep) -> QueryResponse:
    """Answer from the tenant's documents, citing them; says so when nothing relevant exists."""
    answer = answerer.answer(request.question, scope_of(request, tenant))
    return QueryResponse(
        answer=answer.text,
        citations=citations_of(answer),
        model=model_name(answerer.settings),
        usage=Usage.model_validate(answer.usage),
        latency_ms=round(answer.latency_ms, 2),
    )


@router.post("/query/stream", response_class=EventSourceResponse)
def query_stream(
    request: QueryRequest, answerer: AnswererDep, tenant: TenantDep
) -> Iterator[ServerSentEvent]:
    """Server-Sent Events: `token` events as the answer is written, then `citations`, then
    `done` (usage, timings). If the model fails, an `error` event ends the stream instead."""
    model = model_name(answerer.settings)
    try:
        for event in answerer.stream(request.question, scope_of(request, tenant)):
            if isinstance(event, Token):
                yield ServerSentEvent(event="token", data=TokenEvent(text=event.text))
            elif isinstance(event, Sources):
                data = CitationsEvent(citations=citations_of(event))
                yield ServerSentEvent(event="citations", data=data)
            elif isinstance(event, Finished):
                done = DoneEvent(
                    model=model,
                    usage=Usage.model_validate(event.usage),
                    latency_ms=round(event.latency_ms, 2),
                    first_token_ms=event.first_token_ms and round(event.first_token_ms, 2),
                )
                yield ServerSentEvent(event="done", data=done)
    # The status line (200) is already sent: a failure can only be reported in the stream.
    except KnowledgeBaseError as error:
        logger.error("answer stream failed: %s", error, exc_info=error.__cause__ or error)
        yield ServerSentEvent(event="error", data=knowledge_base_error_detail(error))
