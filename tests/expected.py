"""The exact set of files a generated project must contain, per answer.

Kept by hand on purpose: it is a second, independent statement of what the
manifest (`template-features.json`) and the hooks should produce, so a file that
appears or disappears by mistake fails a test. A feature that adds files adds them here.
"""

from __future__ import annotations

from collections.abc import Mapping

ALWAYS = """
.cookiecutter.json
.env.example
.gitignore
.python-version
LICENSE
Makefile
README.md
pyproject.toml
uv.lock
src/{package}/__init__.py
src/{package}/__main__.py
src/{package}/py.typed
src/{package}/settings.py
src/{package}/schemas.py
src/{package}/cli.py
src/{package}/api/__init__.py
src/{package}/api/app.py
src/{package}/api/deps.py
src/{package}/api/errors.py
src/{package}/api/middleware.py
src/{package}/api/readiness.py
src/{package}/api/routes/__init__.py
src/{package}/api/routes/health.py
tests/__init__.py
tests/conftest.py
tests/api/__init__.py
tests/api/test_errors.py
tests/api/test_health.py
tests/api/test_request_id.py
tests/e2e/__init__.py
tests/e2e/test_serve.py
tests/unit/__init__.py
tests/unit/test_cli.py
tests/unit/test_settings.py
"""

# (question, answer) -> files present only with that answer.
WHEN: dict[tuple[str, str], str] = {
    ("ci", "github"): ".github/workflows/ci.yml",
    ("ci", "gitlab"): ".gitlab-ci.yml",
}


def expected_files(answers: Mapping[str, str], package: str) -> set[str]:
    lines = ALWAYS.split()
    for (question, answer), files in WHEN.items():
        if answers.get(question) == answer:
            lines += files.split()
    return {line.format(package=package) for line in lines}
