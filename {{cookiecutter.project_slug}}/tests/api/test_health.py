import asyncio
from pathlib import Path

from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }} import __version__
from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.api.readiness import ReadinessCheck, outage_check, probe
from {{ cookiecutter.package_name }}.rag.errors import DependencyError, DependencyUnavailableError
from {{ cookiecutter.package_name }}.rag.outages import HealthRecord
from {{ cookiecutter.package_name }}.schemas import CheckResult
from {{ cookiecutter.package_name }}.settings import Settings


def test_healthz_reports_ok_and_version(client: TestClient) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__}


def test_readyz_reports_each_dependency(client: TestClient, settings: Settings) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    ok = {"status": "ok", "detail": None}
    assert response.json() == {
        "status": "ready",
        "checks": {"data_dir": ok, "registry": ok, "vector_store": ok, "embeddings": ok},
    }
    assert settings.data_dir.is_dir(), "startup creates DATA_DIR"


def test_readyz_is_503_and_names_the_failing_dependency(tmp_path: Path) -> None:
    data_file = tmp_path / "not-a-dir"
    data_file.write_text("x")
    settings = Settings(data_dir=data_file)
    # No `with`: startup (which would try to create DATA_DIR) does not run.
    response = TestClient(create_app(settings)).get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not_ready"
    assert body["checks"]["data_dir"]["status"] == "error"
    assert "not a directory" in body["checks"]["data_dir"]["detail"]


def test_a_dependency_that_fails_is_reported_not_a_500(settings: Settings) -> None:
    def unreachable() -> None:
        raise ConnectionError("vector store unreachable")

    async def fine() -> CheckResult:
        return CheckResult(status="ok")

    checks: dict[str, ReadinessCheck] = {"store": probe(unreachable), "model": fine}
    with TestClient(create_app(settings, checks=checks)) as client:
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "store": {"status": "error", "detail": "ConnectionError: vector store unreachable"},
        "model": {"status": "ok", "detail": None},
    }


def test_a_slow_dependency_times_out_as_an_error() -> None:
    import asyncio
    import time

    async def check() -> CheckResult:
        return await probe(lambda: time.sleep(0.3), timeout=0.05)()

    result = asyncio.run(check())

    assert result.status == "error"
    assert result.detail == "no answer within 0.05 s"


def test_interactive_docs_work_offline(client: TestClient) -> None:
    page = client.get("/docs")
    script = client.get("/static-offline-docs/swagger-ui-bundle.js")

    assert page.status_code == 200
    assert "/static-offline-docs/swagger-ui-bundle.js" in page.text
    assert "cdn.jsdelivr.net" not in page.text
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.text


def run_check(check: ReadinessCheck) -> CheckResult:
    async def result() -> CheckResult:
        return await check()

    return asyncio.run(result())


def test_a_provider_outage_is_reported_until_an_answer_or_for_a_while() -> None:
    health = HealthRecord()
    health.failed(DependencyUnavailableError("The model is unavailable.", "llm"))

    reported = run_check(outage_check(health))
    later = run_check(outage_check(health, memory_s=0))  # offered traffic again
    health.failed(DependencyError("The model refused the request.", "llm"))  # it answered

    assert reported.status == "error"
    assert reported.detail is not None
    assert reported.detail.startswith("The model is unavailable. (")
    assert later.status == "ok"
    assert run_check(outage_check(health)).status == "ok"
