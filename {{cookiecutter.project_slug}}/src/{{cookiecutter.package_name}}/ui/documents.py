"""The Documents page: upload files (with a result per file), list and delete documents."""

import math
from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from {{ cookiecutter.package_name }}.schemas import DocumentInfo, IngestFileResult
from {{ cookiecutter.package_name }}.settings import MIB, get_settings
from {{ cookiecutter.package_name }}.ui.client import ApiClient
from {{ cookiecutter.package_name }}.ui.errors import ApiError
from {{ cookiecutter.package_name }}.ui.state import api_client, describe, plain, show_error

UPLOAD = "Add to knowledge base"
RESULTS = "upload_results"
UPLOADER = "uploader_generation"  # a new key empties the file uploader
CONFIRM = "confirm_delete"  # the document whose deletion awaits confirmation
DELETE = "delete_now"  # (id, source) confirmed, deleted at the start of the next run


def render() -> None:
    st.title("Documents")
    try:
        client = api_client()
    except ApiError as error:
        show_error(error)
        return
    with client:
        _upload_section(client)
        st.divider()
        _pending_delete(client)
        _document_list(client)


def _upload_section(client: ApiClient) -> None:
    generation: int = st.session_state.setdefault(UPLOADER, 0)
    files = st.file_uploader(
        "Add documents",
        accept_multiple_files=True,
        key=f"uploader-{generation}",
        help="Text, Markdown, HTML, PDF or Word (.docx). Re-uploading a file replaces it.",
        # The API's limit (MAX_UPLOAD_BYTES), not Streamlit's 200 MB: refused here, not later.
        max_upload_size=max(1, math.ceil(get_settings().max_upload_bytes / MIB)),
    )
    # Not "Upload": the uploader's own button already says that.
    if st.button(UPLOAD, type="primary", disabled=not files):
        st.session_state[RESULTS] = _upload_all(files or [], client)
        st.session_state[UPLOADER] = generation + 1
        st.rerun()  # shows the emptied uploader and the results below it
    if results := st.session_state.get(RESULTS):
        _show_results(results)


def _upload_all(files: list[UploadedFile], client: ApiClient) -> list[IngestFileResult]:
    """One request per file, so the progress bar moves and one failure affects one file."""
    progress = st.progress(0.0)
    results: list[IngestFileResult] = []
    for done, file in enumerate(files):
        text = f"Uploading {file.name} ({done + 1} of {len(files)})"
        progress.progress(done / len(files), text=text)
        try:
            results.extend(client.upload([(file.name, file.getvalue())]).results)
        except ApiError as error:
            failed = IngestFileResult(
                source=file.name, document_id="", status="failed", error=describe(error)
            )
            results.append(failed)
    progress.progress(1.0, text="Done")
    return results


def _show_results(results: list[IngestFileResult]) -> None:
    counts = Counter(result.status for result in results)
    summary = ", ".join(f"{count} {status}" for status, count in counts.items())
    (st.warning if counts["failed"] else st.success)(f"Last upload: {summary}.")
    rows = [
        {"File": r.source, "Status": r.status, "Chunks": r.chunk_count, "Problem": r.error or ""}
        for r in results
    ]
    st.table(rows, hide_index=True)  # plain HTML: a handful of rows, readable by any tool


def _pending_delete(client: ApiClient) -> None:
    """Run the deletion confirmed by the click that caused this run."""
    pending: tuple[str, str] | None = st.session_state.pop(DELETE, None)
    if pending is None:
        return
    document_id, source = pending
    try:
        deleted = client.delete(document_id)
    except ApiError as error:
        show_error(error)
        return
    st.success(f"Deleted {plain(source)} ({deleted.deleted_chunks} chunks).")


def _document_list(client: ApiClient) -> None:
    try:
        documents = client.documents().documents
    except ApiError as error:
        show_error(error)
        return
    st.subheader(f"In the knowledge base ({len(documents)})")
    if not documents:
        st.info("No documents yet: upload some above.")
        return
    widths = (5, 1, 2, 2)
    for column, title in zip(st.columns(widths), ("File", "Chunks", "Updated"), strict=False):
        column.markdown(f"**{title}**")
    for document in documents:
        _document_row(document, widths)


def _document_row(document: DocumentInfo, widths: tuple[int, ...]) -> None:
    name, chunks, updated, action = st.columns(widths, vertical_alignment="center")
    name.text(document.source)  # plain text: a file name is not Markdown
    chunks.markdown(str(document.chunk_count))
    updated.markdown(_when(document.updated_at))
    if st.session_state.get(CONFIRM) != document.id:
        action.button("Delete", key=f"delete-{document.id}", on_click=_ask, args=(document.id,))
        return
    with st.container(border=True):
        question = (
            f"Delete {plain(document.source)} and its {document.chunk_count} chunks for good?"
        )
        st.warning(question)
        yes, no = st.columns(2)
        yes.button(
            "Yes, delete",
            key=f"confirm-{document.id}",
            type="primary",
            on_click=_confirm,
            args=(document.id, document.source),
        )
        no.button("Cancel", key=f"cancel-{document.id}", on_click=_ask, args=(None,))


def _ask(document_id: str | None) -> None:
    st.session_state[CONFIRM] = document_id


def _confirm(document_id: str, source: str) -> None:
    st.session_state[CONFIRM] = None
    st.session_state[DELETE] = (document_id, source)


def _when(moment: datetime) -> str:
    """In the browser's time zone when Streamlit knows it, else in UTC."""
    if moment.tzinfo is None:  # SQLite drops the zone; the API stores UTC
        moment = moment.replace(tzinfo=UTC)
    try:
        zone = ZoneInfo(st.context.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M %Z}"


if __name__ == "__main__":  # run as a page by st.navigation (see app.py)
    render()
