"""The command line: serve the API, ingest, ask, search, evaluate, benchmark, load-test,
review feedback."""

import asyncio
{% if cookiecutter.include_ui == "yes" -%}
import os
import sys
{% endif -%}
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

import {{ cookiecutter.package_name }}
from {{ cookiecutter.package_name }} import __version__
{%- if cookiecutter.auth == "api_key" %}
from {{ cookiecutter.package_name }}.api.security import new_api_key
{%- endif %}
from {{ cookiecutter.package_name }}.feedback import CandidatesFileError, FeedbackStore, export_candidates
from {{ cookiecutter.package_name }}.llm import build_chat_model
from {{ cookiecutter.package_name }}.rag.answer import Answerer, Citation, Scope, Sources, Token
from {{ cookiecutter.package_name }}.rag.errors import KnowledgeBaseError
from {{ cookiecutter.package_name }}.rag.ingest import IngestResult, batched
from {{ cookiecutter.package_name }}.rag.knowledge_base import DEFAULT_TENANT, KnowledgeBase
from {{ cookiecutter.package_name }}.rag.loaders import LOADERS
from {{ cookiecutter.package_name }}.settings import {% if cookiecutter.auth == "api_key" %}TENANT_NAME, {% endif %}Settings, get_settings{% if cookiecutter.auth == "api_key" %}, hash_api_key{% endif %}

