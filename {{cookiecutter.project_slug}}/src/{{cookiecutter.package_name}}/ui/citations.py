"""How an answer's sources are shown, the same on every page that shows answers."""

import streamlit as st

from {{ cookiecutter.package_name }}.schemas import AnswerCitation
from {{ cookiecutter.package_name }}.ui.state import plain

MAX_NAMES = 3  # file names in the label of the sources expander


def show_citations(citations: list[AnswerCitation]) -> None:
    """A collapsed "Sources: a.md, b.pdf" expander listing each [n] with its snippet."""
    # The file names in the label tell where the answer comes from without opening it.
    names = list(dict.fromkeys(citation.source for citation in citations))
    more = f" and {len(names) - MAX_NAMES} more" if len(names) > MAX_NAMES else ""
    with st.expander(f"Sources: {plain(', '.join(names[:MAX_NAMES]))}{more}"):
        for citation in citations:
            page = f", page {citation.page}" if citation.page is not None else ""
            number = f"**\\[{citation.number}\\]**"  # as the [n] marker in the answer
            st.markdown(f"{number} {plain(citation.source)}{page} · score {citation.score:.3f}")
            st.caption(plain(citation.snippet))
