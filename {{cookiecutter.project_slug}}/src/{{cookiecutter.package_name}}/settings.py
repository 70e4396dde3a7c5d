"""All run-time configuration, read once from the environment and `.env`.

One `Settings` object; every module receives it (the API through `SettingsDep`),
none reads `os.environ` itself. Unsafe combinations for production are refused
here, at startup, with one clear message, rather than discovered under load.
"""
{% if cookiecutter.auth == "api_key" %}
import hashlib
{%- endif %}
import importlib.util
{%- if cookiecutter.auth == "api_key" %}
import re
{%- endif %}
from collections.abc import Collection
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Environment = Literal["development", "production"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]
LogFormat = Literal["auto", "json", "console"]
EmbeddingsProvider = Literal["hashing", "openai", "ollama"]
# Open sets: the names registered in rag/stores.py and llm.py (checked by the validators below).
VectorStoreName = str
LLMProvider = str

MIB = 1024 * 1024
{%- if cookiecutter.auth == "api_key" %}
# Tenant names end up in every store's filter and in the feedback table (64 characters).
TENANT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
# Keys the docs show as examples; production refuses them (everyone has read the docs).
EXAMPLE_API_KEYS = ("test-example-key", "changeme", "change-me", "secret")


def hash_api_key(key: str) -> str:
    """The SHA-256 of an API key, as settings store it.

    Keys are long random tokens (`keys new`), not passwords: a plain hash is enough to
    keep them out of settings files and logs; salts and slow hashes defend guessable secrets.
    """
    return hashlib.sha256(key.encode()).hexdigest()
{%- endif %}


