"""Feedback on answers: thumbs up or down, with what the user saw.

Kept in the registry's database (SQLite under DATA_DIR, or Postgres at DATABASE_URL), so
it lives and is backed up with the documents. Thumbs-down answers are the questions the
app gets wrong: `export_candidates` turns them into draft cases for the golden set.
"""

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Column, DateTime, Engine, MetaData, RowMapping, String, Table, Text, select

from {{ cookiecutter.package_name }}.rag.locks import create_tables
from {{ cookiecutter.package_name }}.rag.registry import as_utc
from {{ cookiecutter.package_name }}.schemas import FeedbackRequest, Rating

# Its own metadata: the feedback table is created by this module, not by the registry.
metadata = MetaData()

feedback = Table(
    "feedback",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("tenant", String(64), nullable=False, index=True),
    Column("rating", String(8), nullable=False),
    Column("comment", Text, nullable=True),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("citation_ids", Text, nullable=False),  # a JSON list: portable across databases
)


@dataclass(frozen=True)
class FeedbackRecord:
    id: str
    created_at: datetime
    tenant: str
    rating: Rating
    comment: str | None
    question: str
    answer: str
    citation_ids: tuple[str, ...]


def _record(row: RowMapping) -> FeedbackRecord:
    return FeedbackRecord(
        id=row["id"],
        created_at=as_utc(row["created_at"]),
        tenant=row["tenant"],
        rating=cast(Rating, row["rating"]),
        comment=row["comment"],
        question=row["question"],
        answer=row["answer"],
        citation_ids=tuple(json.loads(row["citation_ids"])),
    )


class FeedbackStore:
    """One row per feedback, written once and never changed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        create_tables(engine, metadata)  # only what is missing: existing rows are kept

    def add(self, request: FeedbackRequest, tenant: str) -> FeedbackRecord:
        record = FeedbackRecord(
            id=uuid.uuid4().hex,
            created_at=datetime.now(UTC),
            tenant=tenant,
            rating=request.rating,
            comment=request.comment,
            question=request.question,
            answer=request.answer,
            citation_ids=tuple(request.citation_ids),
        )
        row = {**record.__dict__, "citation_ids": json.dumps(list(record.citation_ids))}
        with self.engine.begin() as connection:
            connection.execute(feedback.insert().values(**row))
        return record

    # Defined last: inside the class body, `list` names this method from here on.
    def list(self, tenant: str | None = None, rating: Rating | None = None) -> list[FeedbackRecord]:
        """Feedback, oldest first; of one tenant and one rating when given."""
        query = select(feedback).order_by(feedback.c.created_at, feedback.c.id)
        if tenant is not None:
            query = query.where(feedback.c.tenant == tenant)
        if rating is not None:
            query = query.where(feedback.c.rating == rating)
        with self.engine.connect() as connection:
            return [_record(row) for row in connection.execute(query).mappings()]


# --- Candidates for the golden set -----------------------------------------------------------


class CandidatesFileError(Exception):
    """A JSON Lines file to check ids against cannot be read; `str()` names the line."""


@dataclass(frozen=True)
class ExportResult:
    added: int
    already_there: int


def candidate_id(record: FeedbackRecord) -> str:
    return f"fb-{record.id}"


def candidate_of(record: FeedbackRecord) -> dict[str, Any]:
    """A draft golden case: `source` and `answer` stay null until a human fills them in."""
    return {
        "id": candidate_id(record),
        "question": record.question,
        "answer_given": record.answer,
        "comment": record.comment,
        "citation_ids": list(record.citation_ids),
        "created_at": record.created_at.isoformat(),
        "source": None,
        "answer": None,
    }


def ids_in(path: Path) -> set[str]:
    """The `id` of every line of a JSON Lines file (none if it does not exist)."""
    if not path.exists():
        return set()
    ids: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            case = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CandidatesFileError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
        if isinstance(case, dict) and "id" in case:
            ids.add(str(case["id"]))
    return ids


def export_candidates(
    records: Sequence[FeedbackRecord], output: Path, also_known: Iterable[Path] = ()
) -> ExportResult:
    """Append the records not yet in `output` (nor in `also_known`, e.g. the golden set, where
    reviewed candidates end up) as candidates; the lines already there are left untouched."""
    known = ids_in(output).union(*(ids_in(path) for path in also_known))
    new = [record for record in records if candidate_id(record) not in known]
    if new:
        output.parent.mkdir(parents=True, exist_ok=True)
        # A last line without its newline (hand-edited) must not merge with the first new one.
        existing = output.read_bytes() if output.exists() else b""
        prefix = "\n" if existing and not existing.endswith(b"\n") else ""
        lines = (json.dumps(candidate_of(record), ensure_ascii=False) for record in new)
        with output.open("a", encoding="utf-8") as file:
            file.write(prefix + "".join(line + "\n" for line in lines))
    return ExportResult(added=len(new), already_there=len(records) - len(new))
