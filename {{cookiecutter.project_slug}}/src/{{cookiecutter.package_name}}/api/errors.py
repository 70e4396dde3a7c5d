"""One JSON error shape for every failure: no HTML pages, no tracebacks to clients."""

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from {{ cookiecutter.package_name }}.api.middleware import REQUEST_ID_HEADER, request_id_of
from {{ cookiecutter.package_name }}.rag.errors import DependencyError, KnowledgeBaseError
from {{ cookiecutter.package_name }}.schemas import ErrorDetail, ErrorResponse

logger = logging.getLogger(__name__)

# Stable `type` values clients can branch on (HTTP reason phrases differ between Python versions).
ERROR_TYPES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}


def error_type(status_code: int) -> str:
    return ERROR_TYPES.get(status_code, "client_error" if status_code < 500 else "server_error")


def knowledge_base_error_detail(exc: KnowledgeBaseError) -> ErrorDetail:
    """The error body of a knowledge base error; also the `error` event ending a stream."""
    dependency = exc.dependency if isinstance(exc, DependencyError) else None
    return ErrorDetail(message=str(exc), type=error_type(exc.status_code), dependency=dependency)


def error_response(
    request: Request,
    status_code: int,
    message: str,
    *,
    details: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
    detail: ErrorDetail | None = None,
) -> JSONResponse:
    """Build the JSON error body with a stable `type` for the status code."""
    request_id = request_id_of(request.scope)
    detail = detail or ErrorDetail(message=message, type=error_type(status_code), details=details)
    body = ErrorResponse(error=detail.model_copy(update={"request_id": request_id}))
    all_headers = dict(headers or {})
    if request_id:
        all_headers[REQUEST_ID_HEADER] = request_id
    return JSONResponse(body.model_dump(exclude_none=True), status_code, headers=all_headers)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    message = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    return error_response(request, exc.status_code, message, headers=exc.headers)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    # Drop the raw input from each problem: it may be large or sensitive.
    details = [
        {"loc": list(error.get("loc", ())), "msg": error.get("msg", ""), "type": error.get("type")}
        for error in exc.errors()
    ]
    return error_response(request, 422, "The request is invalid.", details=details)


async def _knowledge_base_error(request: Request, exc: KnowledgeBaseError) -> JSONResponse:
    # These messages are written for users (which file, which setting, what to do).
    if exc.status_code >= 500:  # the cause (a store or provider error) goes to the log
        logger.error("knowledge base error: %s", exc, exc_info=exc.__cause__ or exc)
    detail = knowledge_base_error_detail(exc)
    return error_response(request, exc.status_code, str(exc), detail=detail)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error", extra={"request_id": request_id_of(request.scope)})
    return error_response(request, 500, "Internal error; the request id identifies it in the logs.")


def error_doc(description: str) -> dict[str, Any]:
    """An OpenAPI `responses` entry: this status code, with the JSON error body."""
    return {"model": ErrorResponse, "description": description}


# OpenAPI `responses` of the routes that call the model, the embeddings or the store.
DEPENDENCY_ERRORS: dict[int | str, dict[str, Any]] = {
    502: error_doc("A service behind the app (`dependency`) refused the request."),
    503: error_doc("A service behind the app (`dependency`) is unavailable, after retries."),
    504: error_doc("A service behind the app (`dependency`) did not answer in time."),
}


# What any route behind {% if cookiecutter.auth == "api_key" %}authentication and {% endif %}rate limiting may answer (app.py declares them
# on those routers; a route's own entry for the same code wins).
GUARDED_ERRORS: dict[int | str, dict[str, Any]] = {
    400: error_doc("The body could not be parsed (not UTF-8, or broken multipart)."),
{%- if cookiecutter.auth == "api_key" %}
    401: error_doc("No valid API key: send `Authorization: Bearer <key>` or `X-API-Key: <key>`."),
{%- endif %}
    413: error_doc("The body is over MAX_REQUEST_BYTES."),
    422: error_doc("The request does not match its schema; `details` says where."),
    429: error_doc("Over RATE_LIMIT for this client; `Retry-After` says when to retry."),
    503: error_doc("The rate limit store (REDIS_URL) is unavailable."),
}


def json_error_bodies(openapi: dict[str, Any]) -> dict[str, Any]:
    """Document error bodies as JSON on streaming routes too: FastAPI gives a `responses`
    model the route's media type (text/event-stream), but errors are JSON responses sent
    before any event. Idempotent, so it can run on the app's cached schema."""
    for operation in (op for path in openapi["paths"].values() for op in path.values()):
        for status, response in operation["responses"].items():
            content = response.get("content", {})
            if not status.startswith("2") and "text/event-stream" in content:
                content["application/json"] = content.pop("text/event-stream")
    return openapi


def install_error_handlers(app: FastAPI) -> None:
    # The decorator form accepts handlers typed for their own exception class.
    app.exception_handler(StarletteHTTPException)(_http_error)
    app.exception_handler(RequestValidationError)(_validation_error)
    app.exception_handler(KnowledgeBaseError)(_knowledge_base_error)
    app.exception_handler(Exception)(_unexpected_error)
