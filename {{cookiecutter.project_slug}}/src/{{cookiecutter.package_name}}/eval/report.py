"""How an evaluation is shown: a Rich table for people, a JSON report for machines (CI
artifacts, comparing two runs)."""

import json
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from {{ cookiecutter.package_name }}.eval.results import EvalResult

MAX_LISTED = 10  # misses shown in the terminal; the JSON report has them all


def as_json(result: EvalResult, inputs: Mapping[str, str]) -> dict[str, Any]:
    return {
        "passed": result.passed,
        "summary": {
            "questions": len(result.questions),
            "documents": result.documents,
            "k": result.k,
            **{metric.key: metric.value for metric in result.metrics},
            "latency_ms": result.latency_ms,
        },
        "thresholds": {metric.key: metric.threshold for metric in result.metrics},
        "metrics": [asdict(metric) for metric in result.metrics],
        "inputs": dict(inputs),
        "config": result.config,
        "questions": [asdict(row) for row in result.questions],
    }


def write_report(path: Path, result: EvalResult, inputs: Mapping[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(as_json(result, inputs), indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def print_result(console: Console, result: EvalResult) -> None:
    title = f"Eval: {len(result.questions)} questions, {result.documents} documents"
    table = Table(title=title)
    for column in ("metric", "value", "threshold", "result"):
        table.add_column(column)
    for metric in result.metrics:
        verdict = "[green]PASS[/]" if metric.passed else "[red]FAIL[/]"
        table.add_row(metric.label, f"{metric.value:.3f}", f"{metric.threshold:.3f}", verdict)
    console.print(table)
    latency = result.latency_ms
    console.print(
        f"latency (ms): search p50 {latency['search_p50']:.1f}, p95 {latency['search_p95']:.1f}; "
        f"answer p50 {latency['answer_p50']:.1f}, p95 {latency['answer_p95']:.1f}",
        highlight=False,
    )
    _print_misses(console, result)


def _misses(result: EvalResult) -> list[str]:
    """One line per shortfall, the worst kind first: not retrieved, ranked low, not cited."""
    rows = result.questions
    return (
        [
            f"{r.id} ({r.source}): not in the top {result.k}; got {', '.join(r.retrieved)}"
            for r in rows
            if r.rank is None
        ]
        + [
            f"{r.id} ({r.source}): ranked {r.rank}, after {', '.join(r.retrieved[: r.rank - 1])}"
            for r in rows
            if r.rank is not None and r.rank > 1
        ]
        + [
            f"{r.id} ({r.source}): the answer cites {', '.join(r.cited) or 'nothing'}"
            for r in rows
            if not r.cites_source
        ]
    )


def _print_misses(console: Console, result: EvalResult) -> None:
    misses = _misses(result)
    if not misses:
        return
    console.print("Retrieval and citation misses:", style="bold")
    for line in misses[:MAX_LISTED]:
        console.print(f"  {line}", highlight=False, soft_wrap=True)
    if len(misses) > MAX_LISTED:
        console.print(f"  … and {len(misses) - MAX_LISTED} more (see the JSON report)")
