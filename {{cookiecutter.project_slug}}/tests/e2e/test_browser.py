"""The UI in a real browser: API and UI started as a user would, Chromium driven by Playwright.

Uses the system's Chromium (Debian package `chromium`); Playwright downloads nothing. The
screenshot is kept under the test's temporary directory, or in UI_SCREENSHOT_DIR when set.
"""

import json
import os
{% if cookiecutter.include_agent == "yes" -%}
import re
{% endif -%}
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from {{ cookiecutter.package_name }}.settings import Settings
from tests.conftest import SAMPLE_DOCS, settings_env
from tests.e2e.conftest import COMMAND, STARTUP_TIMEOUT_S, ServerFactory, free_port

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Headless, and nothing that reaches for the network on its own (refused here anyway).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
QUESTION = "Which address do I email to make a warranty claim?"
SECOND_QUESTION = "Does the warranty transfer to a second owner?"
TIMEOUT_MS = 30_000


@pytest.fixture
def browser_path() -> str:
    if not Path(CHROMIUM).exists():
        reason = "Chromium is not installed (Debian: apt-get install chromium)"
        if os.environ.get("AI_APP_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture
def ui_url(start_server: ServerFactory, tmp_path: Path, settings: Settings) -> Iterator[str]:
    """The API (real `serve` command) and the UI (real `ui` command) on free ports; the
    UI stops after the test, the API with `start_server.stop()` or after the test."""
    api = start_server({})
    port = free_port()
    log = tmp_path / "ui.log"
    env = {**os.environ, "DATA_DIR": str(settings.data_dir)}
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own console script
            [shutil.which(COMMAND) or COMMAND, "ui", "--port", str(port), "--api-url", api],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the UI did not start: {log.read_text()}")
            try:
                if httpx2.get(f"{url}/_stcore/health", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_upload_ask_and_give_feedback_in_a_browser(
    browser_path: str,
    ui_url: str,
    start_server: ServerFactory,
    settings: Settings,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions do (their own default is 5 s): on a loaded CI machine
    # the UI's first run, which renders "API ready", has taken longer.
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=browser_path, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(ui_url)
        expect(page.get_by_text("API ready")).to_be_visible()  # the first run has finished

        # Documents: upload a sample file and see its result.
        page.get_by_role("link", name="Documents").click()
        page.locator("input[type=file]").set_input_files(str(SAMPLE_DOCS / "warranty.md"))
        page.get_by_role("button", name="Add to knowledge base").click()
        expect(page.get_by_text("added").first).to_be_visible()

        # Chat: ask; the answer streams in, then its sources.
        page.get_by_role("link", name="Chat").click()
        # Each page's own input, by its placeholder: after a page switch the old page's input
        # may still be on screen for a moment, and a fill there would be lost.
        chat_input = page.get_by_placeholder("Ask a question about your documents")
        chat_input.fill(QUESTION)
        submitted = time.perf_counter()
        chat_input.press("Enter")
        page.get_by_test_id("stChatMessage").nth(1).get_by_text("Email").first.wait_for()
        first_text_ms = (time.perf_counter() - submitted) * 1000
        expect(page.get_by_text("warranty@pedalwright.example").first).to_be_visible()
        expect(page.get_by_text("Sources: warranty.md").first).to_be_visible()

        # Feedback: thumbs down with a comment.
        page.get_by_role("radio", name="Thumbs down").first.click()
        page.get_by_placeholder("What was right or wrong?").fill("Too long; I wanted just the address.")
        page.get_by_role("button", name="Send feedback").click()
        expect(page.get_by_text("Feedback sent").first).to_be_visible()

        # A second question, now that the page and the API are warm.
        chat_input.fill(SECOND_QUESTION)
        submitted = time.perf_counter()
        chat_input.press("Enter")
        page.get_by_test_id("stChatMessage").nth(3).get_by_text("second owner").first.wait_for()
        warm_first_text_ms = (time.perf_counter() - submitted) * 1000
        expect(page.get_by_text("Sources: warranty.md").nth(1)).to_be_visible()  # complete

        shots = Path(os.environ.get("UI_SCREENSHOT_DIR", tmp_path))
        shot = shots / "ui-chat.png"
        page.screenshot(path=str(shot), full_page=True)
{%- if cookiecutter.include_agent == "yes" %}

        # Agent: the first question again; its search step finishes, then the cited answer.
        page.get_by_role("link", name="Agent").click()
        agent_input = page.get_by_placeholder("Ask the agent")
        agent_input.fill(QUESTION)
        expect(agent_input).to_have_value(QUESTION)
        agent_input.press("Enter")
        step = page.get_by_text(re.compile(r"^search_documents\(query=.* · [\d.]+ m?s$"))
        expect(step.first).to_be_visible()  # its label ends with the duration once done
        expect(page.get_by_text("Sources: warranty.md").first).to_be_visible()
        agent_shot = shots / "ui-agent.png"
        page.screenshot(path=str(agent_shot), full_page=True)
        assert agent_shot.stat().st_size > 10_000
{%- endif %}
        browser.close()
    print(
        f"UI: submit to first answer text {first_text_ms:.0f} ms (first question), "
        f"{warm_first_text_ms:.0f} ms (second); screenshots in {shots}"
    )
    assert shot.stat().st_size > 10_000

    # The thumbs-down is now an eval candidate (the API is stopped first: it owns the store).
    start_server.stop()
    candidates = tmp_path / "candidates.jsonl"
    exported = subprocess.run(  # noqa: S603 - our own console script
        [shutil.which(COMMAND) or COMMAND, "feedback", "export", "--output", str(candidates)],
        env={**os.environ, **settings_env(settings)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert exported.returncode == 0, exported.stdout + exported.stderr
    (line,) = candidates.read_text().splitlines()
    candidate = json.loads(line)
    assert candidate["question"] == QUESTION
    assert candidate["comment"] == "Too long; I wanted just the address."
