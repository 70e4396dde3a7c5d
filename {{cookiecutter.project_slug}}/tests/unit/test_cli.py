"""The command line as a user runs it: serve, ingest, search, documents."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from {{ cookiecutter.package_name }} import __version__, cli
from {{ cookiecutter.package_name }}.rag import stores
from {{ cookiecutter.package_name }}.rag.ingest import document_id_for
from {{ cookiecutter.package_name }}.rag.knowledge_base import DEFAULT_TENANT
from {{ cookiecutter.package_name }}.settings import Settings
from tests.conftest import SAMPLE_DOCS

runner = CliRunner()




def test_version() -> None:
    result = runner.invoke(cli.app, ["--version"])

    assert result.exit_code == 0
    assert result.output.strip() == __version__


def test_help_lists_the_commands() -> None:
    result = runner.invoke(cli.app, ["--help"])

    assert result.exit_code == 0
    for command in ("serve", "ingest", "search", "documents"):
        assert command in result.output


@pytest.mark.usefixtures("env")
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


class NotInstalledIndex:
    """Stands for a store whose integration package is missing."""

    def __init__(self, *args: object) -> None:
        raise ImportError("No module named 'the_store_client'")


@pytest.mark.usefixtures("env")
def test_serve_refuses_a_store_whose_integration_is_missing(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    monkeypatch.setitem(stores.INDEXES, settings.vector_store, NotInstalledIndex)
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: pytest.fail("must not start"))

    result = runner.invoke(cli.app, ["serve"])

    assert result.exit_code == 1
    assert result.output.startswith("Error: VECTOR_STORE=")
    assert f"uv sync --extra {settings.vector_store}" in result.output
    assert "Traceback" not in result.output


@pytest.mark.usefixtures("env")
def test_ingest_a_directory_then_again() -> None:
    first = runner.invoke(cli.app, ["ingest", str(SAMPLE_DOCS)])
    second = runner.invoke(cli.app, ["ingest", str(SAMPLE_DOCS)])

    files = len(list(SAMPLE_DOCS.iterdir()))
    assert first.exit_code == 0, first.output
    assert f"{files} added" in first.output
    assert second.exit_code == 0
    assert f"{files} unchanged" in second.output


@pytest.mark.usefixtures("env")
def test_ingest_if_empty_skips_a_filled_store() -> None:
    runner.invoke(cli.app, ["ingest", str(SAMPLE_DOCS / "warranty.md")])

    result = runner.invoke(cli.app, ["ingest", "--if-empty", str(SAMPLE_DOCS)])

    assert result.exit_code == 0
    assert "already has documents" in result.output


@pytest.mark.usefixtures("env")
def test_ingest_reports_bad_files_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_text("")

    result = runner.invoke(cli.app, ["ingest", str(bad), str(SAMPLE_DOCS / "warranty.md")])

    assert result.exit_code == 1
    assert "1 added" in result.output
    assert "1 failed" in result.output


def test_ingest_a_missing_path_is_one_line() -> None:
    result = runner.invoke(cli.app, ["ingest", "no/such/dir"])

    assert result.exit_code == 1
    assert "no/such/dir does not exist" in result.output


@pytest.mark.usefixtures("env")
def test_search_and_documents_commands() -> None:
    runner.invoke(cli.app, ["ingest", str(SAMPLE_DOCS)])

    found = runner.invoke(cli.app, ["search", "service plans Fleet Care", "-k", "2"])
    listed = runner.invoke(cli.app, ["documents", "list"])
    document_id = document_id_for(DEFAULT_TENANT, "warranty.md")
    deleted = runner.invoke(cli.app, ["documents", "delete", document_id])
    missing = runner.invoke(cli.app, ["documents", "delete", document_id])

    assert found.exit_code == 0
    assert "service-plans.docx" in found.output
    assert "10 documents" in listed.output
    assert deleted.exit_code == 0
    assert f"Deleted {document_id}" in deleted.output
    assert missing.exit_code == 1
    assert "no document with id" in missing.output
