"""The UI's entry script, run by the `ui` command (or `streamlit run` on this file).

Streamlit runs this file as a script on every interaction, so imports are absolute and the
pages are files next to it (`st.Page` paths), each with a `render()` function.
"""

from pathlib import Path

import streamlit as st
from pydantic import ValidationError

from {{ cookiecutter.package_name }}.settings import get_settings
from {{ cookiecutter.package_name }}.ui import sidebar

HERE = Path(__file__).resolve().parent

try:
    settings = get_settings()
except ValidationError as error:  # a bad environment variable: say which, do not crash
    st.error(f"The settings are invalid (environment or `.env`):\n\n```\n{error}\n```")
    st.stop()
# Material icons ship with Streamlit; emoji need a font the machine may not have.
st.set_page_config(page_title=settings.app_name, page_icon=":material/menu_book:", layout="wide")

page = st.navigation(
    [
        st.Page(HERE / "chat.py", title="Chat", icon=":material/chat:", default=True),
{%- if cookiecutter.include_agent == "yes" %}
        st.Page(HERE / "agent.py", title="Agent", icon=":material/smart_toy:"),
{%- endif %}
        st.Page(HERE / "documents.py", title="Documents", icon=":material/description:"),
    ]
)
sidebar.render(settings)
page.run()
