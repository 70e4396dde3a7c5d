#!/usr/bin/env python3
"""Validate the answers before cookiecutter writes a single project file.

Every rule is a small function so the template's tests can import and call it
directly; ``main`` is what cookiecutter runs. A bad answer prints ONE line that
names the answer, the value and the rule, and the script exits non-zero, which
makes cookiecutter delete the (still empty) project directory.
"""

from __future__ import annotations

import json
import keyword
import re
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

# Names a generated package must not take: importing it would shadow the
# standard library or one of the project's own dependencies.
DEPENDENCY_NAMES = frozenset(
    {
        "anthropic",
        "chromadb",
        "fastapi",
        "httpx",
        "langchain",
        "langchain_core",
        "langgraph",
        "mypy",
        "numpy",
        "ollama",
        "openai",
        "pydantic",
        "pydantic_settings",
        "pytest",
        "qdrant_client",
        "ruff",
        "starlette",
        "streamlit",
        "structlog",
        "test",
        "tests",
        "typer",
        "uvicorn",
    }
)

SLUG_RULE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
PACKAGE_RULE = re.compile(r"^[a-z][a-z0-9_]*$")
EMAIL_RULE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
# The canonical public version form given in PEP 440's appendix.
VERSION_RULE = re.compile(
    r"^([1-9][0-9]*!)?(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*"
    r"((a|b|rc)(0|[1-9][0-9]*))?(\.post(0|[1-9][0-9]*))?(\.dev(0|[1-9][0-9]*))?$"
)
# Free text lands inside TOML and YAML strings; these characters would need escaping there.
UNSAFE_TEXT = re.compile(r'["\\\x00-\x1f\x7f]')


MAX_NAME_CHARS = 50  # project_slug, package_name
MAX_TITLE_CHARS = 80  # project_name


class InvalidAnswer(ValueError):
    """An answer that breaks a rule; ``str()`` is the one line shown to the user."""

    def __init__(self, key: str, value: str, rule: str) -> None:
        super().__init__(f"invalid {key} {value!r}: {rule}")
        self.key = key


def check_length(key: str, value: str, limit: int) -> None:
    if len(value) > limit:
        # Longer names would push generated lines (imports, messages) past the line limit.
        raise InvalidAnswer(key, value, f"must be at most {limit} characters (it has {len(value)})")


def check_slug(value: str) -> None:
    check_length("project_slug", value, MAX_NAME_CHARS)
    if not SLUG_RULE.match(value):
        raise InvalidAnswer(
            "project_slug",
            value,
            "must start with a lowercase letter and use only a-z, 0-9 and single "
            "hyphens between them (e.g. my-ai-app)",
        )


def check_package_name(value: str) -> None:
    check_length("package_name", value, MAX_NAME_CHARS)
    if not PACKAGE_RULE.match(value) or not value.isidentifier():
        raise InvalidAnswer(
            "package_name",
            value,
            "must be a lowercase Python identifier: a letter, then a-z, 0-9 or _ (e.g. my_ai_app)",
        )
    if keyword.iskeyword(value) or keyword.issoftkeyword(value):
        raise InvalidAnswer("package_name", value, "is a Python keyword")
    if value in sys.stdlib_module_names:
        raise InvalidAnswer(
            "package_name", value, "would shadow the standard library module of that name"
        )
    if value in DEPENDENCY_NAMES:
        raise InvalidAnswer(
            "package_name", value, "would shadow a dependency or test package of that name"
        )


def check_email(value: str) -> None:
    if not EMAIL_RULE.match(value):
        raise InvalidAnswer("author_email", value, "must look like name@example.com")


def check_version(value: str) -> None:
    if not VERSION_RULE.match(value):
        raise InvalidAnswer(
            "version", value, "must be a PEP 440 version such as 0.1.0, 1.0.0rc1 or 2.0.0.dev1"
        )


def check_text(key: str) -> Callable[[str], None]:
    """A rule for free text that is written into TOML/YAML strings."""

    def check(value: str) -> None:
        if not value.strip():
            raise InvalidAnswer(key, value, "must not be empty")
        if key == "project_name":
            check_length(key, value, MAX_TITLE_CHARS)
        if UNSAFE_TEXT.search(value):
            raise InvalidAnswer(
                key, value, "must not contain double quotes, backslashes or control characters"
            )

    return check


RULES: dict[str, Callable[[str], None]] = {
    "project_name": check_text("project_name"),
    "project_slug": check_slug,
    "package_name": check_package_name,
    "description": check_text("description"),
    "author_name": check_text("author_name"),
    "author_email": check_email,
    "version": check_version,
}


# Answers that cannot go together: ({question: value, ...}, why). Read by the template's
# tests too, so the pairwise test matrix never asks for a combination refused here.
INCOMPATIBLE: list[tuple[dict[str, str], str]] = [
    (
        {"vector_store": "pgvector", "python_version": "3.13"},
        "needs python_version 3.11 or 3.12: its tests run a real PostgreSQL from the pgserver "
        "package, which has no Python 3.13 wheels yet",
    ),
]


def check_combination(answers: Mapping[str, object]) -> list[str]:
    """One message per incompatible set of answers that was chosen."""
    errors = []
    for combination, why in INCOMPATIBLE:
        if all(str(answers.get(key)) == value for key, value in combination.items()):
            key, value = next(iter(combination.items()))
            errors.append(str(InvalidAnswer(key, value, why)))
    return errors


def validate(answers: Mapping[str, object]) -> list[str]:
    """Return one message per bad answer (empty when every answer is fine)."""
    errors: dict[str, str] = {}
    for key, rule in RULES.items():
        try:
            rule(str(answers.get(key, "")))
        except InvalidAnswer as exc:
            errors[key] = str(exc)
    # A package name derived from a bad slug is bad for the same reason: say it once.
    slug, package = str(answers.get("project_slug", "")), str(answers.get("package_name", ""))
    if "project_slug" in errors and package == slug.replace("-", "_"):
        errors.pop("package_name", None)
    return [*errors.values(), *check_combination(answers)]


# Run detached after this hook exits: once cookiecutter has deleted the project
# directory, remove the empty directories a slug containing "/" made above it.
_CLEANUP = """
import sys, time
from pathlib import Path
project, output = Path(sys.argv[1]), Path(sys.argv[2])
deadline = time.monotonic() + 10
while project.exists() and time.monotonic() < deadline:
    time.sleep(0.05)
for parent in project.parents:
    if parent == output or output not in parent.parents:
        break
    try:
        parent.rmdir()
    except OSError:
        break
"""


def schedule_cleanup(project_dir: Path, output_dir: Path) -> bool:
    """Arrange for empty intermediate directories to go; True if there were any."""
    project_dir, output_dir = project_dir.resolve(), output_dir.resolve()
    if project_dir.parent == output_dir or output_dir not in project_dir.parents:
        return False
    subprocess.Popen(
        [sys.executable, "-c", _CLEANUP, str(project_dir), str(output_dir)],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return True


def rendered_answers() -> dict[str, object]:
    """The answers, as cookiecutter renders them into this script."""
    answers: dict[str, object] = json.loads(r"""{{ cookiecutter | jsonify }}""")
    return answers


def main() -> int:
    answers = rendered_answers()
    errors = validate(answers)
    for line in errors:
        print(f"error: {line}", file=sys.stderr)
    if errors:
        schedule_cleanup(Path.cwd(), Path(str(answers.get("_output_dir", Path.cwd().parent))))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
