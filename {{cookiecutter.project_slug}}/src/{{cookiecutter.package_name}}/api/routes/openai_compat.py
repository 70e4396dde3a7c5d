"""An OpenAI-compatible chat endpoint where the model is the RAG pipeline.

Tools that speak the OpenAI API (the `openai` SDK, LangChain's ChatOpenAI, chat UIs) point
their base URL at `/v1` and use the model id from `GET /v1/models`. The last user message
is the question; earlier turns and system prompts are not used (answers come from the
documents, under this app's own rules). Citations are listed under "Sources" in the text
and, structured, in the extra `citations` field.
"""

import logging
import time
import uuid
from collections.abc import Iterator, Sequence

from fastapi import APIRouter, HTTPException
from fastapi.sse import EventSourceResponse, format_sse_event

from {{ cookiecutter.package_name }}.api.deps import AnswererDep, SettingsDep, TenantDep
from {{ cookiecutter.package_name }}.api.errors import (
    DEPENDENCY_ERRORS,
    error_doc,
    knowledge_base_error_detail,
)
from {{ cookiecutter.package_name }}.api.inputs import JSON, JSON_BODY
from {{ cookiecutter.package_name }}.api.openai_models import (
    AssistantMessage,
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    Choice,
    ChunkChoice,
    CompletionUsage,
    Delta,
    ModelCard,
    ModelList,
)
from {{ cookiecutter.package_name }}.rag.answer import Citation, Finished, Scope, Sources, Token, Usage
from {{ cookiecutter.package_name }}.rag.errors import KnowledgeBaseError
from {{ cookiecutter.package_name }}.schemas import MAX_QUESTION_CHARS, AnswerCitation, ErrorResponse

logger = logging.getLogger(__name__)
router = APIRouter(
    prefix="/v1", tags=["openai-compatible"], dependencies=[JSON_BODY], responses=JSON.responses
)
MODEL_ID = "{{ cookiecutter.project_slug }}-rag"
OWNER = "{{ cookiecutter.project_slug }}"
STARTED = int(time.time())


def sources_text(citations: Sequence[Citation]) -> str:
    """The short "Sources" list appended to the answer text."""
    if not citations:
        return ""
    lines = [
        f"[{c.number}] {c.source}" + (f", page {c.page}" if c.page is not None else "")
        for c in citations
    ]
    return "\n\nSources:\n" + "\n".join(lines)


def completion_usage(usage: Usage) -> CompletionUsage | None:
    if usage.input_tokens is None or usage.output_tokens is None:
        return None
    total = usage.total_tokens or usage.input_tokens + usage.output_tokens
    return CompletionUsage(
        prompt_tokens=usage.input_tokens, completion_tokens=usage.output_tokens, total_tokens=total
    )


def question_of(request: ChatCompletionRequest) -> str:
    if request.model != MODEL_ID:
        raise HTTPException(404, f"The model {request.model!r} does not exist; use {MODEL_ID!r}.")
    for message in reversed(request.messages):
        if message.role == "user" and message.text.strip():
            if len(message.text) > MAX_QUESTION_CHARS:  # the limit of /v1/query's question
                raise HTTPException(422, f"The question is over {MAX_QUESTION_CHARS} characters.")
            return message.text
    raise HTTPException(400, "The messages contain no user message with text to answer.")


def check_max_tokens(request: ChatCompletionRequest, cap: int) -> None:
    """Refuse a token budget over LLM_MAX_TOKENS (OWASP LLM10) rather than silently
    answering with fewer tokens than the client asked for."""
    extra = request.model_extra or {}
    for name in ("max_tokens", "max_completion_tokens"):
        value = extra.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= cap:
            raise HTTPException(
                422, f"{name} must be a whole number from 1 to {cap} (LLM_MAX_TOKENS)."
            )


@router.get("/models")
def list_models() -> ModelList:
    """The one model this server offers: the RAG pipeline over the knowledge base."""
    return ModelList(data=[ModelCard(id=MODEL_ID, created=STARTED, owned_by=OWNER)])


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "JSON, or SSE chunks"},
        400: error_doc("No user message, or a body that could not be parsed."),
        404: error_doc("Unknown model id."),
        422: error_doc("Invalid request, question too long, or max_tokens over LLM_MAX_TOKENS."),
        **DEPENDENCY_ERRORS,
    },
)
def chat_completions(
    request: ChatCompletionRequest, answerer: AnswererDep, tenant: TenantDep, settings: SettingsDep
) -> ChatCompletion | EventSourceResponse:
    """OpenAI chat completions; `stream: true` answers with `chat.completion.chunk` events
    ending in `[DONE]`."""
    check_max_tokens(request, settings.llm_max_tokens)
    question = question_of(request)
    scope = Scope(tenant=tenant)
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    if request.stream:
        include_usage = request.stream_options is not None and request.stream_options.include_usage
        events = _stream(answerer.stream(question, scope), completion_id, include_usage)
        return EventSourceResponse(events)
    answer = answerer.answer(question, scope)
    message = AssistantMessage(content=answer.text + sources_text(answer.citations))
    return ChatCompletion(
        id=completion_id,
        created=int(time.time()),
        model=MODEL_ID,
        choices=[Choice(message=message)],
        usage=completion_usage(answer.usage),
        citations=[AnswerCitation.model_validate(c) for c in answer.citations],
    )


def _sse(data: str) -> bytes:
    return format_sse_event(data_str=data)


def _stream(
    events: Iterator[Token | Sources | Finished], completion_id: str, include_usage: bool
) -> Iterator[bytes]:
    created = int(time.time())

    def chunk(
        delta: Delta | None,
        finish: bool = False,
        usage: CompletionUsage | None = None,
        citations: list[AnswerCitation] | None = None,
    ) -> bytes:
        # The usage chunk has no choices, as in OpenAI's stream.
        choices = (
            []
            if delta is None
            else [ChunkChoice(delta=delta, finish_reason="stop" if finish else None)]
        )
        body = ChatCompletionChunk(
            id=completion_id,
            created=created,
            model=MODEL_ID,
            choices=choices,
            usage=usage,
            citations=citations,
        )
        return _sse(body.model_dump_json(exclude_none=True))

    try:
        yield chunk(Delta(role="assistant", content=""))
        for event in events:
            if isinstance(event, Token):
                yield chunk(Delta(content=event.text))
            elif isinstance(event, Sources):
                if event.citations:
                    yield chunk(Delta(content=sources_text(event.citations)))
                citations = [AnswerCitation.model_validate(c) for c in event.citations]
                yield chunk(Delta(), finish=True, citations=citations)
            elif include_usage:
                yield chunk(None, usage=completion_usage(event.usage))
    except KnowledgeBaseError as error:
        logger.error("chat completion stream failed: %s", error, exc_info=error.__cause__ or error)
        body = ErrorResponse(error=knowledge_base_error_detail(error))
        yield _sse(body.model_dump_json(exclude_none=True))
    yield _sse("[DONE]")
