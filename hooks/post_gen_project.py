#!/usr/bin/env python3
"""Finish a freshly rendered project: prune, record, lock, commit, explain.

1. Remove the files of features that were not selected, as declared in ONE
   manifest (``template-features.json`` at the project root, rendered like every
   other file, then deleted).
2. Record where the template came from in ``.cruft.json`` (cruft's format: template,
   commit, answers), so ``cruft update`` works whether ``cruft create`` or plain
   ``cookiecutter`` rendered the project; and the answers alone in ``.cookiecutter.json``
   (cookiecutter's replay format, for ``cookiecutter --replay-file``).
3. ``uv lock`` when uv is installed, so the project ships a lock file.
4. Format the code with the locked ruff: the template is formatted for the default
   names, and a longer package name re-wraps imports.
5. ``git init`` and a first commit when asked to.
6. Print the two commands to run next.

The steps are importable functions so the template's tests can call them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MANIFEST_NAME = "template-features.json"
RECORD_NAME = ".cookiecutter.json"
CRUFT_NAME = ".cruft.json"
# Context keys that describe the machine that rendered the project, not the project.
MACHINE_KEYS = frozenset({"_output_dir", "_repo_dir", "_checkout"})
# Not in the answers file either: the template commit, which .cruft.json holds. So the file is
# the same whichever tool rendered the project, and template updates never conflict on it.
UNRECORDED_KEYS = MACHINE_KEYS | {"_commit"}

Manifest = dict[str, dict[str, list[str]]]


class ManifestError(ValueError):
    """The manifest names an option or a path that does not exist."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if repeated := sorted({key for key in keys if keys.count(key) > 1}):
        raise ManifestError(f"{MANIFEST_NAME}: {', '.join(map(repr, repeated))} given twice")
    return dict(pairs)


def load_manifest(path: Path) -> Manifest:
    """Read the manifest; keys starting with ``$`` are comments. A key given twice is an
    error: JSON keeps only the last, which would silently stop pruning the first's files."""
    raw = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_unique_keys)
    return {option: by_value for option, by_value in raw.items() if not option.startswith("$")}


def unselected_paths(manifest: Manifest, answers: Mapping[str, object]) -> list[str]:
    """Paths to delete for these answers.

    A path listed under ``option -> value`` belongs to that value. A path is kept
    only when, for EVERY option that lists it, the chosen value is one it is
    listed under: so listing a path under two values of one option means "either",
    and under two different options means "both".
    """
    owners: dict[str, dict[str, set[str]]] = {}
    for option, by_value in manifest.items():
        if option not in answers:
            raise ManifestError(
                f"{MANIFEST_NAME}: {option!r} is not a question in cookiecutter.json"
            )
        for value, paths in by_value.items():
            for path in paths:
                owners.setdefault(path, {}).setdefault(option, set()).add(value)
    return sorted(
        path
        for path, by_option in owners.items()
        if any(str(answers[option]) not in values for option, values in by_option.items())
    )


def prune(project_dir: Path, manifest: Manifest, answers: Mapping[str, object]) -> list[str]:
    """Delete the unselected paths; return them. Unknown paths are a manifest bug."""
    root = project_dir.resolve()
    removed = unselected_paths(manifest, answers)
    # Checked before anything is deleted: a path may sit inside another one being removed.
    for relative in removed:
        target = root / relative
        if root not in target.resolve().parents:
            raise ManifestError(f"{MANIFEST_NAME}: {relative!r} is outside the project")
        if not (target.exists() or target.is_symlink()):
            raise ManifestError(f"{MANIFEST_NAME}: {relative!r} does not exist in the template")
    for relative in removed:
        target = root / relative
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():  # gone already if its folder was removed
            target.unlink()
        # A folder left empty (docs/ holding only a removed feature's page) goes too.
        parent = target.parent
        while parent != root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    return removed


