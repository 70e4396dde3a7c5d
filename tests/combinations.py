"""The option combinations the template is tested with, computed from cookiecutter.json.

Every question whose answer is a choice (a list in cookiecutter.json) is a factor.
The combinations cover every PAIR of values of any two factors (pairwise testing),
and always include the all-defaults project first. A new choice question added to
cookiecutter.json joins the set by itself.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable
from pathlib import Path

import pytest
from _pytest.mark import ParameterSet
from allpairspy import AllPairs

ROOT = Path(__file__).resolve().parent.parent
Combination = dict[str, str]


def questions() -> dict[str, object]:
    context: dict[str, object] = json.loads((ROOT / "cookiecutter.json").read_text())
    return context


def factors() -> dict[str, list[str]]:
    """Choice questions and their values, default (first) value first."""
    return {
        key: [str(value) for value in values]
        for key, values in questions().items()
        if isinstance(values, list) and not key.startswith("_")
    }


def defaults() -> Combination:
    return {key: values[0] for key, values in factors().items()}


def pairwise() -> list[Combination]:
    """All-defaults first, then a pairwise-covering set (no duplicates)."""
    names = list(factors())
    combinations = [defaults()]
    if len(names) >= 2:
        for row in AllPairs([factors()[name] for name in names]):
            candidate = dict(zip(names, (str(value) for value in row), strict=True))
            if candidate not in combinations:
                combinations.append(candidate)
    return combinations


def uncovered_pairs(combinations: Iterable[Combination]) -> set[tuple[str, str, str, str]]:
    """Pairs of (question, value) that no combination exercises; empty means pairwise."""
    wanted = {
        (a, va, b, vb)
        for a, b in itertools.combinations(factors(), 2)
        for va in factors()[a]
        for vb in factors()[b]
    }
    seen = {
        (a, combo[a], b, combo[b])
        for combo in combinations
        for a, b in itertools.combinations(factors(), 2)
    }
    return wanted - seen


def combination_id(combo: Combination) -> str:
    return "-".join(f"{key}={value}" for key, value in combo.items())


def as_params(combinations: list[Combination]) -> list[ParameterSet]:
    """One test per combination; all tests of a combination run on one xdist worker,
    so it is rendered once and reused (run pytest with ``--dist loadgroup``)."""
    return [
        pytest.param(
            combo, id=combination_id(combo), marks=pytest.mark.xdist_group(combination_id(combo))
        )
        for combo in combinations
    ]
