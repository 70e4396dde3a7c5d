"""A typed client of the HTTP API: the UI reaches the knowledge base only through it.

Every failure raises `ApiError` (see `errors.py`), so the pages can show
`st.error(str(error))` and never a traceback.
"""

from collections.abc import Iterator, Mapping
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote

import httpx2
from pydantic import ValidationError

{% if cookiecutter.include_agent == "yes" -%}
from {{ cookiecutter.package_name }}.agent.schemas import (
    AgentDoneEvent,
    AgentRunResponse,
    AgentStep,
    StepStarted,
    ThreadDeleted,
    ThreadEvent,
    ThreadResponse,
)
{% endif -%}
from {{ cookiecutter.package_name }}.schemas import (
    CitationsEvent,
    DeleteResponse,
    DocumentList,
    DoneEvent,
    ErrorDetail,
    FeedbackRequest,
    FeedbackResponse,
    IngestFileResult,
    IngestResponse,
    QueryResponse,
    ReadinessResponse,
    TokenEvent,
)
from {{ cookiecutter.package_name }}.ui.errors import ApiError, ModelT, error_detail, error_of, parse, transport_errors

StreamEvent = TokenEvent | CitationsEvent | DoneEvent
{% if cookiecutter.include_agent == "yes" -%}
AgentEvent = (
    ThreadEvent | StepStarted | AgentStep | TokenEvent | AgentRunResponse | AgentDoneEvent
)
{% endif -%}
# A chat model may think a while before its first token; connecting should be quick.
DEFAULT_TIMEOUT = httpx2.Timeout(120.0, connect=5.0)
PROBE_TIMEOUT = httpx2.Timeout(5.0)  # the sidebar's health probe runs on every rerun
_EVENTS: dict[str, type[StreamEvent]] = {
    "token": TokenEvent,
    "citations": CitationsEvent,
    "done": DoneEvent,
}
{%- if cookiecutter.include_agent == "yes" %}
_AGENT_EVENTS: dict[str, type[AgentEvent]] = {
    "thread": ThreadEvent,
    "step_start": StepStarted,
    "step_end": AgentStep,
    "token": TokenEvent,
    "answer": AgentRunResponse,
    "done": AgentDoneEvent,
}
{%- endif %}

__all__ = [{% if cookiecutter.include_agent == "yes" %}"AgentEvent", {% endif %}"ApiClient", "ApiError", "StreamEvent"]