app = typer.Typer(
    help={{ cookiecutter.package_name }}.__doc__,
    no_args_is_help=True,
    add_completion=False,
)
documents_app = typer.Typer(help="List and delete ingested documents.", no_args_is_help=True)
app.add_typer(documents_app, name="documents")
bench_app = typer.Typer(
    help="Benchmarks that print figures (throwaway data).", no_args_is_help=True
)
app.add_typer(bench_app, name="bench")
feedback_app = typer.Typer(
    help="Review answer feedback; turn thumbs-down answers into eval candidates.",
    no_args_is_help=True,
)
app.add_typer(feedback_app, name="feedback")
{%- if cookiecutter.auth == "api_key" %}
keys_app = typer.Typer(
    help="API keys: create one for a tenant, or hash one you have.", no_args_is_help=True
)
app.add_typer(keys_app, name="keys")
{%- endif %}
SAMPLE_DOCS = Path("data/docs")
GOLDEN_SET = Path("data/eval/golden.jsonl")
EVAL_CANDIDATES = Path("data/eval/candidates.jsonl")
EVAL_REPORT = Path("eval-report.json")
INGEST_GROUP_FILES = 50
console = Console()


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one readable line (no traceback) and return the exit to raise."""
    console.print(f"[red]Error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=code)


def load_settings() -> Settings:
    """Settings, or one readable line and exit code 2 when the configuration is invalid."""
    try:
        return get_settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'settings'}: {error['msg']}"
            for error in exc.errors()
        )
        raise fail(f"Invalid configuration: {problems}", code=2) from None


@contextmanager
def knowledge_base() -> Iterator[KnowledgeBase]:
    """The knowledge base for one command; its errors become one line and exit code 1."""
    settings = load_settings()
    try:
        with KnowledgeBase(settings) as kb:
            yield kb
    except KnowledgeBaseError as exc:
        raise fail(str(exc)) from None


def _print_version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """{{ cookiecutter.project_name }} command line."""


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind (default: HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on (default: PORT).")] = None,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
) -> None:
    """Start the HTTP API."""
    settings = load_settings()
    # Open (and close) the knowledge base once first: a misconfigured store or provider
    # fails here with one clear line instead of a startup traceback.
    with knowledge_base():
        pass
    uvicorn.run(
        "{{ cookiecutter.package_name }}.api.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        reload=reload,
        log_level=settings.log_level.lower(),
    )


def collect_files(paths: list[Path]) -> list[tuple[Path, str]]:
    """(file, source name) for every supported file; directories are walked recursively
    and their files named relative to the directory, so names are stable across machines."""
    found: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            found += [
                (f, f.relative_to(path).as_posix())
                for f in files
                if f.suffix.lower() in LOADERS
            ]
        elif path.is_file():
            found.append((path, path.name))
        else:
            raise fail(f"{path} does not exist")
    return found


STATUS_STYLE = {"added": "green", "replaced": "yellow", "unchanged": "dim", "failed": "red"}


def print_summary(results: list[IngestResult]) -> None:
    table = Table(title="Ingest summary")
    for column in ("source", "status", "chunks", "detail"):
        table.add_column(column)
    for result in results:
        style = STATUS_STYLE[result.status]
        table.add_row(
            result.source,
            f"[{style}]{result.status}[/]",
            str(result.chunk_count),
            result.error or "",
        )
    console.print(table)
    counts = {status: sum(r.status == status for r in results) for status in STATUS_STYLE}
    console.print(", ".join(f"{n} {status}" for status, n in counts.items()))


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories (recursive).")],
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when documents already exist.")
    ] = False,
) -> None:
    """Add files: new ones are added, changed ones replaced, unchanged ones skipped."""
    files = collect_files(paths)
    with knowledge_base() as kb:
        if if_empty and not kb.is_empty():
            console.print("The knowledge base already has documents; nothing to do.")
            return
        results: list[IngestResult] = []
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("Ingesting", total=len(files))

            def done(source: str) -> None:
                progress.update(task, advance=1, description=f"Ingesting {source}")

            # Files are written in groups: batched upserts, bounded memory.
            for group in batched(files, INGEST_GROUP_FILES):
                contents = [(source, file.read_bytes()) for file, source in group]
                results += kb.ingest_many(contents, on_file=done)
    print_summary(results)
    if any(r.status == "failed" for r in results):
        raise typer.Exit(code=1)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="The question or keywords.")],
    top_k: Annotated[int | None, typer.Option("--top-k", "-k", help="How many results.")] = None,
) -> None:
    """Search the knowledge base and print the best chunks with their sources."""
    with knowledge_base() as kb:
        hits = kb.search(query, top_k=top_k)
    if not hits:
        console.print("No results. Ingest documents first (the `ingest` command, or `make ingest`).")
        return
    table = Table(title=f"Results for: {query}")
    for column in ("#", "source", "page", "score", "snippet"):
        table.add_column(column)
    for rank, hit in enumerate(hits, start=1):
        page = str(hit.page) if hit.page else ""
        table.add_row(str(rank), hit.source, page, f"{hit.score:.4f}", hit.snippet)
    console.print(table)


{% if cookiecutter.include_ui == "yes" -%}
@app.command()
def ui(
    port: Annotated[int | None, typer.Option(help="Port of the UI (default: UI_PORT).")] = None,
    api_url: Annotated[
        str | None, typer.Option(help="The API to talk to (default: UI_API_URL).")
    ] = None,
) -> None:
    """Start the web UI (Streamlit); it talks to the API over HTTP."""
    settings = load_settings()
    script = Path(__file__).parent / "ui" / "app.py"
    env = {**os.environ, "UI_API_URL": api_url or settings.ui_api_url}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port or settings.ui_port),
        "--server.address",
        settings.host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",  # no "Deploy" button or developer menu for users
        "minimal",
    ]
    # Streamlit takes over this process (exec): a stop signal sent to `ui` reaches it
    # directly, instead of ending a parent and leaving an orphaned server behind.
    os.execve(sys.executable, command, env)  # noqa: S606 - our interpreter, our script


{% endif -%}
@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question to answer.")],
    top_k: Annotated[
        int | None, typer.Option("--top-k", "-k", help="Chunks given to the model.")
    ] = None,
) -> None:
    """Answer a question from the documents: the answer as it is written, then its sources."""
    settings = load_settings()
    try:
        model = build_chat_model(settings)
    except KnowledgeBaseError as exc:
        raise fail(str(exc)) from None
    with knowledge_base() as kb:
        answerer = Answerer(kb, model, settings)
        citations: list[Citation] = []
        try:
            for event in answerer.stream(question, Scope(top_k=top_k)):
                if isinstance(event, Token):
                    console.print(event.text, end="", highlight=False, soft_wrap=True)
                elif isinstance(event, Sources):
                    citations = event.citations
        except KnowledgeBaseError as exc:
            console.print()
            raise fail(str(exc)) from None
    console.print()
    if citations:
        table = Table(title="Sources")
        for column in ("#", "source", "page", "snippet"):
            table.add_column(column)
        for citation in citations:
            page = str(citation.page) if citation.page else ""
            table.add_row(str(citation.number), citation.source, page, citation.snippet)
        console.print(table)


@documents_app.command("list")
def list_documents() -> None:
    """List the documents with their chunk counts and dates."""
    with knowledge_base() as kb:
        records = kb.documents()
    table = Table(title=f"{len(records)} documents")
    for column in ("id", "source", "chunks", "updated"):
        table.add_column(column)
    for record in records:
        updated = record.updated_at.strftime("%Y-%m-%d %H:%M")
        table.add_row(record.id, record.source, str(record.chunk_count), updated)
    console.print(table)


@documents_app.command("delete")
def delete_document(document_id: Annotated[str, typer.Argument(help="The document id.")]) -> None:
    """Delete a document and all of its chunks."""
    with knowledge_base() as kb:
        removed = kb.delete(document_id)
    console.print(f"Deleted {document_id} ({removed} chunks).")


@contextmanager
def feedback_store() -> Iterator[FeedbackStore]:
    """The feedback store, in the registry database the knowledge base opens (same settings)."""
    with knowledge_base() as kb:
        yield FeedbackStore(kb.registry.engine)


TenantOption = Annotated[str, typer.Option(help="Whose feedback (the tenant of an API key).")]


@feedback_app.command("list")
def list_feedback(tenant: TenantOption = DEFAULT_TENANT) -> None:
    """List the feedback, oldest first (dates in UTC)."""
    with feedback_store() as store:
        records = store.list(tenant=tenant)
    table = Table(title=f"{len(records)} feedback")
    for column in ("rating", "question", "comment", "date"):
        table.add_column(column)
    for record in records:
        style = "green" if record.rating == "up" else "red"
        date = record.created_at.strftime("%Y-%m-%d %H:%M")
        table.add_row(f"[{style}]{record.rating}[/]", record.question, record.comment or "", date)
    console.print(table)


@feedback_app.command("export")
def export_feedback(
    output: Annotated[
        Path, typer.Option(help="The candidates file, JSON Lines (appended to).")
    ] = EVAL_CANDIDATES,
    golden: Annotated[
        Path, typer.Option(help="Cases already moved here are not exported again.")
    ] = GOLDEN_SET,
    tenant: TenantOption = DEFAULT_TENANT,
) -> None:
    """Append thumbs-down questions to the eval candidates (each once).

    A human then fills in `source` and `answer` and moves the case into the golden set.
    """
    with feedback_store() as store:
        records = store.list(tenant=tenant, rating="down")
    try:
        result = export_candidates(records, output, also_known=[golden])
    except CandidatesFileError as exc:
        raise fail(str(exc), code=2) from None
    console.print(
        f"{result.added} added to {output}, {result.already_there} already there.",
        highlight=False,
    )


{% if cookiecutter.auth == "api_key" -%}
TenantArgument = Annotated[str, typer.Argument(help="The tenant the key acts for.")]


def api_keys_entry(tenant: str, key: str) -> str:
    if not TENANT_NAME.match(tenant):
        raise fail(f"{tenant!r} is not a tenant name: letters, digits, '.', '_', '-' (≤ 64)")
    return f"{tenant}:{hash_api_key(key)}"


@keys_app.command("new")
def keys_new(tenant: TenantArgument) -> None:
    """Print a new random API key for TENANT and its API_KEYS entry (only the hash is stored:
    give the key to the client now, it cannot be shown again)."""
    key = new_api_key()
    entry = api_keys_entry(tenant, key)
    typer.echo(f"API key for {tenant}: {key}")
    typer.echo(f"Add to API_KEYS (comma-separated): {entry}")


@keys_app.command("hash")
def keys_hash(
    tenant: TenantArgument,
    key: Annotated[str, typer.Option(prompt=True, hide_input=True, help="The key (prompted).")],
) -> None:
    """Print the API_KEYS entry of a key you already have (e.g. from a secrets manager)."""
    typer.echo(api_keys_entry(tenant, key))


{% endif -%}
@bench_app.command("ingest")
def bench_ingest(
    docs: Annotated[Path, typer.Option(help="Documents to replicate.")] = SAMPLE_DOCS,
    copies: Annotated[int, typer.Option(min=1, help="How many copies of them.")] = 20,
) -> None:
    """Ingest (registry, batching, commit) vs the store's raw upsert of the same chunks."""
    from {{ cookiecutter.package_name }} import bench

    figures = bench.bench_ingest(load_settings(), docs, copies)
    console.print(
        f"{figures['files']:.0f} files, {figures['chunks']:.0f} chunks\n"
        f"raw upsert : {figures['raw_upsert_chunks_per_s']:8.0f} chunks/s\n"
        f"ingest     : {figures['ingest_chunks_per_s']:8.0f} chunks/s\n"
        f"ratio      : {figures['ratio']:8.2f} (target >= 0.80)\n"
        f"from files : {figures['from_files_chunks_per_s']:8.0f} chunks/s (parsing, chunking, "
        "embedding included)"
    )


