"""git in the tests' throwaway repositories: a fixed identity, no user or system config.

Set through the environment of each command, so a machine's (or CI's) git configuration is
neither needed nor touched.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

IDENTITY = {
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "template-tests@example.com",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "template-tests@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git_env() -> dict[str, str]:
    return {**os.environ, **IDENTITY}


def git(cwd: Path, *args: str) -> str:
    """Run git in `cwd`; its output, stripped. Fails the test on a non-zero exit."""
    result = subprocess.run(
        ["git", *args], cwd=cwd, env=git_env(), capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout.strip()


def commit_all(repo: Path, message: str) -> str:
    """Commit every change in `repo`; returns the new commit."""
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--no-verify", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def head_commit(path: Path) -> str | None:
    """The commit checked out where `path` is, or None outside a git checkout."""
    result = subprocess.run(
        ["git", "rev-parse", "--verify", "HEAD"],
        cwd=path,
        env=git_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() if result.returncode == 0 else None
