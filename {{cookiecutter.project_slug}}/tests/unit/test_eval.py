"""The `eval` command as CI runs it: passes on the sample data, fails when retrieval breaks,
and refuses bad input with one line and exit code 2."""

import json
import shutil
import statistics
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from {{ cookiecutter.package_name }} import cli
from {{ cookiecutter.package_name }}.rag.knowledge_base import KnowledgeBase
from {{ cookiecutter.package_name }}.rag.retrieval import Retriever, SearchHit
from {{ cookiecutter.package_name }}.settings import Settings
from tests.conftest import GOLDEN_SET, SAMPLE_DOCS

runner = CliRunner()
REPORT = Path("eval-report.json")  # the default, in the test's own empty directory
ROW_FIELDS = {
    "hit_rate": "hit",
    "mrr": "reciprocal_rank",
    "ndcg": "ndcg",
    "citation_accuracy": "cites_source",
}


# The CLI reads the test's settings from the environment (eval must not touch DATA_DIR).
pytestmark = pytest.mark.usefixtures("env")


def run_eval(*args: str, golden: Path = GOLDEN_SET, docs: Path = SAMPLE_DOCS) -> Result:
    return runner.invoke(cli.app, ["eval", "--golden", str(golden), "--docs", str(docs), *args])


def read_report() -> dict[str, Any]:
    report: dict[str, Any] = json.loads(REPORT.read_text(encoding="utf-8"))
    return report


def verdicts(report: dict[str, Any]) -> dict[str, bool]:
    return {metric["key"]: metric["passed"] for metric in report["metrics"]}


def table_row(output: str, label: str) -> str:
    return next(line for line in output.splitlines() if label in line)


def test_eval_passes_on_the_sample_data_and_writes_the_report(settings: Settings) -> None:
    result = run_eval()

    assert result.exit_code == 0, result.output
    report = read_report()
    golden = [json.loads(line) for line in GOLDEN_SET.read_text().splitlines() if line.strip()]
    rows = report["questions"]
    assert [row["id"] for row in rows] == [case["id"] for case in golden]
    assert report["passed"] is True
    assert all(verdicts(report).values())
    defaults = Settings()
    assert report["thresholds"] == {
        "hit_rate": defaults.eval_min_hit_rate,
        "mrr": defaults.eval_min_mrr,
        "ndcg": defaults.eval_min_ndcg,
        "citation_accuracy": defaults.eval_min_citation_accuracy,
    }
    # The summary is the mean of the rows, and each row agrees with its own ranking.
    for key, field in ROW_FIELDS.items():
        assert report["summary"][key] == pytest.approx(statistics.fmean(r[field] for r in rows))
    for row in rows:
        found = row["source"] in row["retrieved"]
        assert row["rank"] == (row["retrieved"].index(row["source"]) + 1 if found else None)
        assert len(row["retrieved"]) <= report["summary"]["k"] == defaults.eval_k
        assert row["cites_source"] == float(row["source"] in row["cited"])
        assert row["search_ms"] > 0
        assert row["answer_ms"] > 0
    assert "PASS" in table_row(result.output, "MRR@5")
    assert "FAIL" not in result.output
    assert not settings.data_dir.exists(), "eval indexes throwaway data only"


def test_the_gate_fails_when_the_ranking_is_reversed(monkeypatch: pytest.MonkeyPatch) -> None:
    search = Retriever.search

    def reversed_search(self: Retriever, *args: Any, **kwargs: Any) -> list[SearchHit]:
        return search(self, *args, **kwargs)[::-1]

    monkeypatch.setattr(Retriever, "search", reversed_search)

    result = run_eval()

    assert result.exit_code == 1, result.output
    report = read_report()
    assert report["passed"] is False
    # Same documents in another order: only the rank-aware metrics may drop.
    assert verdicts(report)["hit_rate"] is True
    assert verdicts(report)["mrr"] is False
    assert verdicts(report)["ndcg"] is False
    assert "FAIL" in table_row(result.output, "MRR@5")
    assert "FAIL" in table_row(result.output, "nDCG@5")
    assert "PASS" in table_row(result.output, "hit@5")


