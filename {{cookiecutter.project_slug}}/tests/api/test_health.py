from pathlib import Path

from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }} import __version__
from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.api.readiness import ReadinessCheck
from {{ cookiecutter.package_name }}.schemas import CheckResult
from {{ cookiecutter.package_name }}.settings import Settings


def test_healthz_reports_ok_and_version(client: TestClient) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__}


def test_readyz_reports_each_dependency(client: TestClient, settings: Settings) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"data_dir": {"status": "ok", "detail": None}},
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


def test_a_check_that_raises_is_reported_not_a_500(settings: Settings) -> None:
    async def broken(_: Settings) -> CheckResult:
        raise ConnectionError("vector store unreachable")

    async def fine(_: Settings) -> CheckResult:
        return CheckResult(status="ok")

    checks: dict[str, ReadinessCheck] = {"store": broken, "model": fine}
    with TestClient(create_app(settings, checks=checks)) as client:
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "store": {"status": "error", "detail": "ConnectionError: vector store unreachable"},
        "model": {"status": "ok", "detail": None},
    }
