"""The load generator against the real server: a short run is clean and its figures add up;
a run with errors prints them, with a hint, and fails."""

import asyncio

import httpx2
import pytest
from typer.testing import CliRunner

from {{ cookiecutter.package_name }} import cli
from {{ cookiecutter.package_name }}.eval.golden import load_golden
from {{ cookiecutter.package_name }}.loadtest import run_load, workload
{%- if cookiecutter.auth == "api_key" %}
from tests.conftest import GOLDEN_SET, SAMPLE_DOCS, TENANT_KEYS, api_keys_setting, key_of
{%- else %}
from tests.conftest import GOLDEN_SET, SAMPLE_DOCS
{%- endif %}
from tests.e2e.conftest import ServerFactory

pytestmark = pytest.mark.e2e
{%- if cookiecutter.auth == "api_key" %}
SERVER_ENV = {"API_KEYS": ",".join(api_keys_setting())}
KEY = TENANT_KEYS["tenant-a"]
{%- else %}
SERVER_ENV: dict[str, str] = {}
{%- endif %}


def test_short_load_is_clean_and_its_figures_add_up(start_server: ServerFactory) -> None:
    url = start_server(SERVER_ENV)
    files = [("files", (p.name, p.read_bytes())) for p in sorted(SAMPLE_DOCS.iterdir())]
{%- if cookiecutter.auth == "api_key" %}
    upload = httpx2.post(f"{url}/v1/documents", files=files, headers=key_of("tenant-a"), timeout=60)
{%- else %}
    upload = httpx2.post(f"{url}/v1/documents", files=files, timeout=60)
{%- endif %}
    assert upload.status_code == 200
    calls = workload(load_golden(GOLDEN_SET))

    report = asyncio.run(run_load(url, calls, clients=4, seconds=2{% if cookiecutter.auth == "api_key" %}, api_key=KEY{% endif %}))

    assert not report.errors, report.errors
    assert report.requests >= 4
    assert set(report.by_path) == {"/v1/query", "/v1/search"}
    assert report.by_path.total() == report.requests
    assert report.seconds >= 2
    assert report.throughput == pytest.approx(report.requests / report.seconds)
    assert 0 < report.percentile(50) <= report.percentile(95) <= report.percentile(99)


def test_command_prints_the_figures_and_fails_on_errors(start_server: ServerFactory) -> None:
    url = start_server({**SERVER_ENV, "RATE_LIMIT": "5/minute"})
    arguments = ["loadtest", "--url", url, "--clients", "2", "--duration", "1"]
{%- if cookiecutter.auth == "api_key" %}
    arguments += ["--api-key", KEY]
{%- endif %}

    result = CliRunner().invoke(cli.app, [*arguments, "--golden", str(GOLDEN_SET)])

    assert result.exit_code == 1, result.output
    for figure in ("requests", "throughput", "p50", "p95", "p99", "errors"):
        assert figure in result.output
    assert "429 x" in result.output
    assert "RATE_LIMIT= (empty)" in result.output, "the hint says how to lift the limit"
