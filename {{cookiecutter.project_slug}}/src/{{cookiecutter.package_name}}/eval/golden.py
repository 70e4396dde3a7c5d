"""The golden set: one JSON object a line, each a question and the document that answers it.

Read whole and checked before anything is ingested, so a typo fails in milliseconds
with its line number instead of after a full indexing run.
"""

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class EvalInputError(Exception):
    """The golden set or the documents cannot be evaluated; `str()` is one actionable line."""


class GoldenCase(BaseModel):
    # Unknown keys are allowed: golden sets grow annotations the gate does not score.
    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=True)

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    source: str = Field(min_length=1, description="The golden document's source name.")
    answer: str | None = None
    page: int | None = None


def _problem(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


def load_golden(path: Path) -> list[GoldenCase]:
    """The cases of a JSON Lines file (blank lines skipped); EvalInputError names the line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise EvalInputError(f"golden file {path} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalInputError(f"golden file {path} cannot be read: {exc}") from None
    cases: list[GoldenCase] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            case = GoldenCase.model_validate_json(line)
        except ValidationError as exc:
            raise EvalInputError(f"{path}:{number}: {_problem(exc)}") from None
        if case.id in seen:
            raise EvalInputError(f"{path}:{number}: duplicate id {case.id!r}")
        seen.add(case.id)
        cases.append(case)
    if not cases:
        raise EvalInputError(f"golden file {path} has no questions")
    return cases
