"""A drift report for people (a Rich table) and for Prometheus (gauges in a text file).

`drift` runs as a job (cron, a CI schedule), not inside the API, so its figures reach
Prometheus the way batch jobs' do: through node_exporter's textfile collector (the file
written by `--metrics-file`) or a Pushgateway (`prometheus_client.push_to_gateway`).
"""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from prometheus_client import CollectorRegistry, Gauge, write_to_textfile
from rich.table import Table

from {{ cookiecutter.package_name }}.observability.drift import (
    ALPHA,
    DriftReport,
    DriftThresholds,
    WindowSummary,
    detect_drift,
    windows,
)
from {{ cookiecutter.package_name }}.observability.query_log import QueryLog
from {{ cookiecutter.package_name }}.settings import Settings


def compare(
    query_log: QueryLog,
    settings: Settings,
    recent_days: float | None = None,
    reference_days: float | None = None,
    tenant: str | None = None,
    now: datetime | None = None,
) -> DriftReport:
    """The recent window of the log against the one before it (DRIFT_* settings by default)."""
    start, middle, end = windows(
        now or datetime.now(UTC),
        timedelta(days=recent_days or settings.drift_recent_days),
        timedelta(days=reference_days or settings.drift_reference_days),
    )
    thresholds = DriftThresholds(
        embedding_distance=settings.drift_embedding_threshold,
        top_score_ks=settings.drift_score_ks_threshold,
        min_queries=settings.drift_min_queries,
    )
    reference = query_log.window(start, middle, tenant)
    recent = query_log.window(middle, end, tenant)
    return detect_drift(reference, recent, thresholds)


def _number(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _window(summary: WindowSummary) -> str:
    return f"{summary.start:%Y-%m-%d %H:%M} → {summary.end:%Y-%m-%d %H:%M}"


def render(report: DriftReport) -> Table:
    """The two windows side by side, each statistic with its threshold and verdict."""
    table = Table(title="Query drift: recent window vs reference")
    for column in ("", "reference", "recent", "statistic", "threshold", "verdict"):
        table.add_column(column)
    reference, recent, limits = report.reference, report.recent, report.thresholds
    table.add_row("window (UTC)", _window(reference), _window(recent), "", "", "")
    table.add_row("queries", str(reference.queries), str(recent.queries), "", "", "")
    score_verdict = "[red]shifted[/]" if report.score_drift else "stable"
    embedding_verdict = "[red]shifted[/]" if report.embedding_drift else "stable"
    if not report.enough_data:
        score_verdict = embedding_verdict = f"fewer than {limits.min_queries} queries"
    table.add_row(
        "top score (mean; KS)",
        _number(reference.mean_top_score),
        _number(recent.mean_top_score),
        f"{_number(report.top_score_ks)} (p={_number(report.top_score_p_value)})",
        f"{limits.top_score_ks:g}, p<{ALPHA:g}",
        score_verdict,
    )
    table.add_row(
        "topics (centroid distance)",
        "",
        "",
        f"{_number(report.embedding_distance)} (p={_number(report.embedding_p_value)})",
        f"{limits.embedding_distance:g}, p<{ALPHA:g}",
        embedding_verdict,
    )
    return table


def write_metrics(report: DriftReport, path: Path) -> None:
    """Write the report's gauges in Prometheus' text format (atomically: temp file, rename)."""
    registry = CollectorRegistry()
    gauges = {
        "rag_drift_embedding_distance": (
            "Cosine distance between the mean query embeddings of the windows.",
            report.embedding_distance,
        ),
        "rag_drift_embedding_p_value": (
            "Permutation-test p-value of that distance.",
            report.embedding_p_value,
        ),
        "rag_drift_top_score_ks": (
            "Kolmogorov-Smirnov statistic of the best retrieval score per query.",
            report.top_score_ks,
        ),
        "rag_drift_top_score_p_value": ("Its p-value.", report.top_score_p_value),
        "rag_drift_detected": ("1 when a shift past its threshold was found.", report.drifted),
        "rag_drift_recent_queries": ("Queries in the recent window.", report.recent.queries),
    }
    for name, (description, value) in gauges.items():
        if value is not None:
            Gauge(name, description, registry=registry).set(float(value))
    Gauge(
        "rag_drift_last_run_timestamp_seconds", "When the report was made.", registry=registry
    ).set_to_current_time()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_to_textfile(str(path), registry)
