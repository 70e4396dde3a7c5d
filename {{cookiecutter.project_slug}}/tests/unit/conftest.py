import pytest

from {{ cookiecutter.package_name }}.settings import Settings


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    """Point the CLI (which reads the environment) at the test's DATA_DIR and database."""
    monkeypatch.setenv("DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("VECTOR_STORE", settings.vector_store)
    if settings.database_url:
        monkeypatch.setenv("DATABASE_URL", settings.database_url)
