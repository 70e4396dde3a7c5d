"""Text → vectors: an offline hashing embedder, and the remote providers' clients.

`hashing` needs no model, key or network, so a fresh checkout ingests and answers out of the
box and tests stay offline. `openai` and `ollama` are imported only when chosen: their
packages are optional extras.
"""

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from langchain_core.embeddings import Embeddings
from numpy.typing import NDArray
from pydantic import SecretStr

from {{ cookiecutter.package_name }}.rag.errors import ConfigurationError
from {{ cookiecutter.package_name }}.rag.outages import (
    HealthRecord,
    dependency_error,
    retrying_http_options,
)
from {{ cookiecutter.package_name }}.settings import Settings

HASHING_MODEL = "hashing-v1"  # bump when the features change: existing indexes then mismatch
DEFAULT_OPENAI_MODEL = "text-embedding-3-small"
DEFAULT_OLLAMA_MODEL = "nomic-embed-text"

_WORD = re.compile(r"[^\W_]+")
# Only words so frequent that they would match every text; "not", "no" carry meaning: kept.
_STOP_WORDS = frozenset(
    """
    a an and are as at be been by can do does for from had has have how i if in is it its me my
    of on or our so that the their them then there these they this to was we were what when where
    which who will with you your
    """.split()  # noqa: SIM905 - a word list reads better as text than one per line
)
_NGRAM_SIZES = (3, 4, 5)
_WORD_WEIGHT = 3.0  # an exact word match counts more than the n-grams it shares with variants


@dataclass(frozen=True)
class EmbeddingsSignature:
    """What an index was built with; vectors of different signatures cannot be compared."""

    provider: str
    model: str
    dimension: int | None  # known up front for hashing; None for remote providers until first use


