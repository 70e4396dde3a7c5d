"""The knowledge base as one object: what the API, the CLI and the benchmark all use.

It wires settings → embeddings → registry + vector store → ingestion and retrieval,
checks that the store was built with the embeddings configured now, and reports the
health of each dependency for `/readyz`.
"""

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Self

from langchain_core.embeddings import Embeddings

from {{ cookiecutter.package_name }}.rag.embeddings import (
    EmbeddingsSignature,
    GuardedEmbeddings,
    build_embeddings,
    embeddings_service,
    embeddings_signature,
)
from {{ cookiecutter.package_name }}.rag.errors import DocumentNotFoundError, IndexMismatchError
from {{ cookiecutter.package_name }}.rag.ingest import Ingestor, IngestResult, document_id_for
from {{ cookiecutter.package_name }}.rag.keyword_search import KeywordIndex
from {{ cookiecutter.package_name }}.rag.local_postgres import with_database
from {{ cookiecutter.package_name }}.rag.registry import DocumentRecord, Registry
from {{ cookiecutter.package_name }}.rag.retrieval import Retriever, SearchHit
from {{ cookiecutter.package_name }}.rag.stores import VectorIndex, open_index
from {{ cookiecutter.package_name }}.settings import Settings

# Until authentication assigns tenants, everything belongs to this one.
DEFAULT_TENANT = "default"
_SIGNATURE_KEY = "embeddings"
_STORE_KEY = "vector_store"


def _describe(signature: EmbeddingsSignature) -> str:
    dims = f", {signature.dimension} dimensions" if signature.dimension else ""
    return f"{signature.provider}/{signature.model}{dims}"


class KnowledgeBase:
    def __init__(self, settings: Settings, embeddings: Embeddings | None = None) -> None:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        settings = with_database(settings)
        self.settings = settings
        # Whatever the client, its failures name `embeddings` and /readyz sees its outages.
        self.embeddings = GuardedEmbeddings(
            embeddings or build_embeddings(settings), embeddings_service(settings)
        )
        self.signature = embeddings_signature(settings)
        self.registry = Registry(settings.sqlalchemy_url)
        try:
            self._check_signature()
            self.index: VectorIndex = open_index(settings, self.embeddings)
        except BaseException:
            self.registry.close()
            raise
        self.retriever = Retriever(self.index, KeywordIndex(self.registry))
        self.ingestor = Ingestor(settings, self.registry, self.index)
        self.ingestor.sweep_stale()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self.index.close()
        self.registry.close()

    # --- the embeddings the index was built with ----------------------------------------

    @property
    def _store_name(self) -> str:
        return f"{self.settings.vector_store}/{self.settings.collection_name}"

    def _check_signature(self) -> None:
        """Refuse to mix: the registry's documents live in one store, embedded one way."""
        store = self._store_name
        recorded_store = self.registry.get_meta(_STORE_KEY)
        if recorded_store not in (None, store):
            raise IndexMismatchError(
                f"the document registry belongs to the {recorded_store} vector store, but "
                f"{store} (VECTOR_STORE/COLLECTION_NAME) is configured; switch back, or use "
                "another DATA_DIR / DATABASE_URL for the new store and ingest the documents there"
            )
        recorded = self.registry.get_meta(_SIGNATURE_KEY)
        if recorded is None:
            return
        provider, model, dimension = recorded.split("|")
        built = EmbeddingsSignature(provider, model, int(dimension) if dimension else None)
        now = self.signature
        same_model = (built.provider, built.model) == (now.provider, now.model)
        same_size = built.dimension is None or now.dimension in (None, built.dimension)
        if not (same_model and same_size):
            raise IndexMismatchError(
                f"the {self.settings.vector_store} index was built with {_describe(built)} "
                f"embeddings, but {_describe(now)} is configured; vectors of different models "
                "cannot be compared. Switch back, or re-index: delete the collection (or DATA_DIR) "
                "and ingest the documents again"
            )

    def _record_signature(self) -> None:
        if self.registry.get_meta(_SIGNATURE_KEY) is not None:
            return
        dimension = self.signature.dimension or len(self.embeddings.embed_query("dimension probe"))
        value = f"{self.signature.provider}|{self.signature.model}|{dimension}"
        self.registry.set_meta(_SIGNATURE_KEY, value)
        self.registry.set_meta(_STORE_KEY, self._store_name)

    # --- documents ----------------------------------------------------------------------

    def ingest(self, source: str, data: bytes, tenant: str = DEFAULT_TENANT) -> IngestResult:
        """Ingest one file (see `ingest_many`)."""
        return self.ingest_many([(source, data)], tenant)[0]

    def ingest_many(
        self,
        files: Sequence[tuple[str, bytes]],
        tenant: str = DEFAULT_TENANT,
        on_file: Callable[[str], None] | None = None,
    ) -> list[IngestResult]:
        """Ingest (source name, bytes) pairs, written together; one result per file."""
        results = self.ingestor.ingest(files, tenant, on_file)
        if any(result.status in ("added", "replaced") for result in results):
            self._record_signature()
        return results

    def delete(self, document_id: str, tenant: str = DEFAULT_TENANT) -> int:
        return self.ingestor.delete(document_id, tenant)

    def documents(self, tenant: str = DEFAULT_TENANT) -> list[DocumentRecord]:
        return self.registry.list_documents(tenant)

    def document(self, document_id: str, tenant: str = DEFAULT_TENANT) -> DocumentRecord:
        record = self.registry.get_document(document_id, tenant)
        if record is None or record.status != "ready":
            raise DocumentNotFoundError(f"no document with id {document_id}")
        return record

    def is_empty(self, tenant: str = DEFAULT_TENANT) -> bool:
        return not self.documents(tenant)

    # --- retrieval ----------------------------------------------------------------------

    def search(
        self,
        query: str,
        top_k: int | None = None,
        tenant: str = DEFAULT_TENANT,
        document_ids: Sequence[str] | None = None,
        sources: Sequence[str] | None = None,
    ) -> list[SearchHit]:
        """Hybrid search; `top_k` defaults to DEFAULT_TOP_K and is capped at MAX_TOP_K."""
        k = min(top_k or self.settings.default_top_k, self.settings.max_top_k)
        wanted = list(document_ids or []) + [document_id_for(tenant, s) for s in sources or []]
        return self.retriever.search(query, k, tenant, wanted or None)

    # --- health -------------------------------------------------------------------------

    def ping_store(self) -> None:
        self.index.ping()

    def ping_registry(self) -> None:
        self.registry.ping()

    def ping_embeddings(self) -> None:
        self.embeddings.embed_query("ping")
