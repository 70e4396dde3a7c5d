"""One evaluation run: index the documents in a throwaway knowledge base, ask every golden
question, score retrieval (hit@k, MRR, nDCG@k) and whether the answer cites its document.

The knowledge base is built from scratch each time, so the figures depend only on the code,
the settings and the inputs — never on what a developer happens to have ingested.
"""

import time
from collections.abc import Callable, Sequence

from langchain_core.language_models import BaseChatModel

from {{ cookiecutter.package_name }}.eval import metrics
from {{ cookiecutter.package_name }}.eval.golden import EvalInputError, GoldenCase
from {{ cookiecutter.package_name }}.eval.results import EvalResult, Metric, QuestionResult
from {{ cookiecutter.package_name }}.llm import model_name
from {{ cookiecutter.package_name }}.rag.answer import Answerer
from {{ cookiecutter.package_name }}.rag.knowledge_base import KnowledgeBase
from {{ cookiecutter.package_name }}.rag.scratch import scratch_settings
from {{ cookiecutter.package_name }}.settings import Settings

# What the figures depend on, recorded so two reports can be compared knowingly.
CONFIG_FIELDS = {
    "vector_store",
    "embeddings_provider",
    "embeddings_model",
    "llm_provider",
    "chunk_size",
    "chunk_overlap",
    "answer_top_k",
    "answer_min_similarity",
}


def _score(case: GoldenCase, kb: KnowledgeBase, answerer: Answerer, k: int) -> QuestionResult:
    started = time.perf_counter()
    hits = kb.search(case.question, top_k=k)
    search_ms = (time.perf_counter() - started) * 1000
    ranking = metrics.document_ranking(hit.source for hit in hits)
    rank = metrics.rank_of(case.source, ranking)
    answer = answerer.answer(case.question)
    cited = metrics.document_ranking(citation.source for citation in answer.citations)
    return QuestionResult(
        id=case.id,
        question=case.question,
        source=case.source,
        retrieved=ranking,
        rank=rank,
        hit=metrics.hit_at_k(rank, k),
        reciprocal_rank=metrics.reciprocal_rank(rank, k),
        ndcg=metrics.ndcg_at_k(rank, k),
        cited=cited,
        cites_source=metrics.cites(case.source, cited),
        search_ms=search_ms,
        answer_ms=answer.latency_ms,
    )


def _summarise(rows: Sequence[QuestionResult], settings: Settings, k: int) -> list[Metric]:
    figures = [
        ("hit_rate", f"hit@{k}", [r.hit for r in rows], settings.eval_min_hit_rate),
        ("mrr", f"MRR@{k}", [r.reciprocal_rank for r in rows], settings.eval_min_mrr),
        ("ndcg", f"nDCG@{k}", [r.ndcg for r in rows], settings.eval_min_ndcg),
        (
            "citation_accuracy",
            "citation accuracy",
            [r.cites_source for r in rows],
            settings.eval_min_citation_accuracy,
        ),
    ]
    summary = []
    for key, label, values, threshold in figures:
        value = metrics.mean(values)
        summary.append(Metric(key, label, value, threshold, passed=value >= threshold))
    return summary


def _check_inputs(
    settings: Settings, cases: Sequence[GoldenCase], files: Sequence[tuple[str, bytes]], k: int
) -> None:
    """Refuse what cannot be scored, before the slow part (indexing) starts."""
    if not 1 <= k <= settings.max_top_k:
        raise EvalInputError(f"k must be between 1 and MAX_TOP_K ({settings.max_top_k}), got {k}")
    if not files:
        raise EvalInputError("no supported documents to evaluate on")
    names = {source for source, _ in files}
    for case in cases:
        if case.source not in names:
            raise EvalInputError(
                f"golden question {case.id} names source {case.source!r}, "
                "which is not among the ingested documents"
            )


def evaluate(
    settings: Settings,
    cases: Sequence[GoldenCase],
    files: Sequence[tuple[str, bytes]],
    k: int,
    model: BaseChatModel | None,
    on_question: Callable[[GoldenCase], None] | None = None,
) -> EvalResult:
    """Score `cases` against `files` (source name, bytes); answers come from `model`."""
    _check_inputs(settings, cases, files, k)
    with scratch_settings(settings, "eval-") as scratch, KnowledgeBase(scratch) as kb:
        failed = [r for r in kb.ingest_many(files) if r.status == "failed"]
        if failed:  # a score over part of the corpus would mislead
            raise EvalInputError(f"could not ingest {failed[0].source}: {failed[0].error}")
        answerer = Answerer(kb, model, scratch)
        rows = []
        for case in cases:
            rows.append(_score(case, kb, answerer, k))
            if on_question:
                on_question(case)
    search = [r.search_ms for r in rows]
    answer = [r.answer_ms for r in rows]
    return EvalResult(
        k=k,
        documents=len(files),
        metrics=_summarise(rows, settings, k),
        questions=rows,
        latency_ms={
            "search_p50": metrics.percentile(search, 0.5),
            "search_p95": metrics.percentile(search, 0.95),
            "answer_p50": metrics.percentile(answer, 0.5),
            "answer_p95": metrics.percentile(answer, 0.95),
        },
        config=settings.model_dump(mode="json", include=CONFIG_FIELDS)
        | {"llm_model": model_name(settings)},
    )
