"""Failures of the services behind the app: which are outages, and the last one seen.

Provider clients retry transient errors themselves (llm.py, embeddings.py configure how);
what still fails reaches `dependency_error`, which names the service and picks the status:
504 timed out, 503 unavailable (connection refused, 429 or 5xx after retries), 502 refused.
`HealthRecord` remembers the last outage of one service, for /readyz (api/readiness.py).
"""

import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from {{ cookiecutter.package_name }}.rag.errors import (
    Dependency,
    DependencyError,
    DependencyTimeoutError,
    DependencyUnavailableError,
    KnowledgeBaseError,
)

FailureKind = Literal["timeout", "unavailable", "refused"]
# Per client library: its (timeout, connection) errors. Only libraries already imported are
# looked at: an error cannot come from one that was never loaded.
_CLIENT_ERRORS = {
    "httpx": ("TimeoutException", "TransportError"),  # Ollama's client, Qdrant's, Chroma's
    "openai": ("APITimeoutError", "APIConnectionError"),
    "anthropic": ("APITimeoutError", "APIConnectionError"),
}
_TIMEOUT_STATUSES = {408, 504}
_OUTAGE_STATUSES = {429, *range(500, 600)}


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error and its causes: clients wrap the transport error that tells what happened."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _client_errors() -> tuple[tuple[type, ...], tuple[type, ...]]:
    timeouts: list[type] = [TimeoutError]
    outages: list[type] = [ConnectionError]
    for module_name, (timeout, connection) in _CLIENT_ERRORS.items():
        if module := sys.modules.get(module_name):
            timeouts.append(getattr(module, timeout, TimeoutError))
            outages.append(getattr(module, connection, ConnectionError))
    return tuple(timeouts), tuple(outages)


def failure_kind(error: BaseException) -> FailureKind:
    """What kind of failure a client's error is; `refused` unless it is clearly transient."""
    timeouts, outages = _client_errors()
    causes = [c for c in _chain(error) if not isinstance(c, KnowledgeBaseError)]
    statuses = {getattr(cause, "status_code", None) for cause in causes}  # HTTP errors have one
    if any(isinstance(c, timeouts) for c in causes) or statuses & _TIMEOUT_STATUSES:
        return "timeout"
    if any(isinstance(c, outages) for c in causes) or statuses & _OUTAGE_STATUSES:
        return "unavailable"
    return "refused"


def dependency_error(
    error: Exception, dependency: Dependency, service: str, *, refused_is_outage: bool = False
) -> KnowledgeBaseError:
    """`error`, raised by `service`'s client, as the error the API answers with.

    `refused_is_outage`: for stores, whose errors are rarely the request's fault.
    """
    if isinstance(error, KnowledgeBaseError):  # already explained, by a layer below
        return error
    kind = failure_kind(error)
    reason = str(error) or type(error).__name__
    if kind == "timeout":
        return DependencyTimeoutError(f"{service} did not answer in time ({reason}).", dependency)
    if kind == "unavailable" or refused_is_outage:
        return DependencyUnavailableError(f"{service} is unavailable ({reason}).", dependency)
    return DependencyError(f"{service} failed: {reason}", dependency)


def retrying_http_options(timeout_s: float, max_retries: int) -> dict[str, Any]:
    """httpx client options for a provider client that has no retries of its own (Ollama's):
    a timeout, and a transport retrying connection errors, timeouts, 429 and 5xx with
    exponential backoff and full jitter (honouring Retry-After)."""
    from httpx_retries import Retry, RetryTransport

    retry = Retry(
        total=max_retries,
        allowed_methods=["GET", "POST"],  # model calls are POSTs, and safe to repeat
        status_forcelist=[429, 500, 502, 503, 504],
        backoff_factor=0.25,  # waits up to 0.5 s, 1 s, 2 s, ...
        max_backoff_wait=8.0,
    )
    return {"timeout": timeout_s, "transport": RetryTransport(retry=retry)}


@dataclass(frozen=True)
class Outage:
    message: str
    at: float  # time.monotonic()


class HealthRecord:
    """The last outage of one service, cleared by its next call that gets an answer.

    A refused request (502) clears it too: the service answered. Assignments are atomic,
    so request threads can report without a lock.
    """

    def __init__(self) -> None:
        self.outage: Outage | None = None

    def succeeded(self) -> None:
        self.outage = None

    def failed(self, error: KnowledgeBaseError) -> None:
        unavailable = isinstance(error, DependencyUnavailableError)
        self.outage = Outage(str(error), time.monotonic()) if unavailable else None

    def recent_outage(self, within_s: float) -> Outage | None:
        outage = self.outage
        return outage if outage and time.monotonic() - outage.at < within_s else None