class HashingEmbeddings(Embeddings):
    """Lexical embeddings: words and their character n-grams, signed-hashed into buckets.

    Deterministic across processes and machines (blake2b, never the salted built-in `hash`).
    N-grams make variants of a word ("refund", "refunds", "refunded") land close together.
    """

    def __init__(self, dimension: int = 768) -> None:
        if dimension < 1:
            raise ValueError("dimension must be positive")
        self.dimension = dimension

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = [self._vector(text).tolist() for text in texts]
        return vectors

    def embed_query(self, text: str) -> list[float]:
        vector: list[float] = self._vector(text).tolist()
        return vector

    def _vector(self, text: str) -> NDArray[np.float64]:
        words = Counter(content_words(text))
        if not words:
            return np.zeros(self.dimension)  # a zero vector, not NaN, for a blank text
        packed = [_word_features(word) for word in words]
        hashes = np.frombuffer(b"".join(packed), dtype="<u8")
        sizes = np.fromiter((len(p) // 8 for p in packed), dtype=np.intp, count=len(packed))
        occurrences = np.repeat(np.fromiter(words.values(), np.float64, len(words)), sizes)
        weights = np.ones(len(hashes))
        weights[np.cumsum(sizes) - sizes] = _WORD_WEIGHT  # each word's first feature: itself
        # Term frequency per distinct feature: an n-gram can come from several words.
        unique, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
        tf = np.bincount(inverse, weights=occurrences)
        values = weights[first] * (1.0 + np.log(tf))  # sublinear: repetition is not relevance
        # Signed hashing: collisions cancel out on average instead of piling up.
        signs = np.where(unique >> np.uint64(63), -1.0, 1.0)
        buckets = (unique % np.uint64(self.dimension)).astype(np.intp)
        vector = np.bincount(buckets, weights=values * signs, minlength=self.dimension)
        vector64 = vector.astype(np.float64, copy=False)  # it is; some numpy stubs say int
        norm = float(np.linalg.norm(vector64))
        return vector64 / norm if norm > 0 else vector64


def content_words(text: str) -> list[str]:
    """The words that carry meaning: normalised, stop words dropped."""
    return [word for word in _WORD.findall(_normalise(text)) if word not in _STOP_WORDS]


def _normalise(text: str) -> str:
    """Casefolded, accents stripped: "Résumé" and "resume" are the same word."""
    text = text.casefold()
    if text.isascii():  # the common case skips the per-character work
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=65_536)  # vocabularies are small; ~200 bytes an entry
def _word_features(word: str) -> bytes:
    """Packed 64-bit hashes of the word itself, then of its character n-grams."""
    padded = f"<{word}>"  # boundary markers: prefixes and suffixes get their own n-grams
    features = [f"w:{word}"] + [
        f"g:{padded[start : start + size]}"
        for size in _NGRAM_SIZES
        for start in range(len(padded) - size + 1)
    ]
    return b"".join(hashlib.blake2b(f.encode(), digest_size=8).digest() for f in features)


def embeddings_signature(settings: Settings) -> EmbeddingsSignature:
    if settings.embeddings_provider == "hashing":
        return EmbeddingsSignature("hashing", HASHING_MODEL, settings.embeddings_dimension)
    default = (
        DEFAULT_OPENAI_MODEL if settings.embeddings_provider == "openai" else DEFAULT_OLLAMA_MODEL
    )
    return EmbeddingsSignature(
        settings.embeddings_provider, settings.embeddings_model or default, None
    )


def build_embeddings(settings: Settings) -> Embeddings:
    """The configured provider's client; raises ConfigurationError when it cannot work.

    Remote clients time out after EMBEDDINGS_TIMEOUT_S and retry transient errors up to
    EMBEDDINGS_MAX_RETRIES times, with exponential backoff and jitter.
    """
    model = embeddings_signature(settings).model
    if settings.embeddings_provider == "hashing":
        return HashingEmbeddings(settings.embeddings_dimension)
    if settings.embeddings_provider == "openai":
        return _openai(settings, model)
    return _ollama(settings, model)


def embeddings_service(settings: Settings) -> str:
    """The embeddings service, as error messages name it."""
    if settings.embeddings_provider == "openai":
        return f"The OpenAI embeddings service at {settings.openai_base_url or 'api.openai.com'}"
    if settings.embeddings_provider == "ollama":
        return f"The Ollama server at {settings.ollama_base_url}"
    return "The hashing embeddings"


def _openai(settings: Settings, model: str) -> Embeddings:
    try:
        from langchain_openai import OpenAIEmbeddings
    except ImportError:
        raise ConfigurationError(
            "EMBEDDINGS_PROVIDER=openai needs its package: run `uv sync --extra openai`."
        ) from None
    if settings.openai_api_key is None and settings.openai_base_url is None:
        raise ConfigurationError(
            "EMBEDDINGS_PROVIDER=openai needs OPENAI_API_KEY "
            "(or OPENAI_BASE_URL, for a local OpenAI-compatible server)."
        )
    return OpenAIEmbeddings(
        model=model,
        # A local OpenAI-compatible server may need no key, but the client insists on one.
        openai_api_key=settings.openai_api_key or SecretStr("not-needed"),
        openai_api_base=settings.openai_base_url,
        # Otherwise the client tokenises with tiktoken, which downloads encodings at run time.
        check_embedding_ctx_length=False,
        request_timeout=settings.embeddings_timeout_s,
        max_retries=settings.embeddings_max_retries,  # the openai client's backoff, with jitter
    )


def _ollama(settings: Settings, model: str) -> Embeddings:
    try:
        from langchain_ollama import OllamaEmbeddings
    except ImportError:
        raise ConfigurationError(
            "EMBEDDINGS_PROVIDER=ollama needs its package: run `uv sync --extra ollama`."
        ) from None
    return OllamaEmbeddings(
        model=model,
        base_url=settings.ollama_base_url,
        client_kwargs=retrying_http_options(
            settings.embeddings_timeout_s, settings.embeddings_max_retries
        ),
    )


class GuardedEmbeddings(Embeddings):
    """Any embeddings client, its failures reported as DependencyError("embeddings") and
    its outages (and recoveries) kept in `health`, for /readyz."""

    def __init__(self, client: Embeddings, service: str) -> None:
        self.client = client
        self.service = service
        self.health = HealthRecord()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        with self._reporting():
            return self.client.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        with self._reporting():
            return self.client.embed_query(text)

    async def aembed_documents(self, texts: list[str]) -> list[list[float]]:
        with self._reporting():
            return await self.client.aembed_documents(texts)

    async def aembed_query(self, text: str) -> list[float]:
        with self._reporting():
            return await self.client.aembed_query(text)

    @contextmanager
    def _reporting(self) -> Iterator[None]:
        try:
            yield
        except Exception as exc:
            error = dependency_error(exc, "embeddings", self.service)
            self.health.failed(error)
            if error is exc:
                raise
            raise error from exc
        self.health.succeeded()
