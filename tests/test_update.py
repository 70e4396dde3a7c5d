"""Template updates with cruft, end to end, as docs/updating.md tells users to do them.

An older template (this working tree, committed as v1 in a repository of its own) renders a
project, the project's team edits and commits it, the template gets a v2 commit, and
`cruft update -y` must bring v2's changes in, keep the team's, and leave a project that passes
its own checks. Slow (several renders, one generated suite), so marked.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.combinations import ROOT
from tests.gitrepo import commit_all, git, git_env
from tests.test_suite import make

# A small combination: the update machinery does not depend on the features.
ANSWERS = {
    "vector_store": "chroma",
    "include_ui": "no",
    "include_agent": "no",
    "auth": "none",
    "ci": "none",
    "init_git": "yes",
}
NOT_TEMPLATE = shutil.ignore_patterns(
    ".git", ".venv", ".tools", "build", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache"
)
TEAM_TITLE = "# AI App, ACME edition"
TEMPLATE_README_LINE = "`make version` prints the installed name and version."

# v2 of the template: a new module with its test, a Makefile target using it, a README line.
ABOUT = '''"""What this installation is, for `make version` and support requests."""

from {{ cookiecutter.package_name }} import __version__


def describe() -> str:
    """The distribution's name and version, on one line."""
    return f"{{ cookiecutter.project_slug }} {__version__}"
'''
ABOUT_TEST = """from {{ cookiecutter.package_name }} import __version__
from {{ cookiecutter.package_name }}.about import describe


def test_describe_names_the_distribution_and_its_version() -> None:
    assert describe() == f"{{ cookiecutter.project_slug }} {__version__}"
"""
PRINT_VERSION = "from {{ cookiecutter.package_name }}.about import describe; print(describe())"
VERSION_TARGET = (
    "version: ## Print the installed name and version\n"
    + f'\t@$(UV) run python -c "{PRINT_VERSION}"\n\n'
)
# The team's own code, which no update may touch.
GREETING = '''"""Our greeting."""


def greet(name: str) -> str:
    """Greet someone by name."""
    return f"Hello, {name}!"
