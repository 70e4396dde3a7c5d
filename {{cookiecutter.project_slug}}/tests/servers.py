"""Run an ASGI app on a real local port for the duration of a test (in a thread)."""

import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI, Request, Response

CallNext = Callable[[Request], Awaitable[Response]]


def close_connections(app: FastAPI) -> FastAPI:
    """Ask clients to close each connection: clients that tests never close would otherwise
    keep sockets alive past the test (ResourceWarning, an error under filterwarnings)."""

    @app.middleware("http")
    async def _close(request: Request, call_next: CallNext) -> Response:
        response = await call_next(request)
        response.headers["connection"] = "close"
        return response

    return app


@contextmanager
def serve_in_thread(app: FastAPI) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 (a free port); yields its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", ws="none", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
