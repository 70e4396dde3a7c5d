import io

import docx
import pytest
from docx.document import Document as DocxDocument
from pypdf import PdfReader, PdfWriter

from {{ cookiecutter.package_name }}.rag.errors import (
    EmptyDocumentError,
    UnreadableDocumentError,
    UnsupportedFileTypeError,
)
from {{ cookiecutter.package_name }}.rag.loaders import (
    LOADERS,
    Page,
    load_document,
)


def make_pdf(*pages: str) -> bytes:
    """A minimal valid PDF, one line of Helvetica text per page ("" gives a blank page)."""
    first_page = 4  # objects 1-3: catalog, page tree, font; then a page and its content each
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, text in enumerate(pages):
        content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode() if text else b""
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
            b" /Resources << /Font << /F1 3 0 R >> >>"
            b" /Contents %d 0 R >>" % (first_page + 2 * i + 1)
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def make_docx() -> bytes:
    document = docx.Document()
    document.add_heading("Service plans", level=1)
    document.add_paragraph("Basic Care costs 9 EUR per month.")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Plan", "Price", "Visits"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["Active", "19 EUR", "2"], strict=True):
        cell.text = text
    document.add_paragraph("Plans can be cancelled with 30 days notice.")
    return save(document)


def save(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_supported_suffixes() -> None:
    assert {".txt", ".md", ".markdown", ".pdf", ".html", ".htm", ".docx"} == set(LOADERS)


@pytest.mark.parametrize("filename", ["notes.txt", "guide.md", "guide.markdown", "NOTES.TXT"])
def test_text_and_markdown_are_read_as_utf8(filename: str) -> None:
    data = "\ufeff# Café policy\r\n\r\nRefunds within 30 days.\r\n".encode()

    pages = load_document(filename, data)

    assert pages == [Page("# Café policy\n\nRefunds within 30 days.", None)]


@pytest.mark.parametrize(
    "data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xd8", b"text\x00with\x00nul bytes"]
)
def test_binary_file_named_txt_is_unreadable(data: bytes) -> None:
    with pytest.raises(UnreadableDocumentError, match=r"'image\.txt'"):
        load_document("image.txt", data)


def test_pdf_keeps_page_numbers_and_skips_blank_pages() -> None:
    pdf = make_pdf("Welcome to the onboarding guide", "", "Your probation lasts 3 months")

    pages = load_document("guide.pdf", pdf)

    assert pages == [
        Page("Welcome to the onboarding guide", 1),
        Page("Your probation lasts 3 months", 3),
    ]


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.4\nthis is not a pdf", b"", b"PK\x03\x04 a zip file", make_pdf("Hello")[:60]],
)
def test_corrupt_pdf_is_unreadable(data: bytes) -> None:
    with pytest.raises(UnreadableDocumentError, match=r"'broken\.pdf'"):
        load_document("broken.pdf", data)


def encrypt(pdf: bytes, password: str) -> bytes:
    """The PDF encrypted with `password` to open it ("": opens freely, yet encrypted)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    # RC4 is what pypdf can write without the optional `cryptography` package.
    writer.encrypt(password, password + "-owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_password_protected_pdf_is_unreadable() -> None:
    with pytest.raises(UnreadableDocumentError, match=r"'secret\.pdf' is password-protected"):
        load_document("secret.pdf", encrypt(make_pdf("Top secret"), "hunter2"))


def test_pdf_encrypted_without_user_password_is_read() -> None:
    pages = load_document("locked.pdf", encrypt(make_pdf("Print me not"), ""))

    assert pages == [Page("Print me not", 1)]


PAGE = b"""<!DOCTYPE html>
<html><head><title>Shop | FAQ</title><style>p { color: red; }</style>
<script>var tracking = "do not index";</script></head>
<body>
  <nav><a href="/">Home</a> <a href="/faq">FAQ</a></nav>
  <header><p>Pedalwright header banner</p></header>
  <main>
    <h1>Product   FAQ</h1>
    <!-- an HTML comment -->
    <p>Bikes are delivered
       within <b>7 working days</b>, <a href="/map">see the map</a>.</p>
    <p>Call us:<br>Monday to Friday<br/>9:00 to 17:00</p>
    <ul><li>Mule</li><li>Barrow</li></ul>
    <table><tr><th>Plan</th><th>Price</th></tr><tr><td>Basic</td><td>9 EUR</td></tr></table>
    <div hidden>Hidden offer</div>
    <noscript>Please enable JavaScript</noscript>
    <template><p>Template row</p></template>
  </main>
  <aside>Related articles</aside>
  <footer>Copyright Pedalwright</footer>
