"""Pages → chunks small enough to embed and to quote, each with a stable id.

Ids are derived from the content, so re-ingesting an unchanged document produces the same
ids (upserts replace instead of duplicating) and any store accepts them: Qdrant needs UUIDs.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass
from pathlib import PurePath

from langchain_text_splitters import Language, RecursiveCharacterTextSplitter

from {{ cookiecutter.package_name }}.rag.loaders import Page

_MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})


@dataclass(frozen=True)
class Chunk:
    id: str
    document_id: str
    source: str  # the file name
    page: int | None
    position: int  # 0-based, across the whole document
    text: str
    content_hash: str  # sha256 hex of text

    def metadata(self) -> dict[str, str | int]:
        """What the vector store keeps next to the vector; no None values (stores reject them)."""
        metadata: dict[str, str | int] = {
            "document_id": self.document_id,
            "source": self.source,
            "position": self.position,
            "content_hash": self.content_hash,
            "chunk_id": self.id,
        }
        if self.page is not None:
            metadata["page"] = self.page
        return metadata


def chunk_id(document_id: str, position: int, text: str) -> str:
    """A UUID (version 8, "custom") made of sha256(document id, position, text)."""
    # JSON keeps the fields apart unambiguously, whatever characters they contain.
    key = json.dumps([document_id, position, text], ensure_ascii=False).encode()
    value = int.from_bytes(hashlib.sha256(key).digest()[:16], "big")
    value = (value & ~(0xF << 76)) | (0x8 << 76)  # version 8
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 9562 variant
    return str(uuid.UUID(int=value))


def chunk_document(
    document_id: str, source: str, pages: list[Page], *, chunk_size: int, chunk_overlap: int
) -> list[Chunk]:
    """Split each page on its own, so that every chunk cites exactly one page."""
    if PurePath(source).suffix.lower() in _MARKDOWN_SUFFIXES:
        # Prefers breaking at headings, then code fences, rules and paragraphs.
        splitter = RecursiveCharacterTextSplitter.from_language(
            Language.MARKDOWN, chunk_size=chunk_size, chunk_overlap=chunk_overlap
        )
    else:
        splitter = RecursiveCharacterTextSplitter(
            chunk_size=chunk_size, chunk_overlap=chunk_overlap
        )
    chunks: list[Chunk] = []
    for page in pages:
        for text in splitter.split_text(page.text):
            if not text.strip():
                continue
            position = len(chunks)
            chunks.append(
                Chunk(
                    id=chunk_id(document_id, position, text),
                    document_id=document_id,
                    source=source,
                    page=page.page,
                    position=position,
                    text=text,
                    content_hash=hashlib.sha256(text.encode()).hexdigest(),
                )
            )
    return chunks
