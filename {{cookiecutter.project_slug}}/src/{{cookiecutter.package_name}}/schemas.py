"""The HTTP contract: request and response models shared by the API and its clients."""

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

MAX_QUESTION_CHARS = 4000
ID_PATTERN = r"^[0-9a-f]{32}$"  # the ids this API hands out (documents, threads)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _storable(value: str) -> str:
    """Refuse text no store or provider can keep: NUL (PostgreSQL text cannot hold it)
    and unpaired surrogates (JSON can escape them as \\ud800; UTF-8 cannot encode them)."""
    if "\x00" in value:
        raise ValueError("must not contain NUL characters (\\u0000)")
    if _SURROGATE.search(value):
        raise ValueError("must be valid Unicode (no unpaired surrogates)")
    return value


# Every string a client sends is `Text`: a clear 422 here, not a store error (500) later.
Text = Annotated[str, AfterValidator(_storable)]
Id = Annotated[str, Field(pattern=ID_PATTERN)]


class ErrorDetail(BaseModel):
    """What went wrong, in the shape OpenAI-style clients already understand."""

    message: str = Field(description="A sentence for humans.")
    type: str = Field(description="A stable machine-readable category, e.g. `not_found`.")
    request_id: str | None = Field(default=None, description="Quote it when reporting a problem.")
    details: list[dict[str, Any]] | None = Field(
        default=None, description="Per-field problems, for validation errors."
    )
    # rag.errors.Dependency, restated: the UI imports this contract, never the server's code.
    dependency: Literal["llm", "embeddings", "vector_store"] | None = Field(
        default=None, description="The service that failed, for 502, 503 and 504."
    )


class ErrorResponse(BaseModel):
    """Every error the API returns has this body, whatever the status code."""

    error: ErrorDetail


class HealthResponse(BaseModel):
    """Liveness: the process is up and serving requests."""

    status: Literal["ok"] = "ok"
    version: str


class CheckResult(BaseModel):
    """The state of one dependency the app needs to serve traffic."""

    status: Literal["ok", "error"]
    detail: str | None = None


class ReadinessResponse(BaseModel):
    """Readiness: every dependency, and whether the app can take traffic."""

    status: Literal["ready", "not_ready"]
    checks: dict[str, CheckResult]


# --- Knowledge base ---------------------------------------------------------------------------

IngestStatus = Literal["added", "unchanged", "replaced", "failed"]


class DocumentInfo(BaseModel):
    """A document in the knowledge base."""

    # Built from the knowledge base's records by attribute (`model_validate(record)`).
    model_config = ConfigDict(from_attributes=True)

    id: str = Field(examples=["3f1c9a0d2b7e4c58a1e6f0b2d4c6e8a0"])
    source: str = Field(description="The file name it was ingested as.", examples=["warranty.md"])
    chunk_count: int = Field(examples=[4])
    size_bytes: int = Field(examples=[1549])
    content_hash: str = Field(description="sha256 of the file's bytes.")
    created_at: datetime
    updated_at: datetime


class DocumentList(BaseModel):
    documents: list[DocumentInfo]


class IngestFileResult(BaseModel):
    """What happened to one uploaded file."""

    model_config = ConfigDict(from_attributes=True)

    source: str = Field(examples=["warranty.md"])
    document_id: str
    status: IngestStatus = Field(
        description="added: new; unchanged: same content as before, nothing done; "
        "replaced: new content replaced the old chunks; failed: see `error`."
    )
    chunk_count: int = 0
    error: str | None = Field(default=None, examples=[None])


class IngestResponse(BaseModel):
    results: list[IngestFileResult]


class DeleteResponse(BaseModel):
    document_id: str
    deleted_chunks: int


class Filters(BaseModel):
    """Which documents a request may draw on (default: all of the tenant's)."""

    document_ids: list[Id] | None = Field(default=None, description="Only these documents.")
    sources: list[Text] | None = Field(default=None, description="Only these file names.")


class SearchRequest(Filters):
    """A question to search the knowledge base with."""

    model_config = {
        "json_schema_extra": {"examples": [{"query": "How long is the warranty?", "top_k": 3}]}
    }

    query: Text = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    top_k: int | None = Field(
        default=None, ge=1, description="Defaults to DEFAULT_TOP_K; capped at MAX_TOP_K."
    )


class Citation(BaseModel):
    """Where a piece of retrieved text comes from."""

    model_config = ConfigDict(from_attributes=True)

    chunk_id: str
    document_id: str
    source: str = Field(examples=["onboarding-guide.pdf"])
    page: int | None = Field(description="1-based page for paged formats (PDF).", examples=[2])
    snippet: str = Field(description="The start of the chunk's text.")


class SearchHit(Citation):
    text: str
    score: float = Field(description="Fused rank score (reciprocal rank fusion); higher is better.")
    dense_score: float | None = Field(description="Cosine similarity, if found by vector search.")
    keyword_score: float | None = Field(description="BM25 score, if found by keyword search.")


class SearchResponse(BaseModel):
    query: str
    results: list[SearchHit]
    latency_ms: float


# --- Answers ----------------------------------------------------------------------------------


class QueryRequest(Filters):
    """A question to answer from the knowledge base."""

    model_config = {
        "json_schema_extra": {"examples": [{"question": "How long is the frame warranty?"}]}
    }

    question: Text = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    top_k: int | None = Field(
        default=None, ge=1, le=50, description="Chunks given to the model; default ANSWER_TOP_K."
    )


class AnswerCitation(Citation):
    """A source the answer cites; `number` is its [n] marker in the answer text."""

    number: int = Field(examples=[1])
    score: float = Field(description="Fused retrieval score of the chunk; higher is better.")


class Usage(BaseModel):
    """Tokens the model used, when the provider reports them (null for `extractive`)."""

    model_config = ConfigDict(from_attributes=True)

    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None


class QueryResponse(BaseModel):
    answer: str = Field(examples=["The frame and fork are covered for 7 years [1]."])
    citations: list[AnswerCitation]
    model: str = Field(description="Who wrote the answer: the chat model, or `extractive`.")
    usage: Usage
    latency_ms: float


class TokenEvent(BaseModel):
    """SSE `token`: the next piece of the answer text."""

    text: str


class CitationsEvent(BaseModel):
    """SSE `citations`: the sources, once the answer is complete."""

    citations: list[AnswerCitation]


class DoneEvent(BaseModel):
    """SSE `done`: the last event of a successful answer."""

    model: str
    usage: Usage
    latency_ms: float
    first_token_ms: float | None = Field(description="Time to the first token event.")


# --- Feedback ---------------------------------------------------------------------------------

Rating = Literal["up", "down"]


class FeedbackRequest(BaseModel):
    """A user's verdict on one answer, with what they saw (so it can become an eval case)."""

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "rating": "down",
                    "comment": "It cited the wrong policy.",
                    "question": "How long is the frame warranty?",
                    "answer": "Two years [1].",
                    "citation_ids": ["1b79dc39-1479-816c-b96b-d907420bdc29"],
                }
            ]
        }
    }

    rating: Rating
    comment: Text | None = Field(default=None, max_length=2000)
    question: Text = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    answer: Text = Field(max_length=20_000)
    citation_ids: list[Annotated[Text, Field(max_length=100)]] = Field(
        default_factory=list, max_length=50
    )


class FeedbackResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    created_at: datetime
