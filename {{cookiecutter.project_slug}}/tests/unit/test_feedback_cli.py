"""The `feedback` commands: thumbs-down answers become eval candidates, once, next to the
golden set."""

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from {{ cookiecutter.package_name }} import cli
from {{ cookiecutter.package_name }}.eval.golden import load_golden
from {{ cookiecutter.package_name }}.feedback import FeedbackRecord, FeedbackStore
from {{ cookiecutter.package_name }}.rag.knowledge_base import KnowledgeBase
from {{ cookiecutter.package_name }}.schemas import FeedbackRequest, Rating
from {{ cookiecutter.package_name }}.settings import Settings

runner = CliRunner()




def add_feedback(settings: Settings, *ratings: Rating) -> list[FeedbackRecord]:
    """Store one feedback per rating, as the API would (closed again: the CLI opens its own)."""
    with KnowledgeBase(settings) as kb:
        store = FeedbackStore(kb.registry.engine)
        return [
            store.add(
                FeedbackRequest(
                    rating=rating,
                    comment=f"comment {n}" if rating == "down" else None,
                    question=f"Question {n}?",
                    answer=f"Answer {n} [1].",
                    citation_ids=[f"chunk-{n}"],
                ),
                tenant="default",
            )
            for n, rating in enumerate(ratings)
        ]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.usefixtures("env")
def test_export_appends_only_thumbs_down(settings: Settings, tmp_path: Path) -> None:
    down, _, other_down = add_feedback(settings, "down", "up", "down")
    output = tmp_path / "candidates.jsonl"

    result = runner.invoke(cli.app, ["feedback", "export", "--output", str(output)])

    assert result.exit_code == 0, result.output
    assert "2 added" in result.output
    cases = read_jsonl(output)
    assert [case["id"] for case in cases] == [f"fb-{down.id}", f"fb-{other_down.id}"]
    assert cases[0] == {
        "id": f"fb-{down.id}",
        "question": "Question 0?",
        "answer_given": "Answer 0 [1].",
        "comment": "comment 0",
        "citation_ids": ["chunk-0"],
        "created_at": down.created_at.isoformat(),
        "source": None,
        "answer": None,
    }


@pytest.mark.usefixtures("env")
def test_export_is_idempotent_and_keeps_existing_lines(settings: Settings, tmp_path: Path) -> None:
    output = tmp_path / "eval" / "candidates.jsonl"
    output.parent.mkdir()
    # A hand-written case, its last line without a newline: it must stay as it is.
    output.write_text('{"id": "mine", "question": "Kept?", "source": null}', encoding="utf-8")
    first_down, _ = add_feedback(settings, "down", "up")

    first = runner.invoke(cli.app, ["feedback", "export", "--output", str(output)])
    second = runner.invoke(cli.app, ["feedback", "export", "--output", str(output)])
    (later_down,) = add_feedback(settings, "down")
    third = runner.invoke(cli.app, ["feedback", "export", "--output", str(output)])

    assert "1 added" in first.output
    assert "0 added" in second.output
    assert "1 already there" in second.output
    assert "1 added" in third.output
    assert "1 already there" in third.output
    lines = output.read_text(encoding="utf-8").splitlines()
    assert lines[0] == '{"id": "mine", "question": "Kept?", "source": null}'
    ids = [case["id"] for case in read_jsonl(output)]
    assert ids == ["mine", f"fb-{first_down.id}", f"fb-{later_down.id}"]


@pytest.mark.usefixtures("env")
def test_export_defaults_next_to_the_golden_set_and_skips_cases_moved_there(
    settings: Settings, tmp_path: Path
) -> None:
    reviewed, fresh = add_feedback(settings, "down", "down")
    golden = tmp_path / "data" / "eval" / "golden.jsonl"
    golden.parent.mkdir(parents=True)
    # The reviewed candidate, completed by a human and moved into the golden set.
    case = {"id": f"fb-{reviewed.id}", "question": reviewed.question, "source": "warranty.md"}
    golden.write_text(json.dumps(case) + "\n", encoding="utf-8")

    result = runner.invoke(cli.app, ["feedback", "export"])

    assert result.exit_code == 0, result.output
    cases = read_jsonl(Path("data/eval/candidates.jsonl"))  # the tests run in tmp_path
    assert [c["id"] for c in cases] == [f"fb-{fresh.id}"]
    # Once filled in, a candidate is a valid golden case as it is (extra keys are ignored).
    cases[0].update(source="warranty.md", answer="7 years")
    golden.write_text(json.dumps(cases[0]) + "\n", encoding="utf-8")
    assert load_golden(golden)[0].id == f"fb-{fresh.id}"


@pytest.mark.usefixtures("env")
def test_export_refuses_a_broken_candidates_file(settings: Settings, tmp_path: Path) -> None:
    add_feedback(settings, "down")
    output = tmp_path / "candidates.jsonl"
    output.write_text('{"id": "ok"}\n{not json\n', encoding="utf-8")

    result = runner.invoke(cli.app, ["feedback", "export", "--output", str(output)])

    assert result.exit_code == 2
    assert f"{output}:2: not valid JSON" in result.output.replace("\n", "")
    assert output.read_text(encoding="utf-8") == '{"id": "ok"}\n{not json\n'


@pytest.mark.usefixtures("env")
def test_list_prints_the_feedback(settings: Settings) -> None:
    add_feedback(settings, "down", "up")

    result = runner.invoke(cli.app, ["feedback", "list"])

    assert result.exit_code == 0, result.output
    assert "2 feedback" in result.output
    assert "Question 0?" in result.output
    assert "comment 0" in result.output
    assert "Question 1?" in result.output
