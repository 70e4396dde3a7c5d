"""A local stand-in for the OpenAI, Anthropic and Ollama chat APIs, for the real clients.

It answers like a well-behaved RAG model: the first sentence of source 1 of the prompt,
cited as [1], streamed word by word, with token usage. Tests point the provider's base URL
at it, so the real client code path runs without a network or a key.
"""

import asyncio
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import StreamingResponse

from tests.servers import close_connections

_FIRST_SOURCE = re.compile(r'<source id="1"[^>]*>\s*(.+?)(?:\n\n|</source>)', re.DOTALL)
PROMPT_TOKENS = 42
MID_STREAM_ERROR = {"error": {"type": "overloaded_error", "message": "stub: overloaded mid-stream"}}


@dataclass
class StubLLM:
    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    fail_status: int | None = None  # answer requests with this HTTP error...
    fail_times: int | None = None  # ...the first N (None: every one), then answer again
    delay_s: float = 0.0  # wait this long before answering (client timeouts)
    error_after_words: int | None = None  # streams: report an error after N words

    def reset(self) -> None:
        self.requests.clear()
        self.fail_status = None
        self.fail_times = None
        self.delay_s = 0.0
        self.error_after_words = None


def reply_to(prompt: str) -> str:
    """The stub's answer: what the first fenced source says, cited."""
    match = _FIRST_SOURCE.search(prompt)
    if match is None:
        return "I do not know."
    sentence = re.split(r"(?<=[.!?])\s", " ".join(match.group(1).split()))[0]
    return f"According to the documents, {sentence} [1]"


def _words(text: str) -> list[str]:
    return [word if i == 0 else f" {word}" for i, word in enumerate(text.split(" "))]


def _text_of(content: Any) -> str:
    if isinstance(content, list):  # content parts
        return "\n".join(part.get("text", "") for part in content)
    return str(content or "")


def stub_app(stub: StubLLM) -> FastAPI:
    app = close_connections(FastAPI())

    def words(prompt: str) -> Iterator[str | None]:
        """The reply's words; None where the provider fails mid-stream (the caller then
        sends the error in its API's format and stops)."""
        for count, word in enumerate(_words(reply_to(prompt))):
            if stub.error_after_words is not None and count >= stub.error_after_words:
                yield None
                return
            yield word

    def sse(events: Iterator[str]) -> StreamingResponse:
        return StreamingResponse(events, media_type="text/event-stream")

    async def record(request: Request) -> tuple[dict[str, Any], str]:
        body: dict[str, Any] = await request.json()
        stub.requests.append({**body, "headers": dict(request.headers), "path": request.url.path})
        await asyncio.sleep(stub.delay_s)
        messages = body.get("messages", [])
        system = body.get("system")
        prompt = "\n".join([_text_of(system), *(_text_of(m.get("content")) for m in messages)])
        return body, prompt

    def failure() -> Response | None:
        fail_times = len(stub.requests) if stub.fail_times is None else stub.fail_times
        if stub.fail_status is None or len(stub.requests) > fail_times:
            return None
        error = {"error": {"message": "stub failure", "type": "server_error"}}
        # Providers say when to retry; the OpenAI and Anthropic clients obey (tests stay fast).
        headers = {"retry-after-ms": "10"}
        return Response(json.dumps(error), stub.fail_status, headers, "application/json")

    @app.post("/v1/chat/completions")
    async def openai_chat(request: Request) -> Response:
        body, prompt = await record(request)
        if (failed := failure()) is not None:
            return failed
        base = {"id": "chatcmpl-stub", "created": int(time.time()), "model": body["model"]}
        answer = reply_to(prompt)
        usage = {
            "prompt_tokens": PROMPT_TOKENS,
            "completion_tokens": len(answer.split()),
            "total_tokens": PROMPT_TOKENS + len(answer.split()),
        }
        if not body.get("stream"):
            choice = {
                "index": 0,
                "message": {"role": "assistant", "content": answer},
                "finish_reason": "stop",
            }
            return Response(
                json.dumps(
                    {**base, "object": "chat.completion", "choices": [choice], "usage": usage}
                ),
                media_type="application/json",
            )

        def events() -> Iterator[str]:
            chunk = {**base, "object": "chat.completion.chunk"}
            for word in words(prompt):
                if word is None:
                    yield f"data: {json.dumps(MID_STREAM_ERROR)}\n\n"
                    return
                choice = {"index": 0, "delta": {"content": word}, "finish_reason": None}
                yield f"data: {json.dumps({**chunk, 'choices': [choice]})}\n\n"
            last = {"index": 0, "delta": {}, "finish_reason": "stop"}
            yield f"data: {json.dumps({**chunk, 'choices': [last]})}\n\n"
            if (body.get("stream_options") or {}).get("include_usage"):
                yield f"data: {json.dumps({**chunk, 'choices': [], 'usage': usage})}\n\n"
            yield "data: [DONE]\n\n"

        return sse(events())

    @app.post("/v1/messages")
    async def anthropic_messages(request: Request) -> Response:
        body, prompt = await record(request)
        if (failed := failure()) is not None:
            return failed
        answer = reply_to(prompt)
        usage = {"input_tokens": PROMPT_TOKENS, "output_tokens": len(answer.split())}
        message = {
            "id": "msg_stub",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "stop_reason": None,
            "stop_sequence": None,
        }
        if not body.get("stream"):
            content = [{"type": "text", "text": answer}]
            done = {**message, "content": content, "stop_reason": "end_turn", "usage": usage}
            return Response(json.dumps(done), media_type="application/json")

        def event(name: str, data: dict[str, Any]) -> str:
            return f"event: {name}\ndata: {json.dumps({'type': name, **data})}\n\n"

        def events() -> Iterator[str]:
            start = {**message, "content": [], "usage": {**usage, "output_tokens": 1}}
            yield event("message_start", {"message": start})
            block = {"type": "text", "text": ""}
            yield event("content_block_start", {"index": 0, "content_block": block})
            for word in words(prompt):
                if word is None:
                    yield event("error", MID_STREAM_ERROR)
                    return
                delta = {"type": "text_delta", "text": word}
                yield event("content_block_delta", {"index": 0, "delta": delta})
            yield event("content_block_stop", {"index": 0})
            stop = {"stop_reason": "end_turn", "stop_sequence": None}
            yield event("message_delta", {"delta": stop, "usage": usage})
            yield event("message_stop", {})

        return sse(events())

    @app.post("/api/chat")
    async def ollama_chat(request: Request) -> Response:
        body, prompt = await record(request)
        if (failed := failure()) is not None:
            return failed
        base = {"model": body["model"], "created_at": "2026-01-01T00:00:00Z"}
        answer = reply_to(prompt)
        counts = {"prompt_eval_count": PROMPT_TOKENS, "eval_count": len(answer.split())}
        finished = {"done": True, "done_reason": "stop", **counts}
        if body.get("stream") is False:
            message = {"role": "assistant", "content": answer}
            return Response(json.dumps({**base, "message": message, **finished}))

        def lines() -> Iterator[str]:
            for word in words(prompt):
                if word is None:
                    yield json.dumps({"error": MID_STREAM_ERROR["error"]["message"]}) + "\n"
                    return
                message = {"role": "assistant", "content": word}
                yield json.dumps({**base, "message": message, "done": False}) + "\n"
            empty = {"role": "assistant", "content": ""}
            yield json.dumps({**base, "message": empty, **finished}) + "\n"

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    return app
