"""The web UI (Streamlit): a client of the HTTP API, never of the RAG code directly.

Run it with the `ui` command (`make ui`), or `streamlit run` on `ui/app.py`.
"""
