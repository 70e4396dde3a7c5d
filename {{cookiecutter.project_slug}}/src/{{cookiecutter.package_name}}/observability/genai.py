"""Chat model calls as GenAI telemetry: one LangChain callback handler, set on the model.

For every call (answers and agent steps alike) it records the OpenTelemetry GenAI metrics
`gen_ai.client.operation.duration` and `gen_ai.client.token.usage` and, when tracing is
on, a `chat {model}` span with `gen_ai.*` attributes. Prompts and answers are not put on
spans: they are user and document text (see LOG_CONTENT).
"""

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGeneration, LLMResult

from {{ cookiecutter.package_name }}.observability.metrics import Metrics

if TYPE_CHECKING:
    from opentelemetry.trace import Span, Tracer


@dataclass
class _Call:
    started: float
    provider: str
    model: str
    span: "Span | None"


def operation_labels(operation: str, provider: str, model: str) -> dict[str, str]:
    return {
        "gen_ai_operation_name": operation,
        "gen_ai_provider_name": provider,
        "gen_ai_request_model": model,
    }


class GenAITelemetry(BaseCallbackHandler):
    """Duration, token usage and spans of chat model calls."""

    run_inline = True  # cheap and thread-safe: no need for LangChain's executor hop

    def __init__(self, metrics: Metrics, tracer: "Tracer | None" = None) -> None:
        self.metrics = metrics
        self.tracer = tracer
        self._calls: dict[UUID, _Call] = {}
        self._lock = threading.Lock()

    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[BaseMessage]],
        *,
        run_id: UUID,
        metadata: dict[str, Any] | None = None,
        **kwargs: object,
    ) -> None:
        # LangChain's own tracing metadata names the provider and model of every chat model.
        metadata = metadata or {}
        provider = str(metadata.get("ls_provider", "unknown"))
        model = str(metadata.get("ls_model_name", "unknown"))
        span = None
        if self.tracer is not None:
            from opentelemetry.trace import SpanKind

            span = self.tracer.start_span(f"chat {model}", kind=SpanKind.CLIENT)
            span.set_attributes(
                {
                    "gen_ai.operation.name": "chat",
                    "gen_ai.provider.name": provider,
                    "gen_ai.request.model": model,
                }
            )
            for key, attribute in (
                ("ls_temperature", "gen_ai.request.temperature"),
                ("ls_max_tokens", "gen_ai.request.max_tokens"),
            ):
                if isinstance(metadata.get(key), int | float):
                    span.set_attribute(attribute, metadata[key])
        with self._lock:
            self._calls[run_id] = _Call(time.perf_counter(), provider, model, span)

    def on_llm_end(self, response: LLMResult, *, run_id: UUID, **kwargs: object) -> None:
        call = self._pop(run_id)
        if call is None:
            return
        labels = operation_labels("chat", call.provider, call.model)
        elapsed = time.perf_counter() - call.started
        self.metrics.gen_ai_duration.labels(**labels, error_type="").observe(elapsed)
        usage, response_model = _usage_and_model(response)
        # Only counts the provider reported: the conventions say not to guess.
        for token_type, count in usage.items():
            histogram = self.metrics.gen_ai_tokens
            histogram.labels(**labels, gen_ai_token_type=token_type).observe(count)
        if call.span is not None:
            for token_type, count in usage.items():
                call.span.set_attribute(f"gen_ai.usage.{token_type}_tokens", count)
            if response_model:
                call.span.set_attribute("gen_ai.response.model", response_model)
            call.span.end()

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: object) -> None:
        call = self._pop(run_id)
        if call is None:
            return
        error_type = type(error).__qualname__
        labels = operation_labels("chat", call.provider, call.model)
        elapsed = time.perf_counter() - call.started
        self.metrics.gen_ai_duration.labels(**labels, error_type=error_type).observe(elapsed)
        if call.span is not None:
            from opentelemetry.trace import StatusCode

            call.span.set_attribute("error.type", error_type)
            call.span.set_status(StatusCode.ERROR, str(error))
            call.span.end()

    def _pop(self, run_id: UUID) -> _Call | None:
        with self._lock:
            return self._calls.pop(run_id, None)


def _usage_and_model(response: LLMResult) -> tuple[dict[str, int], str | None]:
    """Input/output token counts and the answering model, from the (streamed) result."""
    for generations in response.generations:
        for generation in generations:
            if isinstance(generation, ChatGeneration):
                message = generation.message
                usage = getattr(message, "usage_metadata", None) or {}
                counts = {
                    kind: int(usage[f"{kind}_tokens"])
                    for kind in ("input", "output")
                    if f"{kind}_tokens" in usage
                }
                metadata = message.response_metadata
                model = metadata.get("model_name") or metadata.get("model")
                return counts, str(model) if model else None
    return {}, None


def observe_chat_model(model: BaseChatModel | None, telemetry: GenAITelemetry) -> None:
    """Attach the handler to the model: it then sees every call, wherever it is made."""
    if model is None:
        return  # extractive answers call no model
    callbacks = model.callbacks
    if isinstance(callbacks, list):
        model.callbacks = [*callbacks, telemetry]
    elif callbacks is None:
        model.callbacks = [telemetry]
    else:
        callbacks.add_handler(telemetry, inherit=True)