@bench_app.command("search")
def bench_search(
    docs: Annotated[Path, typer.Option(help="Documents to index.")] = SAMPLE_DOCS,
    copies: Annotated[int, typer.Option(min=1, help="How many copies of them.")] = 5,
    requests: Annotated[int, typer.Option(min=10, help="Requests per measurement.")] = 200,
) -> None:
    """POST /v1/search vs a bare endpoint calling the store, at concurrency 1 and 8."""
    from {{ cookiecutter.package_name }} import bench

    results = bench.bench_search(load_settings(), docs, copies, requests)
    table = Table(title="Search latency (ms) and throughput")
    for column in ("", "endpoint", "p50", "p95", "req/s", "p50 ratio"):
        table.add_column(column)
    for level, pair in results.items():
        ratio = pair["api"].p50_ms / pair["bare"].p50_ms
        for name, result in pair.items():
            target = f"{ratio:.2f} (target <= 1.30)" if name == "api" else ""
            table.add_row(
                level,
                name,
                f"{result.p50_ms:.2f}",
                f"{result.p95_ms:.2f}",
                f"{result.requests_per_s:.0f}",
                target,
            )
    console.print(table)


{% if cookiecutter.include_agent == "yes" -%}
@bench_app.command("agent")
def bench_agent(
    docs: Annotated[Path, typer.Option(help="Documents to index.")] = SAMPLE_DOCS,
    requests: Annotated[int, typer.Option(min=10, help="Requests per endpoint.")] = 50,
) -> None:
    """POST /v1/agent/runs vs POST /v1/query on the same questions, one at a time."""
    from {{ cookiecutter.package_name }} import bench

    results = bench.bench_agent(load_settings(), docs, requests)
    table = Table(title="Agent run vs direct answer: latency (ms)")
    for column in ("endpoint", "p50", "p95", "req/s"):
        table.add_column(column)
    for name, result in results.items():
        table.add_row(
            name, f"{result.p50_ms:.1f}", f"{result.p95_ms:.1f}", f"{result.requests_per_s:.1f}"
        )
    console.print(table)
    overhead = results["agent"].p50_ms - results["query"].p50_ms
    console.print(f"agent loop overhead (p50): {overhead:.1f} ms per run")


