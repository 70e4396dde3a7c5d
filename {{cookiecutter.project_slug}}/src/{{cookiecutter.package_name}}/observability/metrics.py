"""Prometheus metrics: one `Metrics` object per app, on its own `CollectorRegistry`.

A registry per app (not prometheus-client's global one) lets tests, benchmarks and tools
build several apps in one process without "Duplicated timeseries" errors, and `/metrics`
shows exactly this app's series.

Names follow the OpenTelemetry semantic conventions as Prometheus exporters spell them
(dots → underscores, unit suffix): `http.server.request.duration` (s) becomes
`http_server_request_duration_seconds`, `gen_ai.client.token.usage` `gen_ai_client_token_usage`.
Labels are bounded: route templates, never raw paths; status classes, never raw codes.
"""

from prometheus_client import CollectorRegistry, Counter, Histogram

# OTel's recommended boundaries (http.server.request.duration, gen_ai.client.*): dashboards
# built for other instrumented services read these the same way.
HTTP_SECONDS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10)
GEN_AI_SECONDS = (
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
)  # fmt: skip
GEN_AI_TOKENS = (
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
)  # fmt: skip
RETRIEVAL_SECONDS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
SCORES = tuple(round(step / 10, 1) for step in range(1, 11))  # cosine similarity, 0.1 apart

GEN_AI_LABELS = ("gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model")


class Metrics:
    """Every metric family the app exposes at `/metrics`."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        http_labels = ("http_request_method", "http_route", "http_response_status_class")
        self.http_requests = Counter(
            "http_server_requests",
            "HTTP requests answered.",
            http_labels,
            registry=registry,
        )
        self.http_duration = Histogram(
            "http_server_request_duration_seconds",
            "Time to answer an HTTP request (a streamed one: until its last byte).",
            http_labels,
            buckets=HTTP_SECONDS,
            registry=registry,
        )
        self.gen_ai_duration = Histogram(
            "gen_ai_client_operation_duration_seconds",
            "GenAI operation duration (chat model calls, embeddings).",
            (*GEN_AI_LABELS, "error_type"),
            buckets=GEN_AI_SECONDS,
            registry=registry,
        )
        self.gen_ai_tokens = Histogram(
            "gen_ai_client_token_usage",
            "Tokens used per GenAI operation, as the provider reports them.",
            (*GEN_AI_LABELS, "gen_ai_token_type"),
            buckets=GEN_AI_TOKENS,
            registry=registry,
        )
        self.retrieval_duration = Histogram(
            "rag_retrieval_duration_seconds",
            "Hybrid search time (query embedding, dense and keyword search, fusion).",
            buckets=RETRIEVAL_SECONDS,
            registry=registry,
        )
        self.retrieval_top_score = Histogram(
            "rag_retrieval_top_score",
            "Cosine similarity of the best dense hit per search: low values mean the "
            "knowledge base has little on what users ask.",
            buckets=SCORES,
            registry=registry,
        )
        self.ingest_files = Counter(
            "rag_ingest_files",
            "Files ingested, by result (added, replaced, unchanged, failed).",
            ("status",),
            registry=registry,
        )
        self.ingest_chunks = Counter(
            "rag_ingest_chunks", "Chunks written by ingestion.", registry=registry
        )
        self.feedback = Counter(
            "feedback", "Feedback on answers, by rating.", ("rating",), registry=registry
        )
{%- if cookiecutter.include_agent == "yes" %}
        self.agent_tool_calls = Counter(
            "agent_tool_calls",
            "Agent tool calls, by tool and status (ok, error, timeout).",
            ("gen_ai_tool_name", "status"),
            registry=registry,
        )
{%- endif %}
