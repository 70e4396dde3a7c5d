"""What one request and one client may consume (OWASP LLM10, unbounded consumption).

Two guards: `BodySizeLimitMiddleware` caps every request body, counted as it streams in
(a missing or lying Content-Length does not get past it), and `RateLimiter` caps requests
per API key with the `limits` library: counters in memory by default, in Redis when
REDIS_URL is set so that every replica counts against the same budget.
"""

import logging
import math
import time
from dataclasses import dataclass

from fastapi import HTTPException, Request
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from {{ cookiecutter.package_name }}.api.errors import error_response
from {{ cookiecutter.package_name }}.settings import Settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Principal:
    """Who a request acts for (`tenant`) and which budget it spends (`client_id`)."""

    tenant: str
    # A key's id (a prefix of its hash: names it, reveals nothing), or the client address
    # when the API has no keys.
    client_id: str


def client_address(request: Request) -> str:
    return f"ip:{request.client.host if request.client else 'unknown'}"


class RequestTooLargeError(HTTPException):
    """Raised from the body stream; an HTTPException so FastAPI's body parsing re-raises it
    unchanged and the app's handler answers with the usual JSON error."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is over {limit} bytes (MAX_REQUEST_BYTES).")


class BodySizeLimitMiddleware:
    """Answer 413 to a request whose body is over `max_bytes`, before the app holds it all."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:  # refused before reading
            await self._refuse(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise RequestTooLargeError(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except RequestTooLargeError:
            # Normally the app's handler has answered; this covers code that read the body
            # outside a route (a middleware) and let the error through.
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        error = RequestTooLargeError(self.max_bytes)
        response = error_response(Request(scope), error.status_code, str(error.detail))
        await response(scope, receive, send)


class RateLimiter:
    """Requests per client in a moving window; `None` from `retry_after` means go ahead."""

    def __init__(self, settings: Settings) -> None:
        self.rule = settings.rate_limit
        self.items: list[RateLimitItem] = parse_many(self.rule) if self.rule else []
        # The sync API: dependencies run in the thread pool, so a Redis round trip never
        # blocks the event loop.
        storage = storage_from_string(settings.redis_url or "memory://")
        self.limiter = MovingWindowRateLimiter(storage)

    def retry_after(self, client_id: str) -> int | None:
        """Count one request; when over a limit, the seconds until one is allowed again."""
        for item in self.items:
            try:
                allowed = self.limiter.hit(item, client_id)
                reset_at = None if allowed else self.limiter.get_window_stats(item, client_id)[0]
            except Exception as exc:  # Redis down: say which dependency, not a bare 500
                logger.error("rate limit store failed: %s", exc)
                raise HTTPException(503, "The rate limit store (REDIS_URL) is unavailable.") from exc
            if reset_at is not None:
                return max(1, math.ceil(reset_at - time.time()))
        return None

    def check(self, principal: Principal) -> None:
        """Raise 429 with Retry-After when `principal` has spent its budget."""
        wait = self.retry_after(principal.client_id)
        if wait is not None:
            raise HTTPException(
                429,
                f"Rate limit reached ({self.rule} per client, RATE_LIMIT); retry in {wait} s.",
                headers={"Retry-After": str(wait)},
            )