class ApiClient:
    """The API's endpoints as methods returning the shared models of `schemas.py`."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        *,
        timeout: httpx2.Timeout = DEFAULT_TIMEOUT,
        transport: httpx2.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.strip().rstrip("/")
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._timeout = timeout
        with transport_errors(self.base_url):  # a URL typed into the sidebar may be garbage
            self._http = httpx2.Client(
                base_url=self.base_url, headers=headers, timeout=timeout, transport=transport
            )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def readiness(self) -> ReadinessResponse:
        # 503 is an answer too: its body names the checks that failed.
        response = self._send("GET", "/readyz", accept=(200, 503), timeout=PROBE_TIMEOUT)
        return self._parse(response, ReadinessResponse)

    def query(self, question: str, top_k: int | None = None) -> QueryResponse:
        response = self._send("POST", "/v1/query", json=_question(question, top_k))
        return self._parse(response, QueryResponse)

    def stream_answer(self, question: str, top_k: int | None = None) -> Iterator[StreamEvent]:
        """The answer as it is written: `token` events, then `citations`, then `done`."""
        return self._events("/v1/query/stream", _question(question, top_k), _EVENTS)
{%- if cookiecutter.include_agent == "yes" %}

    def run_agent(self, message: str, thread_id: str | None = None) -> AgentRunResponse:
        response = self._send("POST", "/v1/agent/runs", json=_message(message, thread_id))
        return self._parse(response, AgentRunResponse)

    def stream_agent(self, message: str, thread_id: str | None = None) -> Iterator[AgentEvent]:
        """A run as it happens: its `thread`, `step_start`/`step_end` per tool call, `token`s,
        the whole result (`answer`), then `done`."""
        return self._events("/v1/agent/runs/stream", _message(message, thread_id), _AGENT_EVENTS)

    def thread(self, thread_id: str) -> ThreadResponse:
        response = self._send("GET", f"/v1/threads/{quote(thread_id, safe='')}")
        return self._parse(response, ThreadResponse)

    def delete_thread(self, thread_id: str) -> ThreadDeleted:
        response = self._send("DELETE", f"/v1/threads/{quote(thread_id, safe='')}")
        return self._parse(response, ThreadDeleted)
{%- endif %}

    def documents(self) -> DocumentList:
        return self._parse(self._send("GET", "/v1/documents"), DocumentList)

    def upload(self, files: list[tuple[str, bytes]]) -> IngestResponse:
        """Ingest files (name, content); each gets a result, `failed` ones with the reason."""
        parts = [("files", (name, content)) for name, content in files]
        response = self._send("POST", "/v1/documents", files=parts, accept=range(200, 600))
        if response.is_success:
            return self._parse(response, IngestResponse)
        # When every file failed, the API still reports each one, in the error's details.
        error = error_of(response, self.base_url)
        detail = error_detail(response)
        if detail is None or detail.type != "ingest_failed" or not detail.details:
            raise error
        try:
            results = [IngestFileResult.model_validate(result) for result in detail.details]
        except ValidationError:
            raise error from None
        return IngestResponse(results=results)

    def delete(self, document_id: str) -> DeleteResponse:
        response = self._send("DELETE", f"/v1/documents/{quote(document_id, safe='')}")
        return self._parse(response, DeleteResponse)

    def feedback(self, request: FeedbackRequest) -> FeedbackResponse:
        body = request.model_dump(mode="json")
        response = self._send("POST", "/v1/feedback", json=body, accept=(200, 201))
        return self._parse(response, FeedbackResponse)

    def _events(
        self, path: str, body: dict[str, Any], models: Mapping[str, type[ModelT]]
    ) -> Iterator[ModelT]:
        """The events of an SSE endpoint, parsed as `models` says, up to `done`."""
        with (
            transport_errors(self.base_url),
            self._http.sse(path, method="POST", json=body) as source,
        ):
            if source.response.status_code != httpx2.codes.OK:
                source.response.read()
                raise error_of(source.response, self.base_url)
            for sse in source:
                if sse.event == "error":  # the run failed after the 200 was sent
                    detail = parse(sse.data, ErrorDetail, self.base_url, None)
                    raise ApiError(detail.message, request_id=detail.request_id)
                if model := models.get(sse.event):  # other events (pings) are not for us
                    yield parse(sse.data, model, self.base_url, None)
                    if sse.event == "done":
                        return
        raise ApiError(f"The API at {self.base_url} ended the answer before it was complete.")

    def _send(
        self,
        method: str,
        path: str,
        *,
        accept: range | tuple[int, ...] = (200,),
        json: dict[str, Any] | None = None,
        files: list[tuple[str, tuple[str, bytes]]] | None = None,
        timeout: httpx2.Timeout | None = None,
    ) -> httpx2.Response:
        with transport_errors(self.base_url):
            response = self._http.request(
                method, path, json=json, files=files, timeout=timeout or self._timeout
            )
        if response.status_code not in accept:
            raise error_of(response, self.base_url)
        return response

    def _parse(self, response: httpx2.Response, model: type[ModelT]) -> ModelT:
        return parse(response.content, model, self.base_url, response.status_code)


{% if cookiecutter.include_agent == "yes" -%}
def _message(message: str, thread_id: str | None) -> dict[str, Any]:
    return {"message": message} | ({"thread_id": thread_id} if thread_id is not None else {})


{% endif -%}
def _question(question: str, top_k: int | None) -> dict[str, Any]:
    return {"question": question} | ({"top_k": top_k} if top_k is not None else {})
