import hashlib
import uuid

import pytest

from {{ cookiecutter.package_name }}.rag.chunking import Chunk, chunk_document
from {{ cookiecutter.package_name }}.rag.loaders import Page

SENTENCE = "Cargo bikes carry children, shopping and parcels through the city. "
LONG_TEXT = "\n\n".join(SENTENCE * 3 for _ in range(12))  # 12 paragraphs of ~200 characters

MARKDOWN = "\n\n".join(
    f"## Section {n}\n\n" + "Every section of this guide explains one topic in detail. " * 2
    for n in range(1, 5)
)


def chunks_of(
    text: str, *, source: str = "guide.txt", document_id: str = "doc-1", size: int = 300
) -> list[Chunk]:
    return chunk_document(
        document_id, source, [Page(text, None)], chunk_size=size, chunk_overlap=50
    )


def test_identical_input_gives_identical_chunks_and_ids() -> None:
    assert chunks_of(LONG_TEXT) == chunks_of(LONG_TEXT)


def test_ids_are_uuids() -> None:
    for chunk in chunks_of(LONG_TEXT):
        parsed = uuid.UUID(chunk.id)
        assert str(parsed) == chunk.id
        assert parsed.version == 8  # "custom": derived from sha256, not random


def test_ids_differ_by_document_position_and_text() -> None:
    repeated = "\n\n".join([SENTENCE * 4] * 3)  # the same paragraph at three positions
    chunks = chunks_of(repeated)
    assert [chunk.text for chunk in chunks] == [(SENTENCE * 4).strip()] * 3
    assert len({chunk.id for chunk in chunks}) == 3

    other_document = chunks_of(repeated, document_id="doc-2")
    assert {c.id for c in chunks}.isdisjoint({c.id for c in other_document})

    edited = chunks_of(repeated.replace("city", "town", 1))
    assert edited[0].id != chunks[0].id
    assert edited[1:] == chunks[1:]  # only the edited chunk changes


def test_chunks_respect_size_and_cover_the_text() -> None:
    chunks = chunks_of(LONG_TEXT, size=300)

    assert len(chunks) > 5
    assert all(len(chunk.text) <= 300 for chunk in chunks)
    assert [chunk.position for chunk in chunks] == list(range(len(chunks)))
    assert {word for c in chunks for word in c.text.split()} == set(LONG_TEXT.split())


def test_chunk_fields() -> None:
    chunk = chunks_of("Refunds are paid within 30 days.", source="refunds.txt")[0]

    assert chunk.document_id == "doc-1"
    assert chunk.source == "refunds.txt"
    assert chunk.text == "Refunds are paid within 30 days."
    assert chunk.content_hash == hashlib.sha256(chunk.text.encode()).hexdigest()


def test_each_chunk_keeps_its_page_and_positions_run_across_pages() -> None:
    pages = [Page(LONG_TEXT, 1), Page("   \n\n  ", 2), Page(LONG_TEXT, 3)]

    chunks = chunk_document("doc-1", "guide.pdf", pages, chunk_size=400, chunk_overlap=0)

    per_page = len(chunks) // 2
    assert [chunk.page for chunk in chunks] == [1] * per_page + [3] * per_page
    assert [chunk.position for chunk in chunks] == list(range(len(chunks)))
    assert len({chunk.id for chunk in chunks}) == len(chunks)  # same text, other position


@pytest.mark.parametrize("source", ["guide.md", "GUIDE.MARKDOWN"])
def test_markdown_is_split_at_headings(source: str) -> None:
    chunks = chunks_of(MARKDOWN, source=source, size=200)

    # One section per chunk, each starting with its heading.
    assert [chunk.text.splitlines()[0] for chunk in chunks] == [
        f"## Section {n}" for n in range(1, 5)
    ]
    assert all(chunk.text.count("## ") == 1 for chunk in chunks)


def test_plain_text_is_not_split_at_headings() -> None:
    # The same text in a .txt file: sizes decide, and headings end up at the end of chunks.
    chunks = chunks_of(MARKDOWN, source="guide.txt", size=200)

    assert any(chunk.text.endswith("## Section 2") for chunk in chunks)


def test_whitespace_only_pages_give_no_chunks() -> None:
    assert chunks_of(" \n\n \t ") == []


def test_metadata_has_no_none_values() -> None:
    without_page = chunks_of("Plain text.")[0]
    with_page = chunk_document(
        "doc-1", "guide.pdf", [Page("Page text.", 4)], chunk_size=100, chunk_overlap=0
    )[0]

    assert without_page.metadata() == {
        "document_id": "doc-1",
        "source": "guide.txt",
        "position": 0,
        "content_hash": without_page.content_hash,
        "chunk_id": without_page.id,
    }
    assert with_page.metadata()["page"] == 4
    for metadata in (without_page.metadata(), with_page.metadata()):
        assert all(isinstance(value, str | int) for value in metadata.values())