def record_answers(project_dir: Path, answers: Mapping[str, object]) -> Path:
    """Write the answers (without machine-specific keys) in cookiecutter's replay format.

    So ``cookiecutter TEMPLATE --replay-file .cookiecutter.json`` regenerates the project.
    """
    kept = {key: value for key, value in answers.items() if key not in UNRECORDED_KEYS}
    record = project_dir / RECORD_NAME
    text = json.dumps({"cookiecutter": kept}, indent=2, sort_keys=True)
    record.write_text(text + "\n", encoding="utf-8")
    return record


@dataclass(frozen=True)
class TemplateSource:
    """Where the template came from, in the terms of cruft's ``.cruft.json``."""

    url: str  # what `git clone` takes: a URL, or the absolute path of a local checkout
    commit: str
    checkout: str | None = None  # the branch or tag asked for, if any
    directory: str | None = None  # the template's folder inside the repository, if not its root
    dirty: bool = False  # a local checkout with uncommitted changes: they are not in `commit`
    keys: tuple[str, ...] = ()  # cookiecutter.json's keys in order, when this hook can read it


NOT_LINKED = (
    "no {name} was written: {why}. To take template updates later, link the project: "
    "`uvx cruft link <template git URL>` (docs: Updating from the template, in README.md)."
)


