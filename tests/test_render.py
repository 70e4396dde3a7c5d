"""Render every pairwise combination: exact file set, no leftover Jinja, every config parses."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.combinations import (
    ROOT,
    Combination,
    allowed,
    as_params,
    combination_id,
    pairwise,
    uncovered_pairs,
)
from tests.conftest import render
from tests.expected import expected_files
from tests.gitrepo import git, head_commit

# What running tools leaves behind in a project: not part of what was generated.
TOOL_DIRS = {".git", ".venv", ".mypy_cache", ".pytest_cache", ".ruff_cache", "__pycache__", ".data"}
JINJA_MARKERS = ("{{", "{%", "{#")


COMBINATIONS = as_params(pairwise())
GIT_COMBINATIONS = as_params([combo for combo in pairwise() if combo["init_git"] == "yes"])


def project_files(project: Path) -> set[str]:
    return {
        path.relative_to(project).as_posix()
        for path in project.rglob("*")
        if path.is_file() and not TOOL_DIRS.intersection(path.relative_to(project).parts)
    }


def test_pairwise_set_covers_every_pair_of_answers() -> None:
    combinations = pairwise()
    print(f"\n{len(combinations)} pairwise combinations")

    assert uncovered_pairs(combinations) == set()
    assert all(allowed(combo) for combo in combinations), "none the pre_gen hook refuses"
    assert len({combination_id(c) for c in combinations}) == len(combinations)


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_exact_file_set(rendered: Callable[[Combination], Path], combo: Combination) -> None:
    project = rendered(combo)

    linked = head_commit(ROOT) is not None
    assert project_files(project) == expected_files(combo, package="ai_app", linked=linked)


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_project_is_linked_to_the_template_commit(
    rendered: Callable[[Combination], Path], combo: Combination
) -> None:
    commit = head_commit(ROOT)
    if commit is None:
        pytest.skip("the template is not a git checkout here, so projects record no commit")
    project = rendered(combo)
    state = json.loads((project / ".cruft.json").read_text())
    record = json.loads((project / ".cookiecutter.json").read_text())["cookiecutter"]
    template = git(ROOT, "rev-parse", "--show-toplevel")

    assert (state["template"], state["commit"], state["directory"]) == (template, commit, None)
    context = state["context"]["cookiecutter"]
    assert {key: context[key] for key in combo} == combo
    assert (context["_template"], context["_commit"]) == (template, commit)
    assert record["_template"] == template, "both records name the template alike"
    assert "_commit" not in record, "the commit is .cruft.json's alone"
    assert "_repo_dir" not in context, "no paths of the machine that rendered it"
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert {".git", ".cruft.json", "uv.lock"} <= set(pyproject["tool"]["cruft"]["skip"])


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_no_template_syntax_left(
    rendered: Callable[[Combination], Path], combo: Combination
) -> None:
    project = rendered(combo)
    leftovers = []
    for name in project_files(project):
        try:
            text = (project / name).read_text(encoding="utf-8")
        except UnicodeDecodeError:  # binary sample documents (.pdf, .docx) are copied as is
            continue
        # GitHub Actions expressions are written `${{ ... }}` on purpose.
        text = text.replace("${{", "")
        leftovers += [f"{name}: {marker}" for marker in JINJA_MARKERS if marker in text]

    assert leftovers == []


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_every_config_file_parses(
    rendered: Callable[[Combination], Path], combo: Combination
) -> None:
    project = rendered(combo)
    parsed = 0
    for name in sorted(project_files(project)):
        path = project / name
        if path.suffix == ".toml" or name == "uv.lock":
            tomllib.loads(path.read_text())
        elif path.suffix in {".yml", ".yaml"}:
            yaml.safe_load(path.read_text())
        elif path.suffix == ".json":
            json.loads(path.read_text())
        elif path.suffix == ".jsonl":
            [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        else:
            continue
        parsed += 1

    assert parsed >= 3  # pyproject.toml, uv.lock, .cookiecutter.json at least


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_answers_reach_the_project(
    rendered: Callable[[Combination], Path], combo: Combination
) -> None:
    project = rendered(combo)
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    license_text = (project / "LICENSE").read_text()
    record = json.loads((project / ".cookiecutter.json").read_text())["cookiecutter"]

    assert pyproject["project"]["requires-python"] == f">={combo['python_version']}"
    assert (project / ".python-version").read_text().strip() == combo["python_version"]
    assert pyproject["project"]["scripts"] == {"ai-app": "ai_app.cli:app"}
    assert pyproject["project"].get("license", "Proprietary") == combo["license"]
    first_line = {
        "MIT": "MIT License",
        "Apache-2.0": "Apache License",
        "BSD-3-Clause": "BSD 3-Clause License",
        "Proprietary": "Copyright (c)",
    }[combo["license"]]
    assert license_text.lstrip().startswith(first_line)
    assert {key: record[key] for key in combo} == combo
    assert not {"_output_dir", "_repo_dir", "_checkout"} & record.keys(), "no machine paths"
    assert (project / ".git").is_dir() == (combo["init_git"] == "yes")


LLM_PACKAGES = {
    "openai": "langchain-openai",
    "anthropic": "langchain-anthropic",
    "ollama": "langchain-ollama",
}


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_llm_provider_decides_the_installed_integration(
    rendered: Callable[[Combination], Path], combo: Combination
) -> None:
    project = rendered(combo)
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    env_example = (project / ".env.example").read_text()
    installed = {dep.split(">")[0] for dep in pyproject["project"]["dependencies"]}

    chosen = combo["llm_provider"]
    assert LLM_PACKAGES[chosen] in installed
    # Only the chosen one is a runtime dependency; every one stays an extra.
    others = {package for name, package in LLM_PACKAGES.items() if name != chosen}
    assert installed.isdisjoint(others)
    assert set(LLM_PACKAGES) <= pyproject["project"]["optional-dependencies"].keys()
    assert "LLM_PROVIDER=extractive" in env_example  # offline by default, whatever the answer
    assert f"# LLM_PROVIDER={chosen}" in env_example


AGENT_PACKAGES = {"langchain", "langgraph", "langgraph-checkpoint-sqlite"}


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_include_agent_decides_the_agent_code_and_dependencies(
    rendered: Callable[[Combination], Path], combo: Combination
) -> None:
    project = rendered(combo)
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    installed = {dep.split(">")[0] for dep in pyproject["project"]["dependencies"]}
    sources = "\n".join(path.read_text() for path in (project / "src").rglob("*.py"))
    wanted = combo["include_agent"] == "yes"

    assert installed >= AGENT_PACKAGES if wanted else AGENT_PACKAGES.isdisjoint(installed)
    assert ("/agent/runs" in sources) == wanted
    assert ("AGENT_MAX_STEPS" in (project / ".env.example").read_text()) == wanted
    assert ("langgraph" in sources) == wanted


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_auth_decides_the_key_checking_code_and_settings(
    rendered: Callable[[Combination], Path], combo: Combination
) -> None:
    project = rendered(combo)
    package = project / "src" / "ai_app"
    sources = "\n".join(path.read_text() for path in (project / "src").rglob("*.py"))
    env_example = (project / ".env.example").read_text()
    wanted = combo["auth"] == "api_key"

    assert (package / "api" / "security.py").exists() == wanted
    assert ("compare_digest" in sources) == wanted
    assert ("API_KEYS" in env_example) == wanted
    assert ("ALLOW_UNAUTHENTICATED" in env_example) != wanted
    assert ("def keys_new" in (package / "cli.py").read_text()) == wanted
    # Limits hold whatever the answer: body size and per-client rate.
    assert "RATE_LIMIT" in env_example
    assert "MAX_REQUEST_BYTES" in env_example


@pytest.mark.parametrize("combo", GIT_COMBINATIONS)
def test_git_repository_has_one_clean_commit(
    rendered: Callable[[Combination], Path], combo: Combination
) -> None:
    project = rendered(combo)

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=project, capture_output=True, text=True, check=True
        ).stdout

    assert git("log", "--format=%s").splitlines() == ["Initial commit from cookiecutter-ai-app"]
    assert git("branch", "--show-current").strip() == "main"
    assert git("status", "--porcelain") == "", "every generated file is committed, none ignored"


def test_longest_names_allowed_still_pass_lint(tmp_path: Path) -> None:
    """Names are written into imports, docstrings and messages: at the longest the hooks
    allow, the project must still be ruff-clean (the post-gen hook re-formats it)."""
    project = render(
        tmp_path,
        project_name="Customer Support Knowledge Assistant for Enterpris",  # slug: 50 chars
        description="A very long description " * 6,
        init_git="no",
    )
    package = project / "src" / "customer_support_knowledge_assistant_for_enterpris"

    assert len(project.name) == 50
    assert package.is_dir()
    for check in (["format", "--check"], ["check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *check, "."],
            cwd=project,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
