import pytest
from typer.testing import CliRunner

from {{ cookiecutter.package_name }} import __version__, cli

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(cli.app, ["--version"])

    assert result.exit_code == 0
    assert result.output.strip() == __version__


def test_help_lists_serve() -> None:
    result = runner.invoke(cli.app, ["--help"])

    assert result.exit_code == 0
    assert "serve" in result.output


def test_serve_passes_host_and_port_to_uvicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, object]] = []
    monkeypatch.setattr("uvicorn.run", lambda target, **kwargs: calls.append(kwargs))

    result = runner.invoke(cli.app, ["serve", "--host", "0.0.0.0", "--port", "8123"])

    assert result.exit_code == 0, result.output
    assert calls == [
        {"factory": True, "host": "0.0.0.0", "port": 8123, "reload": False, "log_level": "info"}
    ]


def test_serve_with_invalid_configuration_prints_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("CORS_ORIGINS", "*")

    result = runner.invoke(cli.app, ["serve"])

    assert result.exit_code == 2
    assert "Invalid configuration" in result.output
    assert "CORS_ORIGINS='*' is refused" in result.output
    assert "Traceback" not in result.output
