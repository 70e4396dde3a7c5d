"""Search: a question in, ranked chunks with scores and citations out."""

import time

from fastapi import APIRouter

from {{ cookiecutter.package_name }}.api.deps import KnowledgeBaseDep, TenantDep
from {{ cookiecutter.package_name }}.api.inputs import JSON, JSON_BODY
from {{ cookiecutter.package_name }}.api.errors import DEPENDENCY_ERRORS
from {{ cookiecutter.package_name }}.schemas import SearchHit, SearchRequest, SearchResponse

router = APIRouter(
    prefix="/v1", tags=["search"], dependencies=[JSON_BODY], responses=JSON.responses
)


@router.post("/search", responses=DEPENDENCY_ERRORS)
def search(request: SearchRequest, kb: KnowledgeBaseDep, tenant: TenantDep) -> SearchResponse:
    """Hybrid search (vector similarity + BM25, fused by rank) over the tenant's documents."""
    started = time.perf_counter()
    hits = kb.search(
        request.query,
        top_k=request.top_k,
        tenant=tenant,
        document_ids=request.document_ids,
        sources=request.sources,
    )
    results = [SearchHit.model_validate(hit) for hit in hits]
    latency_ms = (time.perf_counter() - started) * 1000
    return SearchResponse(query=request.query, results=results, latency_ms=round(latency_ms, 2))
