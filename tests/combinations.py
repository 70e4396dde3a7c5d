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
from pre_gen_project import INCOMPATIBLE

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


def allowed(combo: Combination) -> bool:
    """False when the answers include a combination the pre_gen hook refuses."""
    return not any(
        all(combo.get(key) == value for key, value in refused.items())
        for refused, _ in INCOMPATIBLE
    )


def pairwise() -> list[Combination]:
    """All-defaults first, then a pairwise-covering set of allowed combinations."""
    names = list(factors())
    combinations = [defaults()]

    def partial_allowed(row: list[str]) -> bool:
        return allowed(dict(zip(names, row, strict=False)))

    if len(names) >= 2:
        for row in AllPairs([factors()[name] for name in names], filter_func=partial_allowed):
            candidate = dict(zip(names, (str(value) for value in row), strict=True))
            if candidate not in combinations:
                combinations.append(candidate)
    # allpairspy may leave a pair out when a filter prunes its search: complete greedily.
    for a, value_a, b, value_b in sorted(uncovered_pairs(combinations)):
        candidate = _allowed_with({a: value_a, b: value_b})
        if candidate not in combinations:
            combinations.append(candidate)
    return combinations


def _allowed_with(fixed: Combination) -> Combination:
    """The allowed combination closest to the defaults that contains `fixed`."""
    free = [name for name in factors() if name not in fixed]
    for values in itertools.product(*(factors()[name] for name in free)):
        candidate = {**defaults(), **dict(zip(free, values, strict=True)), **fixed}
        if allowed(candidate):
            return {name: candidate[name] for name in factors()}
    raise ValueError(f"no allowed combination contains {fixed}")


def uncovered_pairs(combinations: Iterable[Combination]) -> set[tuple[str, str, str, str]]:
    """Allowed pairs of (question, value) that no combination exercises; empty = pairwise."""
    wanted = {
        (a, va, b, vb)
        for a, b in itertools.combinations(factors(), 2)
        for va in factors()[a]
        for vb in factors()[b]
        if allowed({a: va, b: vb})
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
