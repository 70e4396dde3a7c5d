#!/usr/bin/env python3
"""Finish a freshly rendered project: prune, record, lock, commit, explain.

1. Remove the files of features that were not selected, as declared in ONE
   manifest (``template-features.json`` at the project root, rendered like every
   other file, then deleted).
2. Record the answers in ``.cookiecutter.json`` so the project can be updated
   from the template later (cruft, or ``cookiecutter --replay-file``).
3. ``uv lock`` when uv is installed, so the project ships a lock file.
4. Format the code with the locked ruff: the template is formatted for the default
   names, and a longer package name re-wraps imports.
5. ``git init`` and a first commit when asked to.
6. Print the two commands to run next.

The steps are importable functions so the template's tests can call them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path

MANIFEST_NAME = "template-features.json"
RECORD_NAME = ".cookiecutter.json"
# Context keys that describe the machine that rendered the project, not the project.
MACHINE_KEYS = frozenset({"_output_dir", "_repo_dir", "_checkout"})

Manifest = dict[str, dict[str, list[str]]]


class ManifestError(ValueError):
    """The manifest names an option or a path that does not exist."""


def load_manifest(path: Path) -> Manifest:
    """Read the manifest; keys starting with ``$`` are comments."""
    raw = json.loads(path.read_text(encoding="utf-8"))
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
    kept = {key: value for key, value in answers.items() if key not in MACHINE_KEYS}
    record = project_dir / RECORD_NAME
    text = json.dumps({"cookiecutter": kept}, indent=2, sort_keys=True)
    record.write_text(text + "\n", encoding="utf-8")
    return record


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
    record_answers(project_dir, answers)
    notes = [note for note in [lock(project_dir)] if note]
    notes += [note for note in [format_code(project_dir)] if note]
    if answers.get("init_git") == "yes":
        notes += [note for note in [init_git(project_dir, answers)] if note]
    return notes


def rendered_answers() -> dict[str, object]:
    """The answers, as cookiecutter renders them into this script."""
    answers: dict[str, object] = json.loads(r"""{{ cookiecutter | jsonify }}""")
    return answers


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