def test_the_gate_fails_when_retrieval_returns_the_wrong_documents(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    search = KnowledgeBase.search

    def off_topic(self: KnowledgeBase, query: str, *args: Any, **kwargs: Any) -> list[SearchHit]:
        return search(self, "bicycle frame", *args, **kwargs)  # whatever the question

    monkeypatch.setattr(KnowledgeBase, "search", off_topic)

    result = run_eval()

    assert result.exit_code == 1, result.output
    report = read_report()
    assert verdicts(report)["hit_rate"] is False
    assert verdicts(report)["citation_accuracy"] is False
    assert "FAIL" in table_row(result.output, "hit@5")
    assert "FAIL" in table_row(result.output, "citation accuracy")
    first_miss = next(row for row in report["questions"] if row["rank"] is None)
    assert f"{first_miss['id']} ({first_miss['source']}): not in the top 5" in result.output


def test_thresholds_and_k_come_from_settings_and_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVAL_MIN_CITATION_ACCURACY", "1.0")

    result = run_eval("--k", "3", "--report", "reports/eval.json")

    report = json.loads(Path("reports/eval.json").read_text())
    assert report["summary"]["k"] == 3
    assert report["thresholds"]["citation_accuracy"] == 1.0
    assert [metric["label"] for metric in report["metrics"]][:3] == ["hit@3", "MRR@3", "nDCG@3"]
    assert all(len(row["retrieved"]) <= 3 for row in report["questions"])
    assert result.exit_code == (0 if report["passed"] else 1)


def write_golden(*lines: str) -> Path:
    path = Path("golden.jsonl")
    path.write_text("\n".join(lines) + "\n")
    return path


GOOD_LINE = GOLDEN_SET.read_text().splitlines()[0]


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("not json", "Invalid JSON"),
        ('{"id": "x", "question": "Why?"}', "source: Field required"),
        ('{"id": "x", "question": "   ", "source": "warranty.md"}', "question:"),
        ('["a", "list"]', "object"),
        (GOOD_LINE, "duplicate id"),
    ],
)
def test_a_malformed_golden_line_exits_2_naming_the_line(bad_line: str, message: str) -> None:
    golden = write_golden(GOOD_LINE, "", bad_line)  # blank lines count: the bad one is line 3

    result = run_eval(golden=golden)

    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: golden.jsonl:3: ")
    assert message in result.output
    assert "Traceback" not in result.output
    assert not REPORT.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--golden", "missing.jsonl"], "golden file missing.jsonl not found"),
        (["--docs", "no/such/dir"], "documents directory no/such/dir not found"),
        (["--k", "21"], "k must be between 1 and MAX_TOP_K (20), got 21"),
    ],
)
def test_missing_inputs_and_a_bad_k_exit_2(args: list[str], message: str) -> None:
    result = run_eval(*args)  # the last --golden / --docs given wins

    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())  # Rich may wrap the line


def test_a_golden_source_that_was_not_ingested_exits_2() -> None:
    case = {"id": "x1", "question": "How long is the frame warranty?", "source": "warranty.txt"}
    golden = write_golden(GOOD_LINE, json.dumps(case))

    result = run_eval(golden=golden)

    assert result.exit_code == 2, result.output
    assert "x1 names source 'warranty.txt'" in result.output
    assert "not among the ingested documents" in " ".join(result.output.split())


def test_a_document_that_fails_to_ingest_exits_2(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SAMPLE_DOCS / "warranty.md", docs)
    (docs / "empty.txt").write_text("")
    case = {"id": "w1", "question": "How long is the frame warranty?", "source": "warranty.md"}

    result = run_eval(golden=write_golden(json.dumps(case)), docs=docs)

    assert result.exit_code == 2, result.output
    assert "could not ingest empty.txt" in result.output
