"""The benchmarks run end to end on a tiny corpus and report sane figures (no timing asserts)."""

import pytest

from {{ cookiecutter.package_name }} import bench
from {{ cookiecutter.package_name }}.settings import Settings
from tests.conftest import SAMPLE_DOCS


def test_bench_ingest_reports_both_rates(settings: Settings) -> None:
    figures = bench.bench_ingest(settings, SAMPLE_DOCS, copies=1)

    assert figures["files"] == len(list(SAMPLE_DOCS.iterdir()))
    assert figures["chunks"] > figures["files"]
    assert figures["raw_upsert_chunks_per_s"] > 0
    assert figures["ingest_chunks_per_s"] > 0
    assert not settings.data_dir.exists(), "benchmarks use throwaway data only"


@pytest.mark.e2e
def test_bench_search_measures_both_endpoints(settings: Settings) -> None:
    results = bench.bench_search(settings, SAMPLE_DOCS, copies=1, requests=10)

    assert set(results) == {"concurrency 1", "concurrency 8"}
    for pair in results.values():
        assert set(pair) == {"api", "bare"}
        assert all(
            r.p50_ms > 0 and r.p95_ms >= r.p50_ms and r.requests_per_s > 0 for r in pair.values()
        )
{%- if cookiecutter.include_agent == "yes" %}


@pytest.mark.e2e
def test_bench_agent_measures_the_agent_and_the_direct_answer(settings: Settings) -> None:
    results = bench.bench_agent(settings, SAMPLE_DOCS, requests=10)

    assert set(results) == {"query", "agent"}
    assert all(r.p50_ms > 0 and r.p95_ms >= r.p50_ms for r in results.values())
    assert not settings.data_dir.exists(), "benchmarks use throwaway data only"
{%- endif %}
