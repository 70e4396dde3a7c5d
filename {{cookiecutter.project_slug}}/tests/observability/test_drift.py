"""Drift statistics on synthetic windows: same topics stay quiet, moved topics and scores
are flagged, small windows are not judged."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from numpy.typing import NDArray

from {{ cookiecutter.package_name }}.observability.drift import (
    DriftThresholds,
    centroid_distance,
    detect_drift,
    ks_two_sample,
    permutation_p_value,
    windows,
)
from {{ cookiecutter.package_name }}.observability.query_log import SKETCH_DIMENSION, QueryWindow, sketch

NOW = datetime(2026, 1, 29, tzinfo=UTC)
THRESHOLDS = DriftThresholds(embedding_distance=0.1, top_score_ks=0.2, min_queries=30)


def queries(topic: int, count: int, seed: int, dimension: int = 768) -> NDArray[np.float32]:
    """Sketches of vectors scattered around one of a few fixed topic directions."""
    rng = np.random.default_rng(seed)
    centre = np.random.default_rng(topic).normal(size=dimension)
    vectors = centre + rng.normal(scale=1.5, size=(count, dimension))
    return np.vstack([np.frombuffer(sketch(list(v)) or b"", dtype="<f4") for v in vectors])


def window(sketches: NDArray[np.float32], scores: NDArray[np.float64]) -> QueryWindow:
    return QueryWindow(NOW, NOW, len(sketches), sketches, scores)


def scores(mean: float, count: int, seed: int) -> NDArray[np.float64]:
    return np.clip(np.random.default_rng(seed).normal(mean, 0.08, count), 0, 1)


def test_same_topics_and_scores_are_not_drift() -> None:
    reference = window(queries(topic=1, count=200, seed=1), scores(0.6, 200, seed=1))
    recent = window(queries(topic=1, count=80, seed=2), scores(0.6, 80, seed=2))

    report = detect_drift(reference, recent, THRESHOLDS)

    assert report.enough_data
    assert report.embedding_distance is not None
    assert report.embedding_distance < THRESHOLDS.embedding_distance
    assert report.top_score_ks is not None
    assert report.top_score_ks < THRESHOLDS.top_score_ks
    assert not report.drifted


def test_new_topics_are_flagged() -> None:
    reference = window(queries(topic=1, count=200, seed=1), scores(0.6, 200, seed=1))
    recent = window(queries(topic=2, count=80, seed=2), scores(0.6, 80, seed=2))

    report = detect_drift(reference, recent, THRESHOLDS)

    assert report.embedding_drift
    assert report.embedding_p_value is not None
    assert report.embedding_p_value < 0.05
    assert not report.score_drift


def test_falling_retrieval_scores_are_flagged() -> None:
    reference = window(queries(topic=1, count=200, seed=1), scores(0.6, 200, seed=1))
    recent = window(queries(topic=1, count=80, seed=2), scores(0.35, 80, seed=2))

    report = detect_drift(reference, recent, THRESHOLDS)

    assert report.score_drift
    assert report.top_score_ks is not None
    assert report.top_score_ks > 0.8
    assert report.top_score_p_value is not None
    assert report.top_score_p_value < 1e-6
    assert report.recent.mean_top_score is not None
    assert report.recent.mean_top_score < 0.4


def test_windows_with_too_few_queries_are_not_judged() -> None:
    reference = window(queries(topic=1, count=200, seed=1), scores(0.6, 200, seed=1))
    recent = window(queries(topic=2, count=10, seed=2), scores(0.1, 10, seed=2))

    report = detect_drift(reference, recent, THRESHOLDS)

    assert not report.enough_data
    assert report.embedding_distance is None
    assert report.top_score_ks is None
    assert not report.drifted


def test_permutation_p_value_is_reproducible_and_never_zero() -> None:
    a, b = queries(1, 50, seed=1), queries(2, 50, seed=2)

    p_value = permutation_p_value(a, b)

    assert p_value == permutation_p_value(a, b)
    assert 0 < p_value < 0.01


def test_ks_matches_the_textbook_values() -> None:
    same = scores(0.5, 500, seed=3)
    assert ks_two_sample(same, same) == (0.0, 1.0)
    # Disjoint samples: every reference score is below every recent one.
    statistic, p_value = ks_two_sample(np.linspace(0, 0.4, 50), np.linspace(0.5, 0.9, 50))
    assert statistic == 1.0
    assert p_value < 1e-15
    # At the textbook 5% critical value, 1.36 * sqrt(2 / n), the p-value is about 0.05.
    critical = 1.36 * np.sqrt(2 / 300)
    uniform = np.linspace(0, 1, 300)
    statistic, p_value = ks_two_sample(uniform, uniform + critical)
    assert statistic == pytest.approx(critical, abs=0.005)
    assert 0.03 < p_value < 0.07


def test_sketches_keep_cosine_similarities_close() -> None:
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=768), rng.normal(size=768)
    b = a + 0.8 * b  # similar, not identical
    true_cosine = float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))

    sa, sb = (np.frombuffer(sketch(list(v)) or b"", dtype="<f4") for v in (a, b))

    assert sa.shape == (SKETCH_DIMENSION,)
    assert float(sa @ sb / np.linalg.norm(sa) / np.linalg.norm(sb)) == pytest.approx(
        true_cosine, abs=0.1
    )
    assert sketch([0.0] * 768) is None  # a blank query has no direction


def test_centroid_distance_is_zero_for_the_same_set() -> None:
    sample = queries(1, 20, seed=1)
    assert centroid_distance(sample, sample) == pytest.approx(0.0, abs=1e-6)


def test_reference_window_ends_where_recent_begins() -> None:
    start, middle, end = windows(NOW, timedelta(days=7), timedelta(days=28))
    assert (end - middle, middle - start, end) == (timedelta(days=7), timedelta(days=28), NOW)
