"""Shared fixtures: every test gets its own DATA_DIR and settings, never the developer's `.env`."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.settings import Settings, get_settings


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Run each test in an empty directory, so no `.env` or data of the developer leaks in."""
    monkeypatch.chdir(tmp_path)
    for name in ("ENVIRONMENT", "DATA_DIR", "HOST", "PORT", "LOG_LEVEL", "CORS_ORIGINS"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    # The context manager runs the app's startup and shutdown, as a server would.
    with TestClient(create_app(settings)) as test_client:
        yield test_client
