from pathlib import Path

import pytest
from pydantic import ValidationError

from {{ cookiecutter.package_name }}.settings import Settings, get_settings
from tests.conftest import production_settings


def test_defaults_are_safe_for_local_development() -> None:
    settings = Settings()

    assert settings.environment == "development"
    assert settings.host == "127.0.0.1"
    assert settings.data_dir == Path(".data")
    assert settings.cors_origins == []


def test_environment_variables_override_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATA_DIR", "/srv/app-data")
    monkeypatch.setenv("PORT", "9001")
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")

    settings = Settings()

    assert settings.data_dir == Path("/srv/app-data")
    assert settings.port == 9001
    assert settings.cors_origins == ["https://a.example", "https://b.example"]


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("LOG_LEVEL=DEBUG\nDATA_DIR=from-dotenv\n")

    settings = Settings()  # the autouse fixture made tmp_path the working directory

    assert settings.log_level == "DEBUG"
    assert settings.data_dir == Path("from-dotenv")


def test_production_refuses_wildcard_cors() -> None:
    with pytest.raises(ValidationError, match="CORS_ORIGINS='\\*' is refused"):
        Settings(environment="production", cors_origins=["*"])


def test_production_accepts_explicit_origins() -> None:
    settings = production_settings(cors_origins=["https://app.example"])

    assert settings.is_production


@pytest.mark.parametrize(
    ("name", "value"),
    [("ENVIRONMENT", "staging"), ("PORT", "0"), ("LOG_LEVEL", "LOUD")],
)
def test_invalid_values_are_rejected(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(ValidationError, match=name.lower()):
        Settings()


def test_get_settings_is_cached() -> None:
    assert get_settings() is get_settings()
{%- if cookiecutter.auth == "none" %}


def test_production_without_authentication_needs_an_explicit_opt_out() -> None:
    with pytest.raises(ValidationError, match="ALLOW_UNAUTHENTICATED=true"):
        Settings(environment="production")
    assert production_settings(allow_unauthenticated=True).is_production
{%- endif %}


@pytest.mark.parametrize("rate", ["120/minute", "5/second;100/minute", ""])
def test_rate_limit_notation(rate: str) -> None:
    assert Settings(rate_limit=rate).rate_limit == rate


def test_bad_rate_limit_and_small_body_limit_are_refused() -> None:
    with pytest.raises(ValidationError, match="not a rate"):
        Settings(rate_limit="lots")
    with pytest.raises(ValidationError, match="MAX_REQUEST_BYTES"):
        Settings(max_request_bytes=10, max_upload_bytes=20)
