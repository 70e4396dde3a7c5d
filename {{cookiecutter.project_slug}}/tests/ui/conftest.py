"""The UI against a real API: the app served on a local port, as the `serve` command would."""

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from streamlit.testing.v1 import AppTest

import {{ cookiecutter.package_name }}.ui
from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.settings import Settings, get_settings
from {{ cookiecutter.package_name }}.ui.client import ApiClient
from tests.conftest import SAMPLE_DOCS
from tests.servers import close_connections, serve_in_thread

APP = Path({{ cookiecutter.package_name }}.ui.__file__).parent / "app.py"
QUESTION = "Which address do I email to make a warranty claim?"
ANSWER = "warranty@pedalwright.example"
BROKEN = "The vector store is down."  # what the broken API says on every route

Request = tuple[str, str, bytes]  # method, path, body


class RecordRequests:
    """ASGI middleware keeping each request's method, path and body, to check what the UI
    sent without a read endpoint for it."""

    def __init__(self, app: ASGIApp, log: list[Request]) -> None:
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # The body is read and logged before the app answers: a test checks the log as
        # soon as the client has its response, while this server thread may still be busy.
        chunks: list[bytes] = []
        message: Message = {"type": "http.request", "more_body": True}
        while message["type"] == "http.request" and message.get("more_body", False):
            message = await receive()
            chunks.append(message.get("body", b""))
        body = b"".join(chunks)
        self.log.append((scope["method"], scope["path"], body))
        pending: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]

        async def replay() -> Message:
            # The body once, then the server's own messages (such as a disconnect).
            return pending.pop() if pending else await receive()

        await self.app(scope, replay, send)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # a developer's proxy must not intercept


@pytest.fixture
def requests_log() -> list[Request]:
    return []


@pytest.fixture
def api_url(settings: Settings, requests_log: list[Request]) -> Iterator[str]:
    """The real API, with an empty knowledge base."""
    app = close_connections(create_app(settings))
    app.add_middleware(RecordRequests, log=requests_log)
    with serve_in_thread(app) as url:
        yield url


@pytest.fixture
def loaded_api_url(api_url: str) -> str:
    """The real API holding the sample corpus of data/docs."""
    files = [(path.name, path.read_bytes()) for path in sorted(SAMPLE_DOCS.iterdir())]
    with ApiClient(api_url) as client:
        results = client.upload(files).results
    assert {result.status for result in results} == {"added"}, results
    return api_url


@pytest.fixture
def closed_url() -> str:
    """A local port nothing listens on: the API is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def broken_app() -> FastAPI:
    """An API failing every request with a 500 in the API's error shape."""
    app = FastAPI()

    @app.api_route("/{path:path}", methods=["GET", "POST", "DELETE"])
    async def fail(path: str) -> JSONResponse:
        error = {"message": BROKEN, "type": "internal_error", "request_id": "req-42"}
        return JSONResponse({"error": error}, status_code=500)

    return close_connections(app)


@pytest.fixture
def broken_url() -> Iterator[str]:
    with serve_in_thread(broken_app()) as url:
        yield url


def app_test(monkeypatch: pytest.MonkeyPatch, api_url: str) -> AppTest:
    """The UI's entry script, configured as the `ui --api-url` command would (UI_API_URL)."""
    monkeypatch.setenv("UI_API_URL", api_url)
    get_settings.cache_clear()  # the settings are read once per process
    return AppTest.from_file(APP, default_timeout=30)
