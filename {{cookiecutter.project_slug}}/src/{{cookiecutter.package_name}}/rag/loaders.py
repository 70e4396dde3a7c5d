"""File bytes → text, page by page: plain text, Markdown, PDF, HTML and Word documents.

Every failure becomes one of the knowledge-base errors with a sentence naming the file, so
an upload of a corrupt or unsupported file is answered with a clear 4xx, never a traceback.

Each file type is one function registered with `@loader(suffix, ...)`; uploads, `ingest`
and the error for other types follow the registry (docs/adding-a-loader.md).
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

import docx
from bs4 import BeautifulSoup, Tag
from docx.table import Table
from pypdf import PasswordType, PdfReader

from {{ cookiecutter.package_name }}.rag.errors import (
    EmptyDocumentError,
    UnreadableDocumentError,
    UnsupportedFileTypeError,
)


@dataclass(frozen=True)
class Page:
    text: str
    page: int | None  # 1-based page number for PDFs, None otherwise


Loader = Callable[[str, bytes], list[Page]]  # (file name, its bytes) -> its pages

LOADERS: dict[str, Loader] = {}  # by lower-case suffix, dot included


def loader(*suffixes: str) -> Callable[[Loader], Loader]:
    """Register a loader for files with these suffixes (".csv")."""

    def register(load: Loader) -> Loader:
        for suffix in suffixes:
            LOADERS[suffix.lower()] = load
        return load

    return register


# Not part of what a reader sees, or the same on every page of a site (menus, footers).
_HTML_HIDDEN = ("script", "style", "noscript", "template", "head", "nav", "footer", "aside", "svg")
_HTML_BLOCKS = """
    address article blockquote dd details dialog div dl dt fieldset figcaption figure form
    h1 h2 h3 h4 h5 h6 header hr li main ol p pre section summary table tr ul
""".split()  # noqa: SIM905 - a tag list reads better as text than one per line
# Private-use sentinels mark breaks while the markup's own whitespace is collapsed.
_PARAGRAPH, _LINE = "\ue000", "\ue001"
_SPACES = re.compile(r"[^\S\ue000\ue001]+")


def load_document(filename: str, data: bytes) -> list[Page]:
    """The text of a file, one `Page` per PDF page (a single page for other types)."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in LOADERS:
        supported = ", ".join(sorted(LOADERS))
        kind = f"type '{suffix}'" if suffix else "type (no extension)"
        raise UnsupportedFileTypeError(
            f"'{filename}' has an unsupported file {kind}; use {supported}."
        )
    pages = LOADERS[suffix](filename, data)
    # NUL can hide in markup or a PDF's text; no store keeps it (PostgreSQL text cannot).
    pages = [Page(page.text.replace("\x00", ""), page.page) for page in pages]
    pages = [page for page in pages if page.text.strip()]
    if not pages:
        hint = " (scanned pages need OCR first)" if suffix == ".pdf" else ""
        raise EmptyDocumentError(f"'{filename}' contains no text to index{hint}.")
    return pages


@loader(".txt", ".md", ".markdown")
def _text_page(filename: str, data: bytes) -> list[Page]:
    return [Page(_decode_text(filename, data), None)]


@loader(".html", ".htm")
def _html_page(filename: str, data: bytes) -> list[Page]:
    return [Page(_html_text(filename, data), None)]


@loader(".docx")
def _docx_page(filename: str, data: bytes) -> list[Page]:
    return [Page(_docx_text(filename, data), None)]


def _decode_text(filename: str, data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")  # -sig: editors on Windows often prepend a BOM
    except UnicodeDecodeError:
        raise UnreadableDocumentError(f"'{filename}' is not UTF-8 text.") from None
    if "\x00" in text:  # valid UTF-8 yet binary: an image or archive renamed to .txt
        raise UnreadableDocumentError(f"'{filename}' is a binary file, not text.")
    return text.replace("\r\n", "\n").strip()


@loader(".pdf")
def _pdf_pages(filename: str, data: bytes) -> list[Page]:
    # Parsers of untrusted files fail with many exception types; any of them means "unreadable".
    try:
        reader = PdfReader(io.BytesIO(data))
        # Many PDFs are encrypted only to restrict printing, with an empty user password.
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise UnreadableDocumentError(f"'{filename}' is password-protected.")
        return [
            Page(page.extract_text().strip(), number)
            for number, page in enumerate(reader.pages, start=1)
        ]
    except UnreadableDocumentError:
        raise
    except Exception as error:
        raise UnreadableDocumentError(f"'{filename}' is not a readable PDF ({error}).") from error


def _html_text(filename: str, data: bytes) -> str:
    if b"<" not in data:  # no markup at all; also spares bs4's "looks like a file name" warning
        return _decode_text(filename, data)
    try:
        soup = BeautifulSoup(data, "html.parser")  # bytes: bs4 honours the declared charset
    except Exception as error:
        raise UnreadableDocumentError(f"'{filename}' is not readable HTML ({error}).") from error
    for hidden in [*soup.find_all(_HTML_HIDDEN), *soup.find_all(_is_hidden)]:
        if not hidden.decomposed:  # may sit inside one removed already
            hidden.decompose()
    for block in soup.find_all(_HTML_BLOCKS):
        block.insert_before(_PARAGRAPH)
        block.insert_after(_PARAGRAPH)
    for cell in soup.find_all(["td", "th"]):
        cell.insert_after(" ")
    for br in soup.find_all("br"):
        br.replace_with(_LINE)
    articles = soup.find_all("article")
    # The page's own content when it says where that is; the whole page otherwise.
    for root in (soup.find("main"), articles[0] if len(articles) == 1 else None, soup):
        if isinstance(root, Tag) and (text := _visible_text(root)):
            return text
    return ""


def _is_hidden(tag: Tag) -> bool:
    return tag.has_attr("hidden") or tag.get("aria-hidden") == "true"


def _visible_text(root: Tag) -> str:
    """Whitespace collapsed as a browser does, keeping paragraph and line breaks."""
    paragraphs = []
    for paragraph in _SPACES.sub(" ", root.get_text()).split(_PARAGRAPH):
        lines = (line.strip() for line in paragraph.split(_LINE))
        if text := "\n".join(line for line in lines if line):
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


def _docx_text(filename: str, data: bytes) -> str:
    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list[str] = []
        for item in document.iter_inner_content():  # paragraphs and tables in reading order
            if isinstance(item, Table):
                blocks.extend(_table_rows(item))
            else:
                blocks.append(item.text)
    except Exception as error:
        raise UnreadableDocumentError(f"'{filename}' is not a readable Word document.") from error
    return "\n\n".join(block.strip() for block in blocks if block.strip())


def _table_rows(table: Table) -> list[str]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = cell.text.strip()
            if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                cells.append(text)
        rows.append(" | ".join(cells))
    return rows
