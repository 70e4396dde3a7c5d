"""The Chat page: ask, watch the answer being written, check its sources, rate it."""

from collections.abc import Iterator

import streamlit as st

from {{ cookiecutter.package_name }}.schemas import (
    MAX_QUESTION_CHARS,
    CitationsEvent,
    FeedbackRequest,
    Rating,
    TokenEvent,
)
from {{ cookiecutter.package_name }}.ui.citations import show_citations
from {{ cookiecutter.package_name }}.ui.client import ApiClient
from {{ cookiecutter.package_name }}.ui.errors import ApiError
from {{ cookiecutter.package_name }}.ui.state import (
    Turn,
    answer_markdown,
    api_client,
    describe,
    plain,
    show_error,
    top_k,
)

HISTORY = "chat_history"
# FeedbackRequest's limits: an over-long answer is still worth rating, so it is cut.
MAX_FEEDBACK_ANSWER = 20_000
MAX_FEEDBACK_CITATIONS = 50


def render() -> None:
    st.title("Chat")
    history: list[Turn] = st.session_state.setdefault(HISTORY, [])
    if history:
        st.button("New conversation", on_click=history.clear)
    else:
        st.caption("Ask a question about your documents; each answer cites its sources.")
    try:
        client = api_client()
    except ApiError as error:
        show_error(error)
        return
    with client:
        for turn in history:
            _show_turn(turn, client)
        if question := st.chat_input(
            "Ask a question about your documents", max_chars=MAX_QUESTION_CHARS
        ):
            turn = Turn(question)
            history.append(turn)  # before asking: it stays in the history even if that fails
            with st.chat_message("user"):
                st.markdown(plain(question))
            with st.chat_message("assistant"):
                _stream(turn, client)
                _show_extras(turn, client)


def _show_turn(turn: Turn, client: ApiClient) -> None:
    with st.chat_message("user"):
        st.markdown(plain(turn.question))
    with st.chat_message("assistant"):
        if turn.answer:
            st.markdown(answer_markdown(turn.answer))
        _show_extras(turn, client)


def _stream(turn: Turn, client: ApiClient) -> None:
    """Write the answer token by token; citations arrive after the last token."""

    def texts() -> Iterator[str]:
        for event in client.stream_answer(turn.question, top_k()):
            if isinstance(event, TokenEvent):
                turn.answer += event.text
                yield answer_markdown(event.text)
            elif isinstance(event, CitationsEvent):
                turn.citations = event.citations

    try:
        st.write_stream(texts())
    except ApiError as error:  # what was written so far stays on screen, above the error
        turn.error = describe(error)


def _show_extras(turn: Turn, client: ApiClient) -> None:
    if turn.error:
        show_error(turn.error)
    if turn.citations:
        show_citations(turn.citations)
    if turn.answer and not turn.error:
        _feedback(turn, client)


def _feedback(turn: Turn, client: ApiClient) -> None:
    """👍/👎, an optional comment, then Send: the rating alone is not sent, so a comment
    can follow it."""
    if turn.feedback_sent:
        _thanks(turn.feedback_sent)
        return
    choice = st.feedback("thumbs", key=f"rating-{turn.id}")
    if choice is None:
        return
    comment = st.text_input(
        "Comment (optional)",
        key=f"comment-{turn.id}",
        max_chars=2000,
        placeholder="What was right or wrong?",
    )
    if not st.button("Send feedback", key=f"send-{turn.id}"):
        return
    request = FeedbackRequest(
        rating="up" if choice == 1 else "down",  # thumbs: 0 is 👎, 1 is 👍
        comment=comment.strip() or None,
        question=turn.question,
        answer=turn.answer[:MAX_FEEDBACK_ANSWER],
        citation_ids=[c.chunk_id for c in turn.citations][:MAX_FEEDBACK_CITATIONS],
    )
    try:
        client.feedback(request)
    except ApiError as error:
        show_error(error)
        return
    turn.feedback_sent = request.rating
    # Draw the page again: this run has already drawn the rating, comment and button, which
    # would otherwise stay on screen next to the thanks.
    st.rerun()


def _thanks(rating: Rating) -> None:
    st.success("Feedback sent. Thank you!", icon=f":material/thumb_{rating}:")


if __name__ == "__main__":  # run as a page by st.navigation (see app.py)
    render()
