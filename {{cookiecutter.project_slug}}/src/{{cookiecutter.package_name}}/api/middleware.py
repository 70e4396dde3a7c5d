"""Request-id middleware, written as plain ASGI so streamed responses pass through untouched."""

import re
import uuid

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
# Accept a caller's id only if it is short and harmless to echo into logs and headers.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


def request_id_of(scope: Scope) -> str | None:
    """The id given to this request by `RequestIdMiddleware`, if it ran."""
    state = scope.get("state") or {}
    request_id = state.get("request_id")
    return request_id if isinstance(request_id, str) else None


class RequestIdMiddleware:
    """Give every request an id (the caller's, if valid) and echo it in the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = dict(scope["headers"]).get(REQUEST_ID_HEADER.lower().encode(), b"")
        incoming = header.decode("latin-1")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        await self.app(scope, receive, send_with_id)
