"""Readiness checks: one small async function per dependency the app needs.

`/readyz` runs them all and reports each by name. A check never raises: a failure,
or an answer slower than the timeout, is an `error` result naming the cause.
"""

import asyncio
import os
import time
from collections.abc import Awaitable, Callable

from {{ cookiecutter.package_name }}.rag.knowledge_base import KnowledgeBase
from {{ cookiecutter.package_name }}.schemas import CheckResult
from {{ cookiecutter.package_name }}.settings import Settings

ReadinessCheck = Callable[[], Awaitable[CheckResult]]
CHECK_TIMEOUT_SECONDS = 5.0


def probe(ping: Callable[[], None], timeout: float = CHECK_TIMEOUT_SECONDS) -> ReadinessCheck:
    """A check that runs a blocking `ping` in a thread; ok unless it raises or times out."""

    async def check() -> CheckResult:
        try:
            await asyncio.wait_for(asyncio.to_thread(ping), timeout)
        except TimeoutError:
            return CheckResult(status="error", detail=f"no answer within {timeout:g} s")
        except Exception as exc:  # any failure is a result, never a 500
            return CheckResult(status="error", detail=f"{type(exc).__name__}: {exc}")
        return CheckResult(status="ok")

    return check


def cached(check: ReadinessCheck, seconds: float) -> ReadinessCheck:
    """Reuse a successful result for a while: for probes that cost money (remote embeddings)."""
    last: dict[str, tuple[float, CheckResult]] = {}

    async def cached_check() -> CheckResult:
        hit = last.get("result")
        if hit and time.monotonic() - hit[0] < seconds:
            return hit[1]
        result = await check()
        if result.status == "ok":
            last["result"] = (time.monotonic(), result)
        return result

    return cached_check


def data_dir_check(settings: Settings) -> ReadinessCheck:
    """DATA_DIR must exist and be writable: everything the app stores lives there."""

    async def check() -> CheckResult:
        path = settings.data_dir
        if not path.is_dir():
            return CheckResult(status="error", detail=f"{path} is not a directory")
        if not os.access(path, os.W_OK):
            return CheckResult(status="error", detail=f"{path} is not writable")
        return CheckResult(status="ok")

    return check


def knowledge_base_checks(kb: KnowledgeBase) -> dict[str, ReadinessCheck]:
    embeddings = probe(kb.ping_embeddings)
    if kb.settings.embeddings_provider != "hashing":
        embeddings = cached(embeddings, seconds=60)
    return {
        "registry": probe(kb.ping_registry),
        "vector_store": probe(kb.ping_store),
        "embeddings": embeddings,
    }
