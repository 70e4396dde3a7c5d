"""The query log behind `drift`: what each search records, and the command's report."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from {{ cookiecutter.package_name }} import cli
from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.observability.query_log import QueryLog, QueryLogWriter, query_log
from {{ cookiecutter.package_name }}.rag.knowledge_base import KnowledgeBase
from {{ cookiecutter.package_name }}.settings import Settings
from tests.conftest import SAMPLE_DOCS, settings_env

QUESTION = "How long is the warranty on the frame?"
UNKNOWN = "zzzz qqqq"
runner = CliRunner()


def searched(settings: Settings) -> list[dict[str, object]]:
    """Search twice through the API, then read the log back from the database."""
    with TestClient(create_app(settings)) as client:
        files = [("files", (p.name, p.read_bytes())) for p in sorted(SAMPLE_DOCS.iterdir())]
        client.post("/v1/documents", files=files)
        client.post("/v1/search", json={"query": QUESTION})
        client.post("/v1/query", json={"question": UNKNOWN})  # nothing matches
    with KnowledgeBase(settings) as kb, kb.registry.engine.connect() as connection:
        QueryLog(kb.registry.engine)  # creates the table if no search did
        return [dict(row) for row in connection.execute(select(query_log)).mappings()]


def test_each_search_is_logged_without_its_text(settings: Settings) -> None:
    rows = searched(settings)

    assert [row["tenant"] for row in rows] == ["default", "default"]
    assert [row["query"] for row in rows] == [None, None]
    found, missed = rows
    assert isinstance(found["sketch"], bytes)
    assert len(found["sketch"]) == 256 * 4
    # Dense search always returns its nearest chunks: a poor match shows in the score.
    assert isinstance(found["top_score"], float)
    assert isinstance(missed["top_score"], float)
    assert missed["top_score"] < 0.12 < found["top_score"]


def test_log_content_keeps_the_query_text(settings: Settings) -> None:
    rows = searched(settings.model_copy(update={"log_content": True}))
    assert [row["query"] for row in rows] == [QUESTION, UNKNOWN]


def test_the_query_log_can_be_switched_off(settings: Settings) -> None:
    assert searched(settings.model_copy(update={"query_log": False})) == []


def test_the_writer_batches_in_the_background_and_flushes_at_close(settings: Settings) -> None:
    with KnowledgeBase(settings) as kb:
        log = QueryLog(kb.registry.engine)
        writer = QueryLogWriter(log, interval_s=3600)  # no timed flush during the test
        for n in range(5):
            writer.add("default", n, 0.5, [1.0, 0.0], "")
        assert log.window(datetime.min.replace(tzinfo=UTC), datetime.now(UTC)).count == 0
        writer.close()
        assert log.window(datetime.min.replace(tzinfo=UTC), datetime.now(UTC)).count == 5


def test_a_failing_database_loses_rows_not_requests(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    with KnowledgeBase(settings) as kb:
        log = QueryLog(kb.registry.engine)

        def down(rows: object) -> None:
            raise OperationalError("INSERT", {}, Exception("database is down"))

        monkeypatch.setattr(log, "write", down)
        writer = QueryLogWriter(log, interval_s=3600)
        writer.add("default", 1, 0.5, None, "")
        writer.close()  # logs a warning, raises nothing


def fill(settings: Settings, recent_topic: int, recent_score: float) -> None:
    """Six queries a day for five weeks: four reference weeks, then the recent one."""
    now = datetime.now(UTC)
    rng = np.random.default_rng(0)
    topics = {n: np.random.default_rng(n).normal(size=768) for n in (1, 2)}
    when = []
    with KnowledgeBase(settings) as kb:
        log = QueryLog(kb.registry.engine)
        for day in range(35):
            topic, score = (recent_topic, recent_score) if day < 7 else (1, 0.6)
            for _ in range(6):
                vector = topics[topic] + rng.normal(scale=1.5, size=768)
                log.record("default", 5, score + rng.normal(0, 0.05), list(vector), "")
                when.append(now - timedelta(days=day, hours=1))
        with kb.registry.engine.begin() as connection:  # backdated, as if logged over weeks
            ids = list(connection.execute(select(query_log.c.id).order_by(query_log.c.id)))
            for (row_id,), created_at in zip(ids, when, strict=True):
                update = query_log.update().where(query_log.c.id == row_id)
                connection.execute(update.values(created_at=created_at))


def test_drift_command_flags_new_topics_and_writes_gauges(
    settings: Settings, tmp_path: Path
) -> None:
    fill(settings, recent_topic=2, recent_score=0.3)
    metrics_file = tmp_path / "drift.prom"

    result = runner.invoke(
        cli.app, ["drift", "--metrics-file", str(metrics_file)], env=settings_env(settings)
    )

    assert result.exit_code == 1, result.output
    assert "Drift" in result.output
    assert "shifted" in result.output
    gauges = metrics_file.read_text()
    assert "rag_drift_detected 1.0" in gauges
    assert "rag_drift_recent_queries 42.0" in gauges
    assert "rag_drift_embedding_distance" in gauges


def test_drift_command_is_quiet_when_nothing_changed(settings: Settings) -> None:
    fill(settings, recent_topic=1, recent_score=0.6)

    result = runner.invoke(cli.app, ["drift"], env=settings_env(settings))

    assert result.exit_code == 0, result.output
    assert "No drift" in result.output


def test_drift_command_needs_enough_queries(settings: Settings) -> None:
    result = runner.invoke(cli.app, ["drift"], env=settings_env(settings))

    assert result.exit_code == 0, result.output
    assert "Too few queries" in result.output
