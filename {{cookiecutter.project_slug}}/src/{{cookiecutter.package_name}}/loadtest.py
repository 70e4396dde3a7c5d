"""A load generator for a running API: the `loadtest` command (`make loadtest`).

N concurrent clients (asyncio tasks sharing one connection pool) send the golden questions
for S seconds: three in four to POST /v1/query, one in four to POST /v1/search, which is
roughly how a chat UI uses the API. Unlike `bench`, which measures this process's own
throwaway server, it loads whatever server the URL points at, as deployed.
"""

import asyncio
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rich.console import Console

from {{ cookiecutter.package_name }}.eval.golden import GoldenCase

if TYPE_CHECKING:
    import httpx2  # a development dependency: imported where a load test runs

SEARCH_EVERY = 4  # one request in this many is a search, the others ask for an answer
REQUEST_TIMEOUT_S = 60.0  # a slow answer is measured, not counted as an error, below this


@dataclass(frozen=True)
class Call:
    """One request of the workload: a JSON body POSTed to a path."""

    path: str
    body: dict[str, Any]


def workload(cases: Sequence[GoldenCase]) -> list[Call]:
    """The golden questions as requests, in file order."""
    return [
        Call("/v1/search", {"query": case.question})
        if number % SEARCH_EVERY == SEARCH_EVERY - 1
        else Call("/v1/query", {"question": case.question})
        for number, case in enumerate(cases)
    ]


@dataclass
class LoadReport:
    """What a run measured; latencies are of every finished request, errors included."""

    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    by_path: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)  # HTTP status or exception name

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def throughput(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, rank: int) -> float:
        """The latency (ms) under which `rank`% of the requests finished."""
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0] if self.latencies_ms else 0.0
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[rank - 1]


async def run_load(
    url: str, calls: Sequence[Call], clients: int, seconds: float, api_key: str | None = None
) -> LoadReport:
    """`clients` concurrent clients send `calls` in turn, each starting at its own offset,
    until `seconds` have passed; requests still in flight then are waited for and counted."""
    import httpx2

    report = LoadReport()
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    limits = httpx2.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx2.AsyncClient(
        base_url=url, headers=headers, limits=limits, timeout=REQUEST_TIMEOUT_S
    ) as client:
        started = time.perf_counter()
        deadline = started + seconds

        async def user(offset: int) -> None:
            position = offset
            while time.perf_counter() < deadline:
                call = calls[position % len(calls)]
                position += 1
                await _send(client, call, report)

        await asyncio.gather(*(user(n) for n in range(clients)))
        report.seconds = time.perf_counter() - started
    return report


async def _send(client: "httpx2.AsyncClient", call: Call, report: LoadReport) -> None:
    import httpx2

    started = time.perf_counter()
    try:
        response = await client.post(call.path, json=call.body)
        if response.status_code >= 400:
            report.errors[str(response.status_code)] += 1
    except httpx2.HTTPError as exc:  # refused, reset, timed out: the server failed the client
        report.errors[type(exc).__name__] += 1
    report.latencies_ms.append((time.perf_counter() - started) * 1000)
    report.by_path[call.path] += 1


HINTS = {
    "401": "401: the API wants a key; pass --api-key (or set LOADTEST_API_KEY).",
    "429": "429: the server's RATE_LIMIT refused requests; start it with RATE_LIMIT= (empty) "
    "to measure the app rather than the limit.",
}


def print_report(console: Console, url: str, clients: int, report: LoadReport) -> None:
    paths = ", ".join(f"{path} {count}" for path, count in sorted(report.by_path.items()))
    errors = ", ".join(f"{kind} x{count}" for kind, count in report.errors.most_common())
    console.print(
        f"Load test of {url}: {clients} clients for {report.seconds:.1f} s\n"
        f"requests   : {report.requests} ({paths or 'none'})\n"
        f"throughput : {report.throughput:.1f} req/s\n"
        f"latency    : p50 {report.percentile(50):.1f} ms, p95 {report.percentile(95):.1f} ms, "
        f"p99 {report.percentile(99):.1f} ms\n"
        f"errors     : {report.errors.total()}{f' ({errors})' if errors else ''}",
        highlight=False,
    )
    for kind, hint in HINTS.items():
        if kind in report.errors:
            console.print(f"[yellow]{hint}[/yellow]", highlight=False)