class Settings(BaseSettings):
    """The settings of the app; each field is an environment variable."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Environment = "development"
    app_name: str = "{{ cookiecutter.project_name }}"
    data_dir: Path = Field(
        default=Path(".data"), description="Where everything the app stores locally lives."
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: LogLevel = "INFO"
    # Comma-separated in the environment: CORS_ORIGINS=https://a.example,https://b.example
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

{%- if cookiecutter.auth == "api_key" %}

    # --- Authentication: API keys, each mapped to the tenant it acts for --------------------
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="TENANT:SHA256HEX of each key, comma-separated (`keys new TENANT` prints "
        "one). Empty in development: the API is open, as one tenant. Refused in production.",
    )
{%- else %}

    # --- Authentication: none in this app (put it behind a gateway that authenticates) ------
    allow_unauthenticated: bool = Field(
        default=False,
        description="Production refuses to start without this: an explicit statement that "
        "something in front of the app authenticates its callers.",
    )
{%- endif %}

    # --- Limits (OWASP LLM10: unbounded consumption) ----------------------------------------
    max_request_bytes: int = Field(
        default=64 * MIB, ge=1, description="Largest request body, streamed or not (413)."
    )
    rate_limit: str = Field(
        default="120/minute",
        description="Requests per API key (per client address without keys), in the `limits` "
        "notation: '10/second', '1000/hour', '5/second;100/minute'. Empty: no limit.",
    )
    redis_url: str | None = Field(
        default=None,
        description="Unset: rate counters in memory, per process. Set: in Redis, shared by "
        "every replica.",
    )

    # --- Knowledge base: where vectors live -------------------------------------------------
    vector_store: VectorStoreName = "{{ cookiecutter.vector_store }}"
    collection_name: str = Field(default="documents", min_length=3, max_length=63)
    chroma_host: str | None = Field(default=None, description="Chroma server; unset: embedded.")
    chroma_port: int = 8000
    qdrant_url: str | None = Field(default=None, description="Qdrant server; unset: local mode.")
    qdrant_api_key: SecretStr | None = None
    database_url: str | None = Field(
        default=None,
        description="PostgreSQL URL: pgvector store and document registry. Unset: SQLite.",
    )

    # --- Knowledge base: how text becomes vectors -------------------------------------------
    embeddings_provider: EmbeddingsProvider = "hashing"
    embeddings_model: str | None = Field(default=None, description="Unset: provider default.")
    embeddings_dimension: int = Field(default=768, ge=64, le=8192, description="hashing only")
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = Field(
        default=None, description="Any OpenAI-compatible server, e.g. http://localhost:8001/v1."
    )
    ollama_base_url: str = "http://localhost:11434"
    embeddings_timeout_s: float = Field(default=60.0, gt=0, description="per request")
    embeddings_max_retries: int = Field(
        default=2, ge=0, le=10, description="of timeouts, connection errors, 429 and 5xx"
    )

    # --- Answers: which model writes them ---------------------------------------------------
    llm_provider: LLMProvider = Field(
        default="extractive",
        description="extractive: no model, answers are quoted sentences (offline default).",
    )
    llm_model: str | None = Field(default=None, description="Unset: provider default.")
    llm_temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    llm_max_tokens: int = Field(default=1024, ge=1, le=200_000)
    llm_timeout_s: float = Field(default=60.0, gt=0, description="per request; streams: per chunk")
    llm_max_retries: int = Field(
        default=2, ge=0, le=10, description="of timeouts, connection errors, 429 and 5xx"
    )
    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str | None = Field(default=None, description="Unset: api.anthropic.com.")
    answer_top_k: int = Field(default=5, ge=1, le=50, description="chunks given to the model")
    answer_min_similarity: float = Field(
        default=0.12,
        ge=0.0,
        le=1.0,
        description="Below this cosine similarity of the best chunk, the app says it does not "
        "know instead of guessing. Tune it per embeddings model (`make eval` shows the effect).",
    )

    # --- Ingestion and retrieval ------------------------------------------------------------
    chunk_size: int = Field(default=1000, ge=100, le=20_000, description="characters")
    chunk_overlap: int = Field(default=150, ge=0, le=5_000, description="characters")
    ingest_batch_size: int = Field(default=64, ge=1, le=4096)
    max_upload_bytes: int = Field(default=20 * MIB, ge=1)
    max_files_per_upload: int = Field(default=20, ge=1)
    default_top_k: int = Field(default=5, ge=1)
    max_top_k: int = Field(default=20, ge=1)
{%- if cookiecutter.include_agent == "yes" %}

    # --- Agent: tools it may use, and the limits that keep a run bounded --------------------
    agent_tools: Annotated[list[str], NoDecode] = Field(
        default=["search_documents", "list_documents", "calculator", "current_time"],
        description="The tools the agent may call (an allow-list; comma-separated in env).",
    )
    agent_max_steps: int = Field(
        default=6, ge=1, le=50, description="Model calls per run before it is ended (`limit`)."
    )
    agent_tool_timeout_s: float = Field(default=20.0, gt=0, le=600)
    agent_max_tool_output_chars: int = Field(
        default=8000, ge=200, le=200_000, description="Longer tool results are cut."
    )
{%- endif %}
{%- if cookiecutter.include_ui == "yes" %}

    # --- User interface (Streamlit) ---------------------------------------------------------
    ui_api_url: str = Field(
        default="http://127.0.0.1:8000", description="The API the UI talks to (editable in it)."
    )
    ui_api_key: SecretStr | None = Field(default=None, description="Sent as a bearer token.")
    ui_port: int = Field(default=8501, ge=1, le=65535)
{%- endif %}

    # --- Observability: logs, metrics, traces, drift ----------------------------------------
    log_format: LogFormat = Field(
        default="auto", description="auto: JSON lines in production, readable lines otherwise."
    )
    log_content: bool = Field(
        default=False,
        description="Also keep question text (query log). Off: no user or document text.",
    )
    otel_exporter_otlp_endpoint: str | None = Field(
        default=None,
        description="OTLP/HTTP collector, e.g. http://localhost:4318; set: tracing on "
        "(needs `uv sync --extra otel`).",
    )
    otel_service_name: str | None = Field(default=None, description="Unset: APP_NAME.")
    query_log: bool = Field(
        default=True, description="Record each search (score, embedding sketch) for `drift`."
    )
    drift_recent_days: float = Field(default=7.0, gt=0, description="The window checked.")
    drift_reference_days: float = Field(
        default=28.0, gt=0, description="The window before it, compared against."
    )
    drift_embedding_threshold: float = Field(
        default=0.1, gt=0, le=2, description="Centroid cosine distance flagged as a shift."
    )
    drift_score_ks_threshold: float = Field(
        default=0.2, gt=0, le=1, description="Top-score KS statistic flagged as a shift."
    )
    drift_min_queries: int = Field(default=30, ge=2, description="Per window, to compare.")

    # --- Evaluation gate (the `eval` command, `make eval`) --------------------------------
    # The sample corpus scores hit@5 1.0, MRR 0.98, nDCG@5 0.98, citations 1.0 offline;
    # the floors sit a little lower so one changed question does not fail the gate.
    eval_k: int = Field(
        default=5, ge=1, description="Hits per question scored by the `eval` command."
    )
    eval_min_hit_rate: float = Field(
        default=0.95,
        ge=0.0,
        le=1.0,
        description="Least share of questions whose document is in the top EVAL_K.",
    )
    eval_min_mrr: float = Field(
        default=0.9,
        ge=0.0,
        le=1.0,
        description="Least mean reciprocal rank of the golden document.",
    )
    eval_min_ndcg: float = Field(
        default=0.9, ge=0.0, le=1.0, description="Least mean nDCG@EVAL_K of the golden document."
    )
    eval_min_citation_accuracy: float = Field(
        default=0.95,
        ge=0.0,
        le=1.0,
        description="Least share of answers citing the golden document.",
    )

    @field_validator("cors_origins"{% if cookiecutter.auth == "api_key" %}, "api_keys"{% endif %}{% if cookiecutter.include_agent == "yes" %}, "agent_tools"{% endif %}, mode="before")
    @classmethod
    def _split_lists(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("vector_store")
    @classmethod
    def _check_vector_store(cls, value: str) -> str:
        return _registered("VECTOR_STORE", value, "rag.stores", "INDEXES")

    @field_validator("llm_provider")
    @classmethod
    def _check_llm_provider(cls, value: str) -> str:
        return _registered("LLM_PROVIDER", value, "llm", "PROVIDERS")

    @field_validator("rate_limit")
    @classmethod
    def _check_rate_limit(cls, value: str) -> str:
        from limits import parse_many  # the rate limiter's own parser: one notation

        if value.strip():
            try:
                parse_many(value)
            except ValueError:
                raise ValueError(
                    f"RATE_LIMIT={value!r} is not a rate such as '120/minute'"
                ) from None
        return value.strip()
{%- if cookiecutter.auth == "api_key" %}

    @field_validator("api_keys")
    @classmethod
    def _check_api_keys(cls, entries: list[str]) -> list[str]:
        for entry in entries:
            tenant, _, digest = entry.partition(":")
            if not TENANT_NAME.match(tenant) or not re.fullmatch(r"[0-9a-f]{64}", digest):
                raise ValueError(
                    "API_KEYS entries are TENANT:SHA256HEX (`keys new TENANT` prints one); "
                    f"got one starting {entry[:12]!r}"
                )
        digests = [entry.partition(":")[2] for entry in entries]
        if len(set(digests)) != len(digests):
            raise ValueError("API_KEYS lists the same key twice")
        return entries
{%- endif %}

    @model_validator(mode="after")
    def _check_consistency(self) -> Self:
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError("CHUNK_OVERLAP must be smaller than CHUNK_SIZE")
        if self.default_top_k > self.max_top_k:
            raise ValueError("DEFAULT_TOP_K must not exceed MAX_TOP_K")
        if self.eval_k > self.max_top_k:
            raise ValueError("EVAL_K must not exceed MAX_TOP_K")
        if self.max_request_bytes < self.max_upload_bytes:
            raise ValueError("MAX_REQUEST_BYTES must be at least MAX_UPLOAD_BYTES")
        return self

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Self:
        if self.environment != "production":
            return self
        if "*" in self.cors_origins:
            raise ValueError(
                "CORS_ORIGINS='*' is refused when ENVIRONMENT=production: list the allowed origins"
            )
{%- if cookiecutter.auth == "api_key" %}
        if not self.api_keys:
            raise ValueError(
                "ENVIRONMENT=production needs API_KEYS: without keys the API is open to anyone "
                "(`keys new TENANT` prints a key and its entry)"
            )
        examples = {hash_api_key(key) for key in EXAMPLE_API_KEYS}
        if any(entry.partition(":")[2] in examples for entry in self.api_keys):
            raise ValueError(
                "API_KEYS holds an example key from the docs, refused when "
                "ENVIRONMENT=production: create real ones with `keys new TENANT`"
            )
{%- else %}
        if not self.allow_unauthenticated:
            raise ValueError(
                "ENVIRONMENT=production with no authentication is refused: this app was "
                "generated without API keys; set ALLOW_UNAUTHENTICATED=true only if a gateway "
                "in front of it authenticates every caller"
            )
{%- endif %}
        return self

    @property
    def is_production(self) -> bool:
        return self.environment == "production"
{%- if cookiecutter.auth == "api_key" %}

    @property
    def api_key_entries(self) -> list[tuple[str, str]]:
        """(tenant, key hash) pairs from API_KEYS."""
        return [(tenant, digest) for tenant, _, digest in (e.partition(":") for e in self.api_keys)]
{%- endif %}

    @property
    def sqlalchemy_url(self) -> str:
        """The registry database: DATABASE_URL (Postgres) or SQLite under DATA_DIR."""
        if self.database_url:
            # One driver for every Postgres URL form users paste: psycopg 3.
            for prefix in ("postgres://", "postgresql://"):
                if self.database_url.startswith(prefix):
                    return "postgresql+psycopg://" + self.database_url.removeprefix(prefix)
            return self.database_url
        return f"sqlite:///{self.data_dir / 'registry.db'}"


def _registered(variable: str, name: str, module: str, registry_name: str) -> str:
    """`name` when the registry in `module` has it. Imported on use: the registries' modules
    import this one. The UI's image installs settings without the API's dependencies (no
    LangChain): there the registries cannot load, and nothing in that process builds a store
    or a model, so the name is left to the API to check."""
    if importlib.util.find_spec("langchain_core") is None:
        return name
    registry: Collection[str] = getattr(
        importlib.import_module(f"{__package__}.{module}"), registry_name
    )
    if name not in registry:
        raise ValueError(f"{variable}={name!r} is not one of: {', '.join(registry)}")
    return name


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (cached: the environment is read once)."""
    return Settings()
