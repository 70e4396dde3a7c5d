"""An ingest killed at the worst moments, or whose embeddings fail half-way, then simply
re-run, ends with exactly the right chunks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }}.rag.errors import DependencyUnavailableError
from {{ cookiecutter.package_name }}.rag.ingest import document_id_for
from {{ cookiecutter.package_name }}.rag.knowledge_base import KnowledgeBase
from {{ cookiecutter.package_name }}.settings import Settings
from tests.fakes import FlakyEmbeddings

# Runs in a separate process that dies with os._exit (no cleanup, like `kill -9`).
KILLED_INGEST = """
import os, sys
from pathlib import Path
from {{ cookiecutter.package_name }}.rag.knowledge_base import KnowledgeBase
from {{ cookiecutter.package_name }}.settings import Settings

moment, path = sys.argv[1], Path(sys.argv[2])
kb = KnowledgeBase(Settings())
write_batch = kb.index.add
batches = []

def add_then_maybe_die(batch):
    write_batch(batch)
    batches.append(batch)
    if moment == "during-upsert" and len(batches) == 2:
        os._exit(9)

kb.index.add = add_then_maybe_die
if moment == "after-commit":
    kb.ingestor.sweep = lambda document_id: os._exit(9)
kb.ingest(path.name, path.read_bytes())
"""


def handbook(version: int) -> bytes:
    sections = [
        f"## Section {n}\n\nVersion {version} rule {n}: bikes are checked every {n + version} days."
        for n in range(12)
    ]
    return ("# Handbook\n\n" + "\n\n".join(sections)).encode()


def kill_ingest(settings: Settings, moment: str, file: Path) -> None:
    env = {
        **os.environ,
        "DATA_DIR": str(settings.data_dir),
        "CHUNK_SIZE": str(settings.chunk_size),
        "CHUNK_OVERLAP": "0",
        "INGEST_BATCH_SIZE": "2",
    }
    if settings.database_url:
        env["DATABASE_URL"] = settings.database_url
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", KILLED_INGEST, moment, str(file)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 9, result.stderr


@pytest.fixture
def small_chunks(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"chunk_size": 120, "chunk_overlap": 0, "ingest_batch_size": 2}
    )


def test_killed_during_upsert_then_rerun(small_chunks: Settings, tmp_path: Path) -> None:
    file = tmp_path / "handbook.md"
    file.write_bytes(handbook(1))

    kill_ingest(small_chunks, "during-upsert", file)

    with KnowledgeBase(small_chunks) as kb:
        assert kb.documents() == [], "a half-written document is not listed"
        assert kb.search("bikes checked days") == [], "nor are its chunks searchable"
        result = kb.ingest(file.name, file.read_bytes())
        assert result.status == "added"
        assert result.chunk_count > 4, "the kill really happened mid-document"
        assert kb.index.count() == result.chunk_count, "none missing, none duplicated"
        assert kb.registry.chunk_count() == result.chunk_count


def test_killed_after_commit_while_replacing_then_rerun(
    small_chunks: Settings, tmp_path: Path
) -> None:
    file = tmp_path / "handbook.md"
    file.write_bytes(handbook(1))
    with KnowledgeBase(small_chunks) as kb:
        kb.ingest(file.name, file.read_bytes())
    file.write_bytes(handbook(2))

    kill_ingest(small_chunks, "after-commit", file)

    with KnowledgeBase(small_chunks) as kb:
        result = kb.ingest(file.name, file.read_bytes())
        assert result.status == "unchanged", "the new version was committed before the kill"
        assert kb.index.count() == result.chunk_count, "the old version's vectors are gone"
        assert all("Version 2" in hit.text for hit in kb.search("Version rule bikes", top_k=20))


def test_embeddings_failing_mid_ingest_change_nothing_then_a_retry_succeeds(
    small_chunks: Settings,
) -> None:
    embeddings = FlakyEmbeddings()
    with KnowledgeBase(small_chunks, embeddings) as kb:
        kb.ingest("old.md", handbook(1))
        kb.ingest("kept.md", b"# Kept\n\nThe kept page says saddles are leather.")
        stored = kb.index.count()
        embeddings.fail_from_call = embeddings.calls + 3  # the third batch of the next ingest
        files = [("new.md", b"# New\n\n" + b"Tyres are tubeless. " * 40), ("old.md", handbook(2))]

        with pytest.raises(DependencyUnavailableError) as raised:
            kb.ingest_many(files)

        assert raised.value.dependency == "embeddings"
        assert embeddings.calls > 3, "it failed mid-ingest, after writing some batches"
        assert {d.source for d in kb.documents()} == {"old.md", "kept.md"}
        assert kb.registry.get_document(document_id_for("default", "new.md"), "default") is None
        assert kb.index.count() == stored, "no chunk of the failed ingest is left in the store"
        assert kb.registry.pending() == []
        embeddings.fail_from_call = None
        hits = kb.search("Version rule bikes tyres tubeless", top_k=20)
        assert "new.md" not in {hit.source for hit in hits}
        old = [hit.text for hit in hits if hit.source == "old.md"]
        assert old, "the old version is still searchable"
        assert all("Version 1" in text for text in old), "and intact"
        assert kb.search("saddles leather")[0].source == "kept.md"

        results = kb.ingest_many(files)

        assert [r.status for r in results] == ["added", "replaced"]
        assert kb.index.count() == kb.registry.chunk_count()
