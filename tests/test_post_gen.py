"""The post-generation steps as plain functions: manifest pruning, answer record, lock, git."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import post_gen_project as hook
import pytest

MANIFEST: hook.Manifest = {
    "ci": {"github": [".github"], "gitlab": [".gitlab-ci.yml"]},
    "include_ui": {"yes": ["src/app/ui", "src/app/ui_and_agent.py"]},
    "include_agent": {"yes": ["src/app/agent", "src/app/ui_and_agent.py"]},
    "vector_store": {
        "qdrant": ["compose.qdrant.yaml", "k8s/store.yaml"],
        "pgvector": ["k8s/store.yaml"],
    },
}
ANSWERS = {"ci": "github", "include_ui": "yes", "include_agent": "no", "vector_store": "chroma"}


def make_tree(root: Path, paths: list[str]) -> None:
    for relative in paths:
        target = root / relative
        if "." in target.name:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("x")
        else:
            (target / "module.py").parent.mkdir(parents=True, exist_ok=True)
            (target / "module.py").write_text("x")


def test_paths_of_unchosen_values_are_selected_for_removal() -> None:
    assert hook.unselected_paths(MANIFEST, ANSWERS) == [
        ".gitlab-ci.yml",
        "compose.qdrant.yaml",
        "k8s/store.yaml",
        "src/app/agent",
        "src/app/ui_and_agent.py",  # listed under two options: needs both
    ]


def test_a_path_listed_under_two_values_of_one_option_stays_for_either() -> None:
    assert "k8s/store.yaml" not in hook.unselected_paths(
        MANIFEST, {**ANSWERS, "vector_store": "pgvector"}
    )
    assert "k8s/store.yaml" not in hook.unselected_paths(
        MANIFEST, {**ANSWERS, "vector_store": "qdrant"}
    )


def test_a_path_listed_under_two_options_stays_only_when_both_are_chosen() -> None:
    both = {**ANSWERS, "include_agent": "yes"}

    assert "src/app/ui_and_agent.py" not in hook.unselected_paths(MANIFEST, both)


def test_prune_deletes_files_and_directories(tmp_path: Path) -> None:
    every_path = [
        ".github/workflows/ci.yml",
        ".gitlab-ci.yml",
        "compose.qdrant.yaml",
        "k8s/store.yaml",
        "src/app/agent",
        "src/app/ui",
        "src/app/ui_and_agent.py",
        "README.md",
    ]
    make_tree(tmp_path, every_path)

    removed = hook.prune(tmp_path, MANIFEST, ANSWERS)

    assert removed == hook.unselected_paths(MANIFEST, ANSWERS)
    remaining = sorted(
        p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()
    )
    assert remaining == [".github/workflows/ci.yml", "README.md", "src/app/ui/module.py"]


def test_a_manifest_naming_an_unknown_question_is_an_error() -> None:
    with pytest.raises(hook.ManifestError, match="'include_ui' is not a question"):
        hook.unselected_paths(MANIFEST, {"ci": "github"})


def test_a_manifest_naming_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(hook.ManifestError, match=r"'\.gitlab-ci\.yml' does not exist"):
        hook.prune(tmp_path, {"ci": {"gitlab": [".gitlab-ci.yml"]}}, {"ci": "none"})


def test_a_manifest_path_outside_the_project_is_refused(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    (tmp_path / "precious.txt").write_text("keep me")

    with pytest.raises(hook.ManifestError, match="outside the project"):
        hook.prune(tmp_path / "project", {"ci": {"gitlab": ["../precious.txt"]}}, {"ci": "none"})
    assert (tmp_path / "precious.txt").exists()


def test_comment_keys_in_the_manifest_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / hook.MANIFEST_NAME
    path.write_text(json.dumps({"$comment": "why", "ci": {"gitlab": [".gitlab-ci.yml"]}}))

    assert hook.load_manifest(path) == {"ci": {"gitlab": [".gitlab-ci.yml"]}}


def test_answers_are_recorded_in_replay_format_without_machine_paths(tmp_path: Path) -> None:
    answers = {
        "project_slug": "x",
        "_template": "gh:org/tpl",
        "_output_dir": "/home/me",
        "_repo_dir": "/tmp/r",
    }

    record = hook.record_answers(tmp_path, answers)

    assert json.loads(record.read_text()) == {
        "cookiecutter": {"project_slug": "x", "_template": "gh:org/tpl"}
    }


def test_lock_without_uv_says_what_to_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)

    note = hook.lock(tmp_path)

    assert note is not None
    assert "run `uv lock`" in note


def test_lock_failure_reports_uv_error_line(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\nversion = 'not a version'\n")

    note = hook.lock(tmp_path)

    assert note is not None
    assert note.startswith("`uv lock` failed")
    assert "run `uv lock` here" in note


def test_git_commit_uses_the_author_when_no_identity_is_configured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/.gitconfig
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    (tmp_path / "README.md").write_text("hi")

    note = hook.init_git(tmp_path, {"author_name": "Ada", "author_email": "ada@example.com"})

    assert note is None
    author = subprocess.run(
        ["git", "log", "--format=%an <%ae>"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert author == "Ada <ada@example.com>"


def test_next_steps_name_the_two_commands() -> None:
    text = hook.next_steps({"project_slug": "my-app"}, ["uv was not found"])

    assert "cd my-app" in text
    assert "make run" in text
    assert "make test" in text
    assert "note: uv was not found" in text
