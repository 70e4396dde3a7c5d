"""The post-generation steps as plain functions: manifest pruning, answer record, the link to
the template (.cruft.json), lock, git."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import post_gen_project as hook
import pytest
from cruft._commands.utils.cruft import json_dumps as cruft_json_dumps

from tests.gitrepo import commit_all, git

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


def test_an_option_given_twice_in_the_manifest_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / hook.MANIFEST_NAME
    first, second = '"vector_store": {"chroma": ["a"]}', '"vector_store": {"qdrant": ["c"]}'
    path.write_text(f'{{{first}, "ci": {{"gitlab": ["b"]}}, {second}}}')

    with pytest.raises(hook.ManifestError, match="'vector_store' given twice"):
        hook.load_manifest(path)


def test_answers_are_recorded_in_replay_format_without_machine_paths(tmp_path: Path) -> None:
    answers = {
        "project_slug": "x",
        "_template": "gh:org/tpl",
        "_output_dir": "/home/me",
        "_repo_dir": "/tmp/r",
        "_commit": "c0ffee",  # the template's version lives in .cruft.json
    }

    record = hook.record_answers(tmp_path, answers)

    assert json.loads(record.read_text()) == {
        "cookiecutter": {"project_slug": "x", "_template": "gh:org/tpl"}
    }


@pytest.fixture(autouse=True)
def _no_enclosing_repository(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """git looks no higher than the test's directory, wherever the temp root is."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


def template_repo(root: Path, folder: str = "") -> Path:
    """A repository with one commit holding a (minimal) template, at its root or in `folder`."""
    template = root / folder
    template.mkdir(parents=True)
    (template / "cookiecutter.json").write_text("{}")
    git(root, "init", "--quiet", "--initial-branch=main")
    commit_all(root, "template")
    return template


def test_a_local_checkout_is_recorded_by_path_commit_and_folder(tmp_path: Path) -> None:
    template = template_repo(tmp_path / "repo", "templates/app")
    answers = {"_template": str(template), "_repo_dir": str(template), "_checkout": None}

    source = hook.template_source(answers, environ={}, parent_cwd=lambda: None)

    assert source == hook.TemplateSource(
        url=str((tmp_path / "repo").resolve()),
        commit=git(template, "rev-parse", "HEAD"),
        directory="templates/app",
    )


def test_a_relative_template_path_is_resolved_where_cookiecutter_ran(tmp_path: Path) -> None:
    template = template_repo(tmp_path / "tpl")
    answers = {"_template": "tpl", "_repo_dir": "tpl"}  # `cookiecutter tpl`, run in tmp_path

    # cookiecutter runs hooks from inside the template: its working directory says where...
    from_parent = hook.template_source(answers, environ={}, parent_cwd=lambda: template)
    # ...and where that cannot be read, the shell's PWD does.
    from_pwd = hook.template_source(answers, {"PWD": str(tmp_path)}, parent_cwd=lambda: None)
    unknown = hook.template_source(answers, environ={}, parent_cwd=lambda: None)

    assert isinstance(from_parent, hook.TemplateSource)
    assert isinstance(from_pwd, hook.TemplateSource)
    assert from_parent.url == from_pwd.url == str(template.resolve())
    assert isinstance(unknown, str)
    assert "cruft link" in unknown


def test_local_templates_are_told_from_clones_of_remote_ones() -> None:
    assert hook.is_local(".", ".")
    assert hook.is_local("../tpl", "../tpl/inner")  # --directory inner
    assert hook.is_local("/src/tpl", "/src/tpl")
    assert not hook.is_local("/src/tpl", "/src/tpl-other")
    assert not hook.is_local("gh:org/tpl", "/home/me/.cookiecutters/tpl")
    assert not hook.is_local("https://example.com/org/tpl.git", "/home/me/.cookiecutters/tpl")


def test_uncommitted_template_changes_are_pointed_out(tmp_path: Path) -> None:
    template = template_repo(tmp_path / "tpl")
    (template / "cookiecutter.json").write_text('{"new": "question"}')
    (tmp_path / "project").mkdir()
    answers = {"project_slug": "x", "_template": str(template), "_repo_dir": str(template)}

    _, notes = hook.link_to_template(tmp_path / "project", answers)

    assert len(notes) == 1
    assert "uncommitted changes" in notes[0]


