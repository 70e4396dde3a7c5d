"""The sidebar: which API to talk to, how many sources per answer, and the API's health."""

import streamlit as st

from {{ cookiecutter.package_name }}.schemas import ReadinessResponse
from {{ cookiecutter.package_name }}.settings import Settings
from {{ cookiecutter.package_name }}.ui.errors import ApiError
from {{ cookiecutter.package_name }}.ui.state import (
    API_KEY,
    API_URL,
    TOP_K,
    api_client,
    describe,
    init_defaults,
    plain,
    top_k_limit,
)


def render(settings: Settings) -> None:
    init_defaults(settings)
    with st.sidebar:
        st.text_input("API URL", key=API_URL, help="Where the API runs (UI_API_URL).")
        st.text_input(
            "API key",
            key=API_KEY,
            type="password",
            help="Sent as a bearer token (UI_API_KEY). Leave empty if the API needs none.",
        )
        limit = top_k_limit(settings)
        if limit > 1:  # a slider needs two distinct ends
            st.slider(
                "Sources per answer",
                min_value=1,
                max_value=limit,
                key=TOP_K,
                help="How many passages the answer may draw on (top-k).",
            )
        _health()


def _health() -> None:
    """/readyz on every rerun: cheap, and a stale 'ready' would mislead more than help."""
    try:
        with api_client() as client:
            readiness = client.readiness()
    except ApiError as error:
        st.error(describe(error), icon=":material/cloud_off:")
        return
    _show_readiness(readiness)


def _show_readiness(readiness: ReadinessResponse) -> None:
    ready = readiness.status == "ready"
    label = "API ready" if ready else "API not ready"
    with st.status(label, state="complete" if ready else "error", expanded=not ready):
        for name, check in readiness.checks.items():
            icon = ":material/check_circle:" if check.status == "ok" else ":material/cancel:"
            detail = f": {plain(check.detail)}" if check.detail else ""
            st.markdown(f"{icon} **{plain(name)}**{detail}")
