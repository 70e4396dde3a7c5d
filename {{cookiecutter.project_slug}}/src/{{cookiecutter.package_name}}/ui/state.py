"""What the pages share through `st.session_state`: the connection settings the sidebar
edits, the client built from them, the chat history, and how errors are shown."""

import re
from dataclasses import dataclass, field
from uuid import uuid4

import streamlit as st

from {{ cookiecutter.package_name }}.schemas import AnswerCitation, Rating
from {{ cookiecutter.package_name }}.settings import Settings, get_settings
from {{ cookiecutter.package_name }}.ui.client import ApiClient
from {{ cookiecutter.package_name }}.ui.errors import ApiError

API_URL = "api_url"
API_KEY = "api_key"  # pragma: allowlist secret (the name of a widget, not a key)
TOP_K = "top_k"
# QueryRequest.top_k is capped at 50 by the API, whatever MAX_TOP_K says.
ANSWER_TOP_K_LIMIT = 50
_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
_ANSWER_MARKUP = re.compile(r"[<\[$]")


@dataclass
class Turn:
    """One question of the chat and what came back (kept for the whole session)."""

    question: str
    answer: str = ""
    citations: list[AnswerCitation] = field(default_factory=list)
    error: str | None = None
    feedback_sent: Rating | None = None
    # Widget keys derive from it: stable however the history changes.
    id: str = field(default_factory=lambda: uuid4().hex)


def top_k_limit(settings: Settings) -> int:
    return max(1, min(settings.max_top_k, ANSWER_TOP_K_LIMIT))


def init_defaults(settings: Settings) -> None:
    """Prefill the sidebar from the settings once per session; after that the user's edits
    win (a widget's key in session state is its value)."""
    # A blank URL (the field cleared, or sent empty by a click before the first run
    # finished) falls back to the configured one rather than breaking every request.
    if not str(st.session_state.get(API_URL) or "").strip():
        st.session_state[API_URL] = settings.ui_api_url
    key = settings.ui_api_key.get_secret_value() if settings.ui_api_key else ""
    st.session_state.setdefault(API_KEY, key)
    st.session_state.setdefault(TOP_K, min(settings.default_top_k, top_k_limit(settings)))


def api_client() -> ApiClient:
    """A client for the API the sidebar points at. Raises ApiError for a malformed URL."""
    settings = get_settings()
    if API_URL not in st.session_state:  # a page run on its own has had no sidebar
        init_defaults(settings)
    url = str(st.session_state.get(API_URL) or "").strip() or settings.ui_api_url
    key = str(st.session_state.get(API_KEY) or "")
    return ApiClient(url, key.strip() or None)


def top_k() -> int:
    value: int = st.session_state.get(TOP_K) or get_settings().default_top_k
    return value


def describe(error: ApiError) -> str:
    """The message, with the request id to quote when the API gave one."""
    return f"{error} (request id: {error.request_id})" if error.request_id else str(error)


def show_error(error: ApiError | str) -> None:
    st.error(error if isinstance(error, str) else describe(error), icon=":material/error:")


def plain(text: str) -> str:
    """Text for st.markdown shown as written: a snippet's `# Title` must not become a
    heading (every ASCII punctuation mark may be backslash-escaped in Markdown)."""
    return _PUNCTUATION.sub(r"\\\g<0>", text)


def answer_markdown(text: str) -> str:
    """The model's answer keeps its Markdown (emphasis, lists, code) but is text for the
    rest. Model output is untrusted (OWASP LLM05): a document can talk a model into writing
    HTML, or an image whose URL carries data away when shown. So `<` (raw HTML, autolinks)
    and `[` (links, images) are escaped, as is `$`, which would start LaTeX."""
    return _ANSWER_MARKUP.sub(r"\\\g<0>", text)