{% endif -%}
@app.command()
def drift(
    recent_days: Annotated[
        float | None,
        typer.Option(min=0.01, help="The recent window (default: DRIFT_RECENT_DAYS)."),
    ] = None,
    reference_days: Annotated[
        float | None,
        typer.Option(min=0.01, help="The window before it (default: DRIFT_REFERENCE_DAYS)."),
    ] = None,
    tenant: Annotated[str | None, typer.Option(help="Only this tenant (default: all).")] = None,
    metrics_file: Annotated[
        Path | None, typer.Option(help="Also write the figures as Prometheus gauges (.prom).")
    ] = None,
) -> None:
    """Compare recent questions and retrieval scores with the weeks before (exit 1: drift)."""
    from {{ cookiecutter.package_name }}.observability.drift_report import compare, render, write_metrics
    from {{ cookiecutter.package_name }}.observability.query_log import QueryLog

    settings = load_settings()
    with knowledge_base() as kb:
        query_log = QueryLog(kb.registry.engine)
        report = compare(query_log, settings, recent_days, reference_days, tenant)
    console.print(render(report))
    if metrics_file:
        write_metrics(report, metrics_file)
    if not report.enough_data:
        minimum = report.thresholds.min_queries
        console.print(f"Too few queries to compare (DRIFT_MIN_QUERIES={minimum}).")
    elif report.drifted:
        console.print("[red]Drift:[/red] recent queries differ from the reference window.")
        raise typer.Exit(code=1)
    else:
        console.print("No drift past the thresholds.")


