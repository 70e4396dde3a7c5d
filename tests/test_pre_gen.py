"""Bad answers: each rule rejects them with one line naming answer, value and rule."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pre_gen_project as hook
import pytest

from tests.combinations import ROOT

GOOD = {
    "project_name": "AI App",
    "project_slug": "ai-app",
    "package_name": "ai_app",
    "description": "An app.",
    "author_name": "Ada Lovelace",
    "author_email": "ada@example.com",
    "version": "0.1.0",
}

BAD_ANSWERS = [
    ("project_slug", "My App", "lowercase letter"),
    ("project_slug", "1app", "lowercase letter"),
    ("project_slug", "ai_app", "hyphens"),
    ("project_slug", "ai-app-", "hyphens"),
    ("project_slug", "ai--app", "hyphens"),
    ("project_slug", "../escape", "lowercase letter"),
    ("project_slug", "a" * 51, "at most 50 characters"),
    ("package_name", "a" * 51, "at most 50 characters"),
    ("project_name", "A" * 81, "at most 80 characters"),
    ("package_name", "1pkg", "Python identifier"),
    ("package_name", "my-pkg", "Python identifier"),
    ("package_name", "MyPkg", "Python identifier"),
    ("package_name", "class", "keyword"),
    ("package_name", "match", "keyword"),
    ("package_name", "json", "standard library"),
    ("package_name", "email", "standard library"),
    ("package_name", "fastapi", "dependency"),
    ("package_name", "langchain", "dependency"),
    ("package_name", "streamlit", "dependency"),
    ("package_name", "test", "dependency"),
    ("author_email", "not-an-email", "name@example.com"),
    ("author_email", "ada@localhost", "name@example.com"),
    ("author_email", "ada lovelace@example.com", "name@example.com"),
    ("version", "v1.0", "PEP 440"),
    ("version", "1.0-beta", "PEP 440"),
    ("version", "latest", "PEP 440"),
    ("version", "01.0", "PEP 440"),
    ("project_name", "   ", "must not be empty"),
    ("project_name", 'The "Best" App', "double quotes"),
    ("description", "C:\\path", "backslashes"),
    ("author_name", "Ada\nLovelace", "control characters"),
]


def test_good_answers_pass() -> None:
    assert hook.validate(GOOD) == []


@pytest.mark.parametrize(
    "version", ["0.1.0", "1.0", "2.0.0rc1", "1.0.0.dev3", "1!2.0", "3.1.post2"]
)
def test_pep440_versions_pass(version: str) -> None:
    assert hook.validate({**GOOD, "version": version}) == []


@pytest.mark.parametrize(("key", "value", "rule"), BAD_ANSWERS)
def test_bad_answer_gives_one_line_naming_it(key: str, value: str, rule: str) -> None:
    # The slug's derived package name would be wrong too: keep it valid to test one answer.
    errors = hook.validate({**GOOD, key: value})

    assert len(errors) == 1
    assert errors[0].startswith(f"invalid {key} {value!r}: ")
    assert rule in errors[0]
    assert "\n" not in errors[0]


def test_a_bad_slug_is_reported_once_even_though_the_package_name_derives_from_it() -> None:
    errors = hook.validate({**GOOD, "project_slug": "My App", "package_name": "My App"})

    assert len(errors) == 1
    assert errors[0].startswith("invalid project_slug 'My App': ")


def test_incompatible_answers_are_refused_with_the_reason() -> None:
    errors = hook.validate({**GOOD, "vector_store": "pgvector", "python_version": "3.13"})

    assert errors == [
        "invalid vector_store 'pgvector': needs python_version 3.11 or 3.12: its tests run a real "
        "PostgreSQL from the pgserver package, which has no Python 3.13 wheels yet"
    ]
    assert hook.validate({**GOOD, "vector_store": "pgvector", "python_version": "3.12"}) == []


def test_an_overridden_bad_package_name_is_reported_with_a_good_slug() -> None:
    errors = hook.validate({**GOOD, "package_name": "os"})

    assert errors == [
        "invalid package_name 'os': would shadow the standard library module of that name"
    ]


def run_cookiecutter(output_dir: Path, *answers: str) -> subprocess.CompletedProcess[str]:
    """The real CLI, as a user runs it."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            str(ROOT),
            "--no-input",
            "-o",
            str(output_dir),
            *answers,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def wait_until_empty(directory: Path, seconds: float = 10) -> list[str]:
    """Leftovers in `directory`; waits for the hook's detached cleanup of nested slugs."""
    deadline = time.monotonic() + seconds
    while any(directory.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return sorted(path.name for path in directory.iterdir())


@pytest.mark.parametrize(
    ("answers", "expected_line"),
    [
        (
            ("project_slug=My App",),
            "error: invalid project_slug 'My App': must start with a lowercase letter",
        ),
        (
            ("project_slug=a/b/c",),
            "error: invalid project_slug 'a/b/c': must start with a lowercase letter",
        ),
        (
            ("package_name=streamlit",),
            "error: invalid package_name 'streamlit': would shadow a dependency",
        ),
        (
            ("author_email=nobody",),
            "error: invalid author_email 'nobody': must look like name@example.com",
        ),
        (("version=one",), "error: invalid version 'one': must be a PEP 440 version"),
        (
            ("vector_store=pgvector", "python_version=3.13"),
            "error: invalid vector_store 'pgvector': needs python_version 3.11 or 3.12",
        ),
        (
            ('description=say "hi"',),
            "error: invalid description 'say \"hi\"': must not contain double quotes",
        ),
    ],
)
def test_cli_stops_with_one_line_and_leaves_no_directory(
    tmp_path: Path, answers: tuple[str, ...], expected_line: str
) -> None:
    result = run_cookiecutter(tmp_path, *answers)

    ours = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert result.returncode != 0
    assert len(ours) == 1, result.stderr
    assert ours[0].startswith(expected_line)
    assert wait_until_empty(tmp_path) == []
