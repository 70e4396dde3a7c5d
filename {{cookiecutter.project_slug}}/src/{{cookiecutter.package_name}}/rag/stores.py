"""Vector stores behind one small interface, chosen at run time by VECTOR_STORE.

Each store is a LangChain `VectorStore`; `VectorIndex` adds the three things the
LangChain interface leaves store-specific: metadata filters, a score on one scale
(cosine similarity, higher is better), and a health check. Integrations are imported
lazily, so a project only needs the store it uses installed.

Each store is one class registered with `@store(name)`; VECTOR_STORE accepts exactly the
registered names (docs/adding-a-vector-store.md).
"""

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.vectorstores import VectorStore

from {{ cookiecutter.package_name }}.rag.chunking import Chunk
from {{ cookiecutter.package_name }}.rag.errors import (
    ConfigurationError,
    DependencyUnavailableError,
    KnowledgeBaseError,
)
from {{ cookiecutter.package_name }}.rag.locks import schema_lock
from {{ cookiecutter.package_name }}.rag.outages import dependency_error
from {{ cookiecutter.package_name }}.settings import Settings


class VectorIndex(ABC):
    """A LangChain vector store plus what this app needs on top of it."""

    name: str
    store: VectorStore

    @abstractmethod
    def __init__(self, settings: Settings, embeddings: Embeddings) -> None:
        """Connect (or open the embedded store) and make sure the collection exists."""

    def add(self, chunks: Sequence[Chunk]) -> None:
        """Upsert chunks under their stable ids (adding the same chunk twice is a no-op)."""
        documents = [Document(page_content=c.text, metadata=c.metadata()) for c in chunks]
        self.store.add_documents(documents, ids=[c.id for c in chunks])

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self.store.delete(ids=list(ids))

    def search(
        self, query: str, k: int, document_ids: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest chunks, optionally within documents."""
        filter_ = self.filter_for(document_ids) if document_ids else None
        try:
            found = self.store.similarity_search_with_score(query, k=k, filter=filter_)
        except KnowledgeBaseError:  # the embeddings': already named
            raise
        except Exception as exc:
            service = f"The {self.name} vector store"
            raise dependency_error(exc, "vector_store", service, refused_is_outage=True) from exc
        return [(str(doc.metadata["chunk_id"]), self.similarity(score)) for doc, score in found]

    @abstractmethod
    def filter_for(self, document_ids: Sequence[str]) -> Any:  # noqa: ANN401 - store-specific
        """The store's own filter expression for 'chunk belongs to one of these documents'."""

    @abstractmethod
    def similarity(self, raw_score: float) -> float:
        """Convert the store's raw score to cosine similarity."""

    @abstractmethod
    def count(self) -> int:
        """Number of vectors stored (all of them, committed or not)."""

    @abstractmethod
    def ping(self) -> None:
        """Raise if the store cannot be reached."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections and file locks."""


INDEXES: dict[str, type[VectorIndex]] = {}
Index = TypeVar("Index", bound=type[VectorIndex])


def store(name: str) -> Callable[[Index], Index]:
    """Register a `VectorIndex` subclass under a VECTOR_STORE name."""

    def register(index_class: Index) -> Index:
        index_class.name = name
        INDEXES[name] = index_class
        return index_class

    return register


@store("chroma")
class ChromaIndex(VectorIndex):
    def __init__(self, settings: Settings, embeddings: Embeddings) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma

        # No telemetry; and never let Chroma pick its default embedder (it downloads a model).
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if settings.chroma_host:
            client: Any = chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        else:
            path = settings.data_dir / "chroma"
            path.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        self.client = client
        self.collection = settings.collection_name
        self.store = Chroma(
            client=client,
            collection_name=settings.collection_name,
            embedding_function=embeddings,
            collection_configuration={"hnsw": {"space": "cosine"}},
        )

    def filter_for(self, document_ids: Sequence[str]) -> Any:  # noqa: ANN401
        return {"document_id": {"$in": list(document_ids)}}

    def similarity(self, raw_score: float) -> float:
        return 1.0 - raw_score  # cosine distance

    def count(self) -> int:
        return int(self.client.get_collection(self.collection).count())

    def ping(self) -> None:
        self.client.heartbeat()

    def close(self) -> None:
        # Chroma caches one client per path for the process; drop it so a later open
        # reads what other processes wrote meanwhile.
        self.client.clear_system_cache()


@store("qdrant")
class QdrantIndex(VectorIndex):
    def __init__(self, settings: Settings, embeddings: Embeddings) -> None:
        from langchain_qdrant import QdrantVectorStore
        from qdrant_client import QdrantClient, models

        self.models = models
        if settings.qdrant_url:
            api_key = (
                settings.qdrant_api_key.get_secret_value() if settings.qdrant_api_key else None
            )
            client = QdrantClient(url=settings.qdrant_url, api_key=api_key)
        else:
            path = settings.data_dir / "qdrant"
            path.mkdir(parents=True, exist_ok=True)
            try:
                client = QdrantClient(path=str(path))
            except RuntimeError as exc:  # local mode allows one process per directory
                raise DependencyUnavailableError(
                    f"the Qdrant data in {path} is in use by another process (is the API "
                    "running?); stop it, or run a Qdrant server and set QDRANT_URL",
                    "vector_store",
                ) from exc
        self.client = client
        self.collection = settings.collection_name
        if not client.collection_exists(self.collection):
            size = len(embeddings.embed_query("dimension probe"))
            client.create_collection(
                self.collection,
                vectors_config=models.VectorParams(size=size, distance=models.Distance.COSINE),
            )
        self.store = QdrantVectorStore(
            client=client, collection_name=self.collection, embedding=embeddings
        )

    def filter_for(self, document_ids: Sequence[str]) -> Any:  # noqa: ANN401
        models = self.models
        condition = models.FieldCondition(
            key="metadata.document_id", match=models.MatchAny(any=list(document_ids))
        )
        return models.Filter(must=[condition])

    def similarity(self, raw_score: float) -> float:
        return raw_score  # Qdrant reports cosine similarity itself

    def count(self) -> int:
        return int(self.client.count(self.collection, exact=True).count)

    def ping(self) -> None:
        self.client.get_collection(self.collection)

    def close(self) -> None:
        self.client.close()


@store("pgvector")
class PgvectorIndex(VectorIndex):
    def __init__(self, settings: Settings, embeddings: Embeddings) -> None:
        from langchain_postgres import PGVector
        from sqlalchemy import create_engine

        if not settings.database_url:
            raise ConfigurationError("VECTOR_STORE=pgvector needs DATABASE_URL (a PostgreSQL URL)")
        self.engine = create_engine(settings.sqlalchemy_url, pool_pre_ping=True)
        self.collection = settings.collection_name
        # It creates its tables and collection if missing: replicas must not race at it.
        with schema_lock(self.engine):
            self.store = PGVector(
                embeddings=embeddings,
                connection=self.engine,
                collection_name=self.collection,
                use_jsonb=True,
            )

    def filter_for(self, document_ids: Sequence[str]) -> Any:  # noqa: ANN401
        return {"document_id": {"$in": list(document_ids)}}

    def similarity(self, raw_score: float) -> float:
        return 1.0 - raw_score  # cosine distance

    def count(self) -> int:
        from sqlalchemy import text

        # The tables langchain-postgres creates: one row per vector, one per collection.
        query = text(
            "SELECT count(*) FROM langchain_pg_embedding e JOIN langchain_pg_collection c "
            "ON e.collection_id = c.uuid WHERE c.name = :name"
        )
        with self.engine.connect() as connection:
            return int(connection.execute(query, {"name": self.collection}).scalar_one())

    def ping(self) -> None:
        from sqlalchemy import text

        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def close(self) -> None:
        self.engine.dispose()


def open_index(settings: Settings, embeddings: Embeddings) -> VectorIndex:
    """The configured store, or one clear error saying what to install or set."""
    index_class = INDEXES[settings.vector_store]
    try:
        return index_class(settings, embeddings)
    except ImportError as exc:
        raise ConfigurationError(
            f"VECTOR_STORE={settings.vector_store} but its integration is not installed: "
            f"run `uv sync --extra {settings.vector_store}`"
        ) from exc
    except KnowledgeBaseError:  # already says what to do (or that the embeddings failed)
        raise
    except Exception as exc:
        raise DependencyUnavailableError(
            f"cannot open the {settings.vector_store} vector store: {type(exc).__name__}: {exc}",
            "vector_store",
        ) from exc
