import pytest

from {{ cookiecutter.package_name }}.settings import Settings
from tests.conftest import settings_env


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    """Point the CLI (which reads the environment) at the test's DATA_DIR and database."""
    for name, value in settings_env(settings).items():
        monkeypatch.setenv(name, value)
