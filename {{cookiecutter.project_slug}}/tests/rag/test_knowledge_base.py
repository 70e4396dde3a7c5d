"""The knowledge base end to end on the real configured store: ingest, search, replace, delete."""

import json

import pytest

from {{ cookiecutter.package_name }}.rag.errors import DocumentNotFoundError, IndexMismatchError
from {{ cookiecutter.package_name }}.rag.knowledge_base import KnowledgeBase
from {{ cookiecutter.package_name }}.settings import Settings
from tests.conftest import GOLDEN_SET, SAMPLE_DOCS

WARRANTY_V1 = (
    b"# Warranty\n\nThe frame warranty lasts five years. Batteries are covered for two years.\n"
)
WARRANTY_V2 = (
    b"# Warranty\n\nThe frame warranty lasts ten years. Batteries are covered for three years.\n"
)


def test_ingest_then_search_finds_the_document(knowledge_base: KnowledgeBase) -> None:
    result = knowledge_base.ingest("warranty.md", WARRANTY_V1)

    hits = knowledge_base.search("how long is the frame warranty")

    assert result.status == "added"
    assert result.chunk_count >= 1
    assert hits[0].source == "warranty.md"
    assert "five years" in hits[0].text
    assert hits[0].dense_score is not None
    assert hits[0].keyword_score is not None


def test_reingesting_unchanged_content_adds_nothing(knowledge_base: KnowledgeBase) -> None:
    first = knowledge_base.ingest("warranty.md", WARRANTY_V1)
    vectors = knowledge_base.index.count()

    again = knowledge_base.ingest("warranty.md", WARRANTY_V1)

    assert again.status == "unchanged"
    assert again.document_id == first.document_id
    assert knowledge_base.index.count() == vectors


def test_changed_content_replaces_the_old_chunks(knowledge_base: KnowledgeBase) -> None:
    knowledge_base.ingest("warranty.md", WARRANTY_V1)

    result = knowledge_base.ingest("warranty.md", WARRANTY_V2)
    hits = knowledge_base.search("frame warranty years")

    assert result.status == "replaced"
    assert [d.source for d in knowledge_base.documents()] == ["warranty.md"]
    assert all("five years" not in hit.text for hit in hits)
    assert "ten years" in hits[0].text
    assert knowledge_base.index.count() == result.chunk_count, "old vectors are gone"


def test_delete_removes_every_chunk(knowledge_base: KnowledgeBase) -> None:
    doc = knowledge_base.ingest("warranty.md", WARRANTY_V1)
    knowledge_base.ingest("other.txt", b"Bikes are delivered on Tuesdays.")

    removed = knowledge_base.delete(doc.document_id)

    assert removed == doc.chunk_count
    assert all(hit.source != "warranty.md" for hit in knowledge_base.search("frame warranty"))
    assert knowledge_base.index.count() == 1
    with pytest.raises(DocumentNotFoundError):
        knowledge_base.delete(doc.document_id)


def test_bad_files_fail_with_a_reason_and_store_nothing(knowledge_base: KnowledgeBase) -> None:
    unsupported = knowledge_base.ingest("slides.pptx", b"PK\x03\x04")
    empty = knowledge_base.ingest("empty.txt", b"   \n")
    corrupt = knowledge_base.ingest("broken.pdf", b"%PDF-1.7 this is not really a pdf")

    assert [r.status for r in (unsupported, empty, corrupt)] == ["failed"] * 3
    assert (unsupported.status_code, empty.status_code, corrupt.status_code) == (415, 422, 422)
    assert ".pptx" in (unsupported.error or "")
    assert knowledge_base.documents() == []
    assert knowledge_base.index.count() == 0


def test_unsafe_file_names_are_refused(knowledge_base: KnowledgeBase) -> None:
    """Names are relative paths; the API's multipart parser never lets some of these
    through, so they are checked here, where every ingest (CLI too) passes."""
    names = ["../up.md", "a/../../up.md", "/abs.md", "\\share\\x.md", "C:\\x.md", "tab\tx.md"]

    results = [knowledge_base.ingest(name, b"Some text to index.") for name in names]

    assert [(r.status, r.status_code) for r in results] == [("failed", 422)] * len(names)
    assert all("not a valid file name" in (r.error or "") for r in results)
    assert knowledge_base.ingest("guides/ok.md", b"Some text to index.").status == "added"
    assert [d.source for d in knowledge_base.documents()] == ["guides/ok.md"]


def test_search_can_be_limited_to_sources(sample_kb: KnowledgeBase) -> None:
    hits = sample_kb.search("days", top_k=10, sources=["warranty.md"])

    assert hits
    assert {hit.source for hit in hits} == {"warranty.md"}


def test_top_k_is_capped_by_settings(sample_kb: KnowledgeBase) -> None:
    hits = sample_kb.search("bike", top_k=1000)

    assert len(hits) == sample_kb.settings.max_top_k


def test_golden_questions_find_their_document(sample_kb: KnowledgeBase) -> None:
    """Offline retrieval quality on the sample corpus (a floor, not the reported figure)."""
    cases = [json.loads(line) for line in GOLDEN_SET.read_text().splitlines() if line.strip()]
    ranks = []
    for case in cases:
        sources = [hit.source for hit in sample_kb.search(case["question"], top_k=5)]
        ranks.append(sources.index(case["source"]) + 1 if case["source"] in sources else None)
    hit_at_1 = sum(rank == 1 for rank in ranks) / len(cases)
    hit_at_5 = sum(rank is not None for rank in ranks) / len(cases)

    assert hit_at_1 >= 0.7, f"hit@1={hit_at_1:.2f}"
    assert hit_at_5 >= 0.9, f"hit@5={hit_at_5:.2f}"


def test_everything_survives_a_restart(settings: Settings) -> None:
    with KnowledgeBase(settings) as kb:
        doc = kb.ingest("warranty.md", WARRANTY_V1)

    with KnowledgeBase(settings) as reopened:
        assert [d.id for d in reopened.documents()] == [doc.document_id]
        assert reopened.search("frame warranty")[0].document_id == doc.document_id
        assert reopened.ingest("warranty.md", WARRANTY_V1).status == "unchanged"


def test_switching_embeddings_on_an_existing_index_is_refused(settings: Settings) -> None:
    with KnowledgeBase(settings) as kb:
        kb.ingest("warranty.md", WARRANTY_V1)

    resized = settings.model_copy(update={"embeddings_dimension": 256})
    with pytest.raises(IndexMismatchError, match="re-index"):
        KnowledgeBase(resized)


def test_switching_the_collection_on_a_filled_registry_is_refused(settings: Settings) -> None:
    with KnowledgeBase(settings) as kb:
        kb.ingest("warranty.md", WARRANTY_V1)

    moved = settings.model_copy(update={"collection_name": "elsewhere"})
    with pytest.raises(IndexMismatchError, match=r"belongs to the \w+/documents vector"):
        KnowledgeBase(moved)


def test_sample_corpus_is_what_the_docs_promise() -> None:
    suffixes = {path.suffix for path in SAMPLE_DOCS.iterdir()}

    assert {".md", ".txt", ".html", ".pdf", ".docx"} <= suffixes
