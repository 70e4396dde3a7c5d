"""Readiness checks: one small async function per dependency the app needs.

Later features (vector store, model provider, database) add their check to
`default_checks`; `/readyz` runs them all and reports each one by name.
"""

import os
from collections.abc import Awaitable, Callable

from {{ cookiecutter.package_name }}.schemas import CheckResult
from {{ cookiecutter.package_name }}.settings import Settings

ReadinessCheck = Callable[[Settings], Awaitable[CheckResult]]


async def check_data_dir(settings: Settings) -> CheckResult:
    """DATA_DIR must exist and be writable: everything the app stores lives there."""
    path = settings.data_dir
    if not path.is_dir():
        return CheckResult(status="error", detail=f"{path} is not a directory")
    if not os.access(path, os.W_OK):
        return CheckResult(status="error", detail=f"{path} is not writable")
    return CheckResult(status="ok")


def default_checks() -> dict[str, ReadinessCheck]:
    return {"data_dir": check_data_dir}
