"""Readiness checks: one small async function per dependency the app needs.

`/readyz` runs them all and reports each by name. A check never raises: a failure,
or an answer slower than the timeout, is an `error` result naming the cause.

Providers are checked two ways. Local things (DATA_DIR, registry, store) and the embeddings
are probed on every call; a remote embeddings probe costs a request, so its success is
reused for a minute — unless a real call failed since, which makes the next probe run
(reporting the outage, or the recovery). The chat model has no free probe common to every
provider, so its check is passive: the outcome of real calls (rag/outages.py). After an
outage it reports `error` until a call succeeds, or for OUTAGE_MEMORY_S at most: a replica
taken out of rotation gets traffic again to prove the recovery, instead of staying out.
"""

import asyncio
import os
import time
from collections.abc import Awaitable, Callable

from {{ cookiecutter.package_name }}.rag.answer import Answerer
from {{ cookiecutter.package_name }}.rag.knowledge_base import KnowledgeBase
from {{ cookiecutter.package_name }}.rag.outages import HealthRecord
from {{ cookiecutter.package_name }}.schemas import CheckResult
from {{ cookiecutter.package_name }}.settings import Settings

ReadinessCheck = Callable[[], Awaitable[CheckResult]]
CHECK_TIMEOUT_SECONDS = 5.0
OUTAGE_MEMORY_S = 30.0


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


def cached(check: ReadinessCheck, seconds: float, health: HealthRecord) -> ReadinessCheck:
    """Reuse a successful result for a while, unless a real call failed since: for probes
    that cost money (remote embeddings)."""
    last: dict[str, tuple[float, CheckResult]] = {}

    async def cached_check() -> CheckResult:
        hit = last.get("result")
        if hit and time.monotonic() - hit[0] < seconds and health.outage is None:
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


def outage_check(health: HealthRecord, memory_s: float = OUTAGE_MEMORY_S) -> ReadinessCheck:
    """Passive: `error` while the last call failed with an outage (see the module's doc)."""

    async def check() -> CheckResult:
        outage = health.recent_outage(memory_s)
        if outage is None:
            return CheckResult(status="ok")
        ago = time.monotonic() - outage.at
        return CheckResult(status="error", detail=f"{outage.message} ({ago:.0f} s ago)")

    return check


def answerer_checks(answerer: Answerer) -> dict[str, ReadinessCheck]:
    return {} if answerer.model is None else {"llm": outage_check(answerer.model_health)}


def knowledge_base_checks(kb: KnowledgeBase) -> dict[str, ReadinessCheck]:
    embeddings = probe(kb.ping_embeddings)
    if kb.settings.embeddings_provider != "hashing":
        embeddings = cached(embeddings, seconds=60, health=kb.embeddings.health)
    return {
        "registry": probe(kb.ping_registry),
        "vector_store": probe(kb.ping_store),
        "embeddings": embeddings,
    }