def test_a_remote_template_is_recorded_by_the_url_it_was_cloned_from(tmp_path: Path) -> None:
    upstream = template_repo(tmp_path / "upstream")
    clone = tmp_path / "cookiecutters" / "tpl"
    git(tmp_path, "clone", "--quiet", str(upstream), str(clone))
    answers = {"_template": "gh:org/tpl", "_repo_dir": str(clone), "_checkout": "main"}

    source = hook.template_source(answers, environ={}, parent_cwd=lambda: None)

    assert source == hook.TemplateSource(
        url=str(upstream), commit=git(clone, "rev-parse", "HEAD"), checkout="main"
    )


def test_a_template_outside_git_is_not_linked_and_the_note_says_how_to(tmp_path: Path) -> None:
    (tmp_path / "tpl").mkdir()
    (tmp_path / "project").mkdir()
    answers = {"_template": str(tmp_path / "tpl"), "_repo_dir": str(tmp_path / "tpl")}

    kept, notes = hook.link_to_template(tmp_path / "project", answers)

    assert kept == answers
    assert not (tmp_path / "project" / hook.CRUFT_NAME).exists()
    assert len(notes) == 1
    assert "`uvx cruft link <template git URL>`" in notes[0]


def test_when_cruft_renders_its_template_and_commit_are_taken() -> None:
    answers = {"_template": "https://example.com/tpl.git", "_commit": "c0ffee"}

    source = hook.template_source(answers, environ={})

    assert source == hook.TemplateSource(url="https://example.com/tpl.git", commit="c0ffee")


def test_cruft_state_is_written_byte_for_byte_as_cruft_create_writes_it(tmp_path: Path) -> None:
    answers = {
        "project_name": "AI App",
        "init_git": "yes",
        "_copy_without_render": ["data/docs/*"],
        "_template": "../tpl",
        "_output_dir": "/home/me",
        "_repo_dir": "../tpl",
        "_checkout": None,
    }
    source = hook.TemplateSource(url="/abs/tpl", commit="c0ffee")

    path = hook.write_cruft_state(tmp_path, hook.cruft_state(answers, source))

    # cruft's own layout and key order: when cruft renders, its rewrite changes nothing.
    assert path.read_text() == cruft_json_dumps(
        {
            "template": "/abs/tpl",
            "commit": "c0ffee",
            "checkout": None,
            "context": {
                "cookiecutter": {
                    "project_name": "AI App",
                    "init_git": "yes",
                    "_copy_without_render": ["data/docs/*"],
                    "_template": "/abs/tpl",
                    "_commit": "c0ffee",
                }
            },
            "directory": None,
        }
    )


def test_cruft_state_keeps_cookiecutter_json_order_when_answers_come_sorted() -> None:
    replayed = {"_template": "tpl", "b_question": "2", "a_question": "1", "_output_dir": "/o"}
    source = hook.TemplateSource(url="/tpl", commit="c0", keys=("b_question", "a_question"))

    context = hook.cruft_state(replayed, source)["context"]

    assert isinstance(context, dict)
    assert list(context["cookiecutter"]) == ["b_question", "a_question", "_template", "_commit"]


def test_both_records_name_the_template_the_same_way(tmp_path: Path) -> None:
    template = template_repo(tmp_path / "tpl")
    project = tmp_path / "project"
    project.mkdir()
    answers = {"project_slug": "x", "_template": f"{template}/", "_repo_dir": f"{template}/"}

    recorded, notes = hook.link_to_template(project, answers)
    hook.record_answers(project, recorded)

    state = json.loads((project / hook.CRUFT_NAME).read_text())
    record = json.loads((project / hook.RECORD_NAME).read_text())["cookiecutter"]
    assert notes == []
    assert state["template"] == record["_template"] == str(template.resolve())
    assert state["context"]["cookiecutter"]["project_slug"] == "x"


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