</body></html>
"""


def test_html_keeps_the_main_content_with_paragraph_breaks() -> None:
    pages = load_document("faq.html", PAGE)

    assert pages == [
        Page(
            "Product FAQ\n\n"
            "Bikes are delivered within 7 working days, see the map.\n\n"
            "Call us:\nMonday to Friday\n9:00 to 17:00\n\n"
            "Mule\n\nBarrow\n\n"
            "Plan Price\n\nBasic 9 EUR",
            None,
        )
    ]


def test_html_without_main_uses_the_body_without_boilerplate() -> None:
    html = PAGE.replace(b"<main>", b"<div>").replace(b"</main>", b"</div>")

    text = load_document("faq.htm", html)[0].text

    assert text.startswith("Pedalwright header banner\n\nProduct FAQ\n\nBikes are delivered")
    for boilerplate in ("Shop | FAQ", "tracking", "color", "Home", "Related", "Copyright"):
        assert boilerplate not in text


def test_html_prefers_a_single_article() -> None:
    html = b"<body><p>Cookie banner</p><article><h2>Warranty</h2><p>Two years.</p></article></body>"

    assert load_document("post.html", html) == [Page("Warranty\n\nTwo years.", None)]


def test_html_honours_its_declared_charset() -> None:
    html = b'<html><head><meta charset="windows-1252"></head><body><p>Caf\xe9 cr\xe8me</p></body>'

    assert load_document("menu.html", html) == [Page("Caf\u00e9 cr\u00e8me", None)]


def test_docx_reads_paragraphs_and_tables_in_order() -> None:
    pages = load_document("plans.docx", make_docx())

    assert pages == [
        Page(
            "Service plans\n\nBasic Care costs 9 EUR per month.\n\n"
            "Plan | Price | Visits\n\nActive | 19 EUR | 2\n\n"
            "Plans can be cancelled with 30 days notice.",
            None,
        )
    ]


@pytest.mark.parametrize("data", [b"not a zip", b"PK\x03\x04truncated", make_pdf("x")])
def test_corrupt_docx_is_unreadable(data: bytes) -> None:
    with pytest.raises(
        UnreadableDocumentError, match=r"'plans\.docx' is not a readable Word document"
    ):
        load_document("plans.docx", data)


@pytest.mark.parametrize(
    ("filename", "mentioned"),
    [("sheet.xlsx", "'.xlsx'"), ("archive.tar.gz", "'.gz'"), ("README", "no extension")],
)
def test_unsupported_type_names_the_suffix_and_lists_supported_ones(
    filename: str, mentioned: str
) -> None:
    with pytest.raises(UnsupportedFileTypeError) as raised:
        load_document(filename, b"data")

    message = str(raised.value)
    assert f"'{filename}'" in message
    assert mentioned in message
    assert ".docx, .htm, .html, .markdown, .md, .pdf, .txt" in message


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("empty.txt", b""),
        ("blank.md", b"  \n\t\n"),
        ("scripts.html", b"<html><script>x()</script><nav>Menu</nav></html>"),
        ("blank.pdf", make_pdf("", "")),
        ("blank.docx", save(docx.Document())),
    ],
)
def test_document_without_text_is_empty(filename: str, data: bytes) -> None:
    with pytest.raises(EmptyDocumentError, match=f"'{filename}' contains no text"):
        load_document(filename, data)