@app.command()
def loadtest(
    url: Annotated[str, typer.Option(help="The running API to load.")] = "http://127.0.0.1:8000",
    clients: Annotated[int, typer.Option(min=1, help="Concurrent clients.")] = 50,
    duration: Annotated[float, typer.Option(min=0.1, help="Seconds to send requests for.")] = 60,
    api_key: Annotated[
        str | None, typer.Option(envvar="LOADTEST_API_KEY", help="The key the clients send.")
    ] = None,
    golden: Annotated[Path, typer.Option(help="The questions to ask, JSON Lines.")] = GOLDEN_SET,
) -> None:
    """Load a running API: concurrent clients ask the golden questions (answers, and some
    searches); prints throughput and latency percentiles, exits 1 on any error."""
    from {{ cookiecutter.package_name }} import loadtest as load
    from {{ cookiecutter.package_name }}.eval.golden import EvalInputError, load_golden

    try:
        calls = load.workload(load_golden(golden))
    except EvalInputError as exc:
        raise fail(str(exc), code=2) from None
    report = asyncio.run(load.run_load(url, calls, clients, duration, api_key))
    load.print_report(console, url, clients, report)
    if report.errors:
        raise typer.Exit(code=1)


@app.command("eval")
def evaluate(
    golden: Annotated[Path, typer.Option(help="Golden questions, JSON Lines.")] = GOLDEN_SET,
    docs: Annotated[Path, typer.Option(help="Documents to index (throwaway data).")] = SAMPLE_DOCS,
    k: Annotated[
        int | None, typer.Option("--k", min=1, help="Hits scored per question (default: EVAL_K).")
    ] = None,
    report: Annotated[Path, typer.Option(help="Where to write the JSON report.")] = EVAL_REPORT,
) -> None:
    """Score retrieval and answer citations on a golden set (exit 1 below EVAL_MIN_*)."""
    from {{ cookiecutter.package_name }}.eval.golden import EvalInputError, load_golden
    from {{ cookiecutter.package_name }}.eval.report import print_result, write_report
    from {{ cookiecutter.package_name }}.eval.run import evaluate as run_eval

    settings = load_settings()
    try:
        cases = load_golden(golden)
        if not docs.is_dir():
            raise EvalInputError(f"documents directory {docs} not found")
        files = [(source, file.read_bytes()) for file, source in collect_files([docs])]
        model = build_chat_model(settings)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("Evaluating", total=len(cases))
            result = run_eval(
                settings,
                cases,
                files,
                k or settings.eval_k,
                model,
                lambda _: progress.advance(task),
            )
    except EvalInputError as exc:
        raise fail(str(exc), code=2) from None
    except KnowledgeBaseError as exc:
        raise fail(str(exc)) from None
    print_result(console, result)
    write_report(report, result, {"golden": str(golden), "docs": str(docs)})
    console.print(f"Report: {report}", highlight=False)
    if not result.passed:
        raise typer.Exit(code=1)