'''
GREETING_TEST = """from ai_app.greeting import greet


def test_greet_says_hello_by_name() -> None:
    assert greet("Ada") == "Hello, Ada!"
"""


def older_template(tmp_path: Path) -> tuple[Path, str]:
    """This template's working tree as the first commit (v1) of a repository of its own."""
    template = tmp_path / "template"
    shutil.copytree(ROOT, template, ignore=NOT_TEMPLATE)
    git(template, "init", "--quiet", "--initial-branch=main")
    return template, commit_all(template, "v1")


def release_v2(template: Path) -> str:
    """Commit a realistic template change; returns the commit."""
    project = template / "{{cookiecutter.project_slug}}"
    (project / "src" / "{{cookiecutter.package_name}}" / "about.py").write_text(ABOUT)
    (project / "tests" / "unit" / "test_about.py").write_text(ABOUT_TEST)
    for name, anchor, addition in (
        ("Makefile", "help: ## List the targets\n", VERSION_TARGET),
        ("README.md", "## Tests\n", f"{TEMPLATE_README_LINE}\n\n"),
    ):
        path = project / name
        text = path.read_text()
        assert anchor in text, f"the v2 change needs {anchor!r} in {name}"
        if name == "README.md":  # after the heading
            text = text.replace(anchor, f"{anchor}\n{addition}", 1)
        else:  # before the line
            text = text.replace(anchor, addition + anchor, 1)
        path.write_text(text)
    return commit_all(template, "v2: `make version`")


def edit_as_the_team(project: Path) -> None:
    """Change a generated line and add code of our own, then commit."""
    readme = project / "README.md"
    lines = readme.read_text().splitlines(keepends=True)
    assert lines[0] == "# AI App\n"
    readme.write_text("".join([f"{TEAM_TITLE}\n", *lines[1:]]))
    (project / "src" / "ai_app" / "greeting.py").write_text(GREETING)
    (project / "tests" / "unit" / "test_greeting.py").write_text(GREETING_TEST)
    commit_all(project, "Our own changes")


def run(cwd: Path, uv: str, *command: str) -> subprocess.CompletedProcess[str]:
    """A command as a user runs it: this environment's uv first on PATH (the hook locks with it)."""
    env = git_env()
    env["PATH"] = f"{Path(uv).parent}:{env['PATH']}"
    env["PWD"] = str(cwd)  # as a shell sets it
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=900
    )


def cruft(cwd: Path, uv: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run(cwd, uv, sys.executable, "-m", "cruft", *args)


def cruft_state(project: Path) -> dict[str, object]:
    state: dict[str, object] = json.loads((project / ".cruft.json").read_text())
    return state


def update(project: Path, uv: str) -> None:
    """The documented steps: check, update without asking; then what the update must leave."""
    assert cruft(project, uv, "check").returncode == 1, "check sees that the template moved on"
    result = cruft(project, uv, "update", "-y")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "has been updated" in result.stdout, result.stdout + result.stderr


def assert_updated(project: Path, uv: str, v2: str) -> None:
    # The template's change is in...
    assert (project / "src" / "ai_app" / "about.py").read_text() == ABOUT.replace(
        "{{ cookiecutter.package_name }}", "ai_app"
    ).replace("{{ cookiecutter.project_slug }}", "ai-app")
    assert (project / "tests" / "unit" / "test_about.py").exists()
    assert (
        "\nversion: ## Print the installed name and version\n" in (project / "Makefile").read_text()
    )
    readme = (project / "README.md").read_text()
    assert TEMPLATE_README_LINE in readme
    # ...the team's changes are kept...
    assert readme.startswith(f"{TEAM_TITLE}\n")
    assert (project / "src" / "ai_app" / "greeting.py").read_text() == GREETING
    assert (project / "tests" / "unit" / "test_greeting.py").read_text() == GREETING_TEST
    # ...nothing conflicted, and the project is recorded at v2.
    assert sorted(project.rglob("*.rej")) == []
    assert git(project, "ls-files", "--unmerged") == ""
    assert cruft_state(project)["commit"] == v2
    # cruft rewrote .cruft.json in its own layout: only the two commit lines differ from the
    # hook's, whichever tool rendered the project.
    assert git(project, "diff", "--numstat", "HEAD", "--", ".cruft.json") == "2\t2\t.cruft.json"
    check = cruft(project, uv, "check")
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.slow
def test_cruft_update_brings_in_the_template_and_keeps_the_teams_changes(
    tmp_path: Path, uv: str
) -> None:
    template, v1 = older_template(tmp_path)
    created = cruft(
        tmp_path,
        uv,
        "create",
        str(template),
        "--no-input",
        "--output-dir",
        str(tmp_path / "projects"),
        "--extra-context",
        json.dumps(ANSWERS),
    )
    assert created.returncode == 0, created.stdout + created.stderr
    project = tmp_path / "projects" / "ai-app"
    assert cruft_state(project)["commit"] == v1
    # cruft rewrote .cruft.json after the hook's first commit, with the same bytes.
    assert git(project, "status", "--porcelain") == "", "the first commit holds everything"

    edit_as_the_team(project)
    v2 = release_v2(template)
    update(project, uv)

    assert_updated(project, uv, v2)
    assert run(project, uv, uv, "lock").returncode == 0  # documented: uv.lock is the project's
    commit_all(project, "Update from the template")
    for target in ("install", "lint", "typecheck", "test"):
        result = make(project, uv, target, '-m "not e2e" -rA')
        assert result.returncode == 0, f"make {target} failed:\n{result.stdout}\n{result.stderr}"
    assert "PASSED tests/unit/test_about.py::" in result.stdout, "the template's new test ran"
    assert "PASSED tests/unit/test_greeting.py::" in result.stdout, "the team's test ran"
    version = make(project, uv, "version")
    # (Under a parent make, as in `make test`, make also prints its Entering/Leaving lines.)
    assert "ai-app 0.1.0" in version.stdout.splitlines(), version.stdout + version.stderr
    shutil.rmtree(project / ".venv")


@pytest.mark.slow
def test_a_project_made_by_plain_cookiecutter_updates_the_same_way(tmp_path: Path, uv: str) -> None:
    template, v1 = older_template(tmp_path)
    answers = [f"{key}={value}" for key, value in ANSWERS.items()]
    # Relative template path, as in `cookiecutter ../template`: the hook resolves it.
    created = run(
        tmp_path / "template",
        uv,
        sys.executable,
        "-m",
        "cookiecutter",
        ".",
        "--no-input",
        "--output-dir",
        str(tmp_path / "projects"),
        *answers,
    )
    assert created.returncode == 0, created.stdout + created.stderr
    project = tmp_path / "projects" / "ai-app"
    assert (cruft_state(project)["template"], cruft_state(project)["commit"]) == (
        str(template.resolve()),
        v1,
    )
    assert git(project, "status", "--porcelain") == ""

    edit_as_the_team(project)
    v2 = release_v2(template)
    update(project, uv)

    assert_updated(project, uv, v2)
