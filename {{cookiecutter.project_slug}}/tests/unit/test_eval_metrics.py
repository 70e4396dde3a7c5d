"""The eval metrics against values worked out by hand."""

import math

import pytest

from {{ cookiecutter.package_name }}.eval import metrics


def test_document_ranking_keeps_each_document_at_its_first_hit() -> None:
    chunks = ["a.md", "a.md", "b.md", "a.md", "c.md", "b.md"]

    assert metrics.document_ranking(chunks) == ["a.md", "b.md", "c.md"]


def test_rank_of_is_one_based_and_none_when_missing() -> None:
    ranking = ["a.md", "b.md", "c.md"]

    assert metrics.rank_of("a.md", ranking) == 1
    assert metrics.rank_of("c.md", ranking) == 3
    assert metrics.rank_of("z.md", ranking) is None


@pytest.mark.parametrize(
    ("rank", "hit", "rr", "ndcg"),
    [
        (1, 1.0, 1.0, 1.0),
        (2, 1.0, 0.5, 1 / math.log2(3)),  # 0.6309…
        (3, 1.0, 1 / 3, 0.5),  # log2(4) = 2
        (5, 1.0, 0.2, 1 / math.log2(6)),  # the last rank that counts at k=5
        (6, 0.0, 0.0, 0.0),  # retrieved, but below the cut-off
        (None, 0.0, 0.0, 0.0),  # not retrieved at all
    ],
)
def test_per_question_metrics_at_k5(rank: int | None, hit: float, rr: float, ndcg: float) -> None:
    assert metrics.hit_at_k(rank, 5) == hit
    assert metrics.reciprocal_rank(rank, 5) == pytest.approx(rr)
    assert metrics.ndcg_at_k(rank, 5) == pytest.approx(ndcg)


def test_ndcg_of_rank_2_is_0_631() -> None:
    assert metrics.ndcg_at_k(2, 10) == pytest.approx(0.6309, abs=1e-4)


def test_means_over_a_question_set() -> None:
    ranks = [1, 2, None, 4]

    mrr = metrics.mean([metrics.reciprocal_rank(r, 5) for r in ranks])
    hit_rate = metrics.mean([metrics.hit_at_k(r, 5) for r in ranks])
    ndcg = metrics.mean([metrics.ndcg_at_k(r, 5) for r in ranks])

    assert mrr == pytest.approx((1 + 0.5 + 0 + 0.25) / 4)  # 0.4375
    assert hit_rate == 0.75
    assert ndcg == pytest.approx((1 + 1 / math.log2(3) + 0 + 1 / math.log2(5)) / 4)


def test_a_smaller_k_cuts_lower_ranks() -> None:
    assert metrics.hit_at_k(2, 1) == 0.0
    assert metrics.reciprocal_rank(2, 1) == 0.0
    assert metrics.ndcg_at_k(1, 1) == 1.0


@pytest.mark.parametrize(("rank", "k"), [(0, 5), (-1, 5), (1, 0)])
def test_invalid_ranks_and_k_are_refused(rank: int, k: int) -> None:
    with pytest.raises(ValueError, match=r"at least 1|start at 1"):
        metrics.hit_at_k(rank, k)


def test_cites_is_membership_of_the_golden_document() -> None:
    assert metrics.cites("a.md", ["b.md", "a.md"]) == 1.0
    assert metrics.cites("a.md", ["b.md"]) == 0.0
    assert metrics.cites("a.md", []) == 0.0


def test_mean_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="no values"):
        metrics.mean([])


def test_percentile_is_a_measured_value_by_nearest_rank() -> None:
    values = [40.0, 10.0, 30.0, 20.0]  # order does not matter

    assert metrics.percentile(values, 0.5) == 20.0  # ceil(0.5 * 4) = 2nd smallest
    assert metrics.percentile(values, 0.95) == 40.0  # ceil(3.8) = 4th
    assert metrics.percentile(values, 0.0) == 10.0
    assert metrics.percentile([7.0], 0.95) == 7.0
    with pytest.raises(ValueError, match=r"within 0\.\.1"):
        metrics.percentile(values, 95)