def git_output(git: str, cwd: Path, *args: str) -> str | None:
    result = subprocess.run(
        [git, "-C", str(cwd), *args], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() if result.returncode == 0 else None


def cookiecutter_cwd() -> Path | None:
    """The working directory of this hook's parent, cookiecutter (Linux: /proc; else None).

    cookiecutter runs hooks from inside the template directory, so that is where it is.
    """
    try:
        return Path(f"/proc/{os.getppid()}/cwd").readlink()
    except OSError:
        return None


def template_dir(repo_dir: str, environ: Mapping[str, str], parent_cwd: Path | None) -> Path | None:
    """cookiecutter's copy of the template (``_repo_dir``) as an absolute directory.

    A local template's path is kept as it was typed, relative to where cookiecutter ran, while
    this hook runs inside the new project: a relative one is cookiecutter's working directory
    (``parent_cwd``) or, where that is unknown, the shell's PWD joined with it.
    """
    if not repo_dir:
        return None
    path = Path(repo_dir).expanduser()
    candidates = [path] if path.is_absolute() else [parent_cwd]
    if not path.is_absolute() and environ.get("PWD"):
        candidates.append(Path(environ["PWD"]) / path)
    found = (c for c in candidates if c is not None and (c / "cookiecutter.json").is_file())
    return next((c.resolve() for c in found), None)


def is_local(template: str, repo_dir: str) -> bool:
    """Whether cookiecutter used the template in place (a directory) rather than a clone of it:
    then ``_repo_dir`` is ``_template``, or a folder of it (``--directory``)."""

    def parts(path: str) -> tuple[str, ...]:
        return Path(os.path.normpath(Path(path).expanduser())).parts

    return parts(repo_dir)[: len(parts(template))] == parts(template)


def template_source(
    answers: Mapping[str, object],
    environ: Mapping[str, str] = os.environ,
    parent_cwd: Callable[[], Path | None] = cookiecutter_cwd,
) -> TemplateSource | str:
    """Where the template came from; else a note saying why that cannot be told."""
    if "_commit" in answers and "_repo_dir" not in answers:
        # cruft is rendering (`cruft create`, or the renders of `cruft update`): it says which
        # template and commit. (The cookiecutter command always sets _repo_dir, cruft never.)
        return TemplateSource(url=str(answers["_template"]), commit=str(answers["_commit"]))
    git = shutil.which("git")
    if git is None:
        return NOT_LINKED.format(name=CRUFT_NAME, why="git was not found")
    given = str(answers.get("_repo_dir", ""))
    repo_dir = template_dir(given, environ, parent_cwd() if given else None)
    top = commit = None
    if repo_dir is not None:
        top = git_output(git, repo_dir, "rev-parse", "--show-toplevel")
        commit = git_output(git, repo_dir, "rev-parse", "--verify", "HEAD")
    if repo_dir is None or top is None or commit is None:
        why = "the template is not a git checkout with a commit (a zip file, or a copy)"
        return NOT_LINKED.format(name=CRUFT_NAME, why=why)
    prefix = git_output(git, repo_dir, "rev-parse", "--show-prefix") or ""
    if is_local(str(answers.get("_template", "")), given):
        url = str(Path(top).resolve())
        dirty = bool(git_output(git, repo_dir, "status", "--porcelain", "--", "."))
    else:  # cookiecutter's clone (under ~/.cookiecutters) of a remote template
        remote = git_output(git, repo_dir, "remote", "get-url", "origin")
        if not remote:
            return NOT_LINKED.format(name=CRUFT_NAME, why="the template's clone has no origin")
        url, dirty = remote, False
    checkout = answers.get("_checkout")
    questions = json.loads((repo_dir / "cookiecutter.json").read_text(encoding="utf-8"))
    return TemplateSource(
        url=url,
        commit=commit,
        checkout=str(checkout) if checkout else None,
        directory=prefix.rstrip("/") or None,
        dirty=dirty,
        keys=tuple(questions),
    )


def cruft_state(answers: Mapping[str, object], source: TemplateSource) -> dict[str, object]:
    """What ``cruft create`` writes to .cruft.json for these answers.

    Same keys, order and layout as cruft 2.x: when cruft renders, it rewrites the file after
    this hook with the same bytes, so the first commit (init_git) already holds it as it stays.
    """
    # cruft's order is cookiecutter.json's; the answers come in another one when replayed.
    rank = {key: index for index, key in enumerate(source.keys)}
    ordered = sorted(answers, key=lambda key: rank.get(key, len(rank)))  # stable: others after
    context = {key: answers[key] for key in ordered if key not in MACHINE_KEYS}
    context["_template"] = source.url
    context["_commit"] = source.commit
    return {
        "template": source.url,
        "commit": source.commit,
        "checkout": source.checkout,
        "context": {"cookiecutter": context},
        "directory": source.directory,
    }


def write_cruft_state(project_dir: Path, state: Mapping[str, object]) -> Path:
    path = project_dir / CRUFT_NAME
    text = json.dumps(state, ensure_ascii=False, indent=2, separators=(",", ": "))
    path.write_text(text + "\n", encoding="utf-8")
    return path


def link_to_template(
    project_dir: Path, answers: Mapping[str, object]
) -> tuple[dict[str, object], list[str]]:
    """Write .cruft.json when the template's source is known.

    Returns the answers to record, with ``_template`` named as in .cruft.json (so the renders of
    ``cruft update`` write the same .cookiecutter.json), and notes for the user.
    """
    source = template_source(answers)
    if isinstance(source, str):
        return dict(answers), [source]
    answers = {**answers, "_template": source.url}
    write_cruft_state(project_dir, cruft_state(answers, source))
    if source.dirty:
        return answers, [
            f"the template checkout has uncommitted changes: {CRUFT_NAME} records its last "
            f"commit, {source.commit[:12]}, which does not contain them."
        ]
    return answers, []


def lock(project_dir: Path) -> str | None:
    """Run ``uv lock``; return None on success, else what the user should do."""
    uv = shutil.which("uv")
    if uv is None:
        return "uv was not found, so no uv.lock was written: install uv, then run `uv lock` here."
    result = subprocess.run(
        [uv, "lock", "--quiet"], cwd=project_dir, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines() or ["no output"]
        detail = next((line for line in lines if line.startswith("error:")), lines[-1])
        return f"`uv lock` failed ({detail}); fix that, then run `uv lock` here."
    return None


def locked_version(lock_file: Path, package: str) -> str | None:
    """The version of `package` pinned in a uv.lock file, if it is there."""
    packages = tomllib.loads(lock_file.read_text()).get("package", [])
    return next((p["version"] for p in packages if p.get("name") == package), None)


def format_code(project_dir: Path) -> str | None:
    """Sort imports and format with the project's own (locked) ruff, so that `make lint`
    passes whatever the length of the names; return None on success, else a note."""
    uv = shutil.which("uv")
    lock_file = project_dir / "uv.lock"
    if uv is None or not lock_file.exists():
        return None  # `lock` has already said what to do
    version = locked_version(lock_file, "ruff")
    if version is None:
        return None
    ruff = [uv, "tool", "run", "--quiet", "--from", f"ruff=={version}", "ruff"]
    # --no-cache: a fresh project should not start with a .ruff_cache directory.
    for args in (
        ["check", "--fix-only", "--select", "I", "--quiet", "--no-cache", "."],
        ["format", "--quiet", "--no-cache", "."],
    ):
        result = subprocess.run(
            [*ruff, *args], cwd=project_dir, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            return f"ruff {args[0]} failed ({result.stderr.strip()[:200]}); run `make fmt`."
    return None


def init_git(project_dir: Path, answers: Mapping[str, object]) -> str | None:
    """Create a repository with one commit; return None on success, else a note."""
    git = shutil.which("git")
    if git is None:
        return "git was not found, so no repository was created."

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [git, *args], cwd=project_dir, capture_output=True, text=True, check=False
        )

    identity: list[str] = []
    if run("config", "user.email").returncode != 0:
        # No identity configured (fresh machine, CI): commit as the project's author.
        identity = [
            "-c",
            f"user.name={answers['author_name']}",
            "-c",
            f"user.email={answers['author_email']}",
        ]
    for args in (
        ["init", "--quiet", "--initial-branch=main"],
        ["add", "--all"],
        [
            *identity,
            "-c",
            "commit.gpgsign=false",
            "commit",
            "--quiet",
            "--no-verify",
            "-m",
            "Initial commit from cookiecutter-ai-app",
        ],
    ):
        result = run(*args)
        if result.returncode != 0:
            return f"`git {' '.join(args)}` failed: {result.stderr.strip()}"
    return None


def next_steps(answers: Mapping[str, object], notes: list[str]) -> str:
    slug = answers["project_slug"]
    lines = [f"\nCreated {slug}.", *[f"note: {note}" for note in notes], "", "Next:"]
    lines += [
        f"  cd {slug}",
        "  make run     # ingest the sample documents, start the API on http://127.0.0.1:8000"
        + (" and the UI on http://127.0.0.1:8501" if answers.get("include_ui") == "yes" else ""),
        "  make test    # run the project's own tests",
    ]
    return "\n".join(lines)


def finish(project_dir: Path, answers: Mapping[str, object]) -> list[str]:
    """All post-generation steps; returns notes for the user."""
    manifest_path = project_dir / MANIFEST_NAME
    prune(project_dir, load_manifest(manifest_path), answers)
    manifest_path.unlink()
    answers, notes = link_to_template(project_dir, answers)
    record_answers(project_dir, answers)
    notes += [note for note in [lock(project_dir)] if note]
    notes += [note for note in [format_code(project_dir)] if note]
    if answers.get("init_git") == "yes":
        notes += [note for note in [init_git(project_dir, answers)] if note]
    return notes


def rendered_answers() -> dict[str, object]:
    """The answers, as cookiecutter renders them into this script, in cookiecutter's order."""
    answers: dict[str, object] = json.loads(r"""{{ cookiecutter | jsonify }}""")
    # jsonify sorts the keys; .cruft.json keeps cookiecutter.json's order, as cruft does.
    order: list[str] = json.loads(r"""{{ cookiecutter.keys() | list | jsonify }}""")
    return {key: answers[key] for key in order}


def main() -> int:
    answers = rendered_answers()
    try:
        notes = finish(Path.cwd(), answers)
    except ManifestError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(next_steps(answers, notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
