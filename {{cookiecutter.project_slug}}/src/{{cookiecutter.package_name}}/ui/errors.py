"""`ApiError`, the one exception of the UI's client, and how HTTP failures become one.

The messages name what the user can change: the URL in the sidebar, the file, the field.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

import httpx2
from pydantic import BaseModel, ValidationError

from {{ cookiecutter.package_name }}.schemas import ErrorDetail, ErrorResponse

ModelT = TypeVar("ModelT", bound=BaseModel)


class ApiError(Exception):
    """Any failure talking to the API; `str(error)` is a sentence for the user."""

    def __init__(
        self, message: str, status_code: int | None = None, request_id: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code  # None: no HTTP answer (unreachable, broken stream)
        self.request_id = request_id  # quote it when reporting a problem


@contextmanager
def transport_errors(base_url: str) -> Iterator[None]:
    """No usable HTTP answer at all: say where the UI looked, the usual culprit."""
    try:
        yield
    except httpx2.TimeoutException as error:
        raise ApiError(f"The API at {base_url} did not answer in time.") from error
    except httpx2.SSEError as error:  # an answer, but not an event stream
        raise malformed(base_url, None) from error
    except (httpx2.TransportError, httpx2.InvalidURL) as error:
        reason = str(error) or type(error).__name__
        raise ApiError(
            f"Cannot reach the API at {base_url}: {reason}. "
            "Is it running (the `serve` command), and is the API URL in the sidebar right?"
        ) from error


def error_detail(response: httpx2.Response) -> ErrorDetail | None:
    """The API's error body, or None when the body is not in its shape."""
    try:
        return ErrorResponse.model_validate_json(response.content).error
    except ValidationError:
        return None


def error_of(response: httpx2.Response, base_url: str) -> ApiError:
    """The error a 4xx/5xx response stands for, with the API's own message when it sent one."""
    status = response.status_code
    detail = error_detail(response)
    if detail is None:  # not our API's error shape: a proxy, or some other server
        reason = f"{status} {response.reason_phrase}".strip()
        return ApiError(f"The API at {base_url} answered {reason}.", status)
    message = detail.message
    if detail.type == "validation_error" and detail.details:  # name the offending field
        first = detail.details[0]
        field = ".".join(str(part) for part in first.get("loc", []) if part != "body")
        message = f"{message} {field}: {first.get('msg', '')}"
    return ApiError(message, status, detail.request_id)


def parse(data: str | bytes, model: type[ModelT], base_url: str, status: int | None) -> ModelT:
    """`data` as `model`, or the ApiError saying the server is not speaking our API."""
    try:
        return model.model_validate_json(data)
    except ValidationError:
        raise malformed(base_url, status) from None


def malformed(base_url: str, status: int | None) -> ApiError:
    return ApiError(
        f"The server at {base_url} sent a response the UI does not understand. "
        "Is this the URL of this app's API?",
        status,
    )
