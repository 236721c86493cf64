"""B-cubed on hand-computed examples."""

from __future__ import annotations

import pytest

from streams.eval.bcubed import bcubed


def test_perfect_clustering_scores_one() -> None:
    b = bcubed(["x", "x", "y"], ["a", "a", "b"])
    assert (b.precision, b.recall, b.f1) == (1.0, 1.0, 1.0)
    assert (b.stories, b.gold_stories, b.items) == (2, 2, 3)


def test_everything_in_one_cluster() -> None:
    # gold {1,2} {3}: items 1,2 have precision 2/3, item 3 has 1/3; recall is 1 everywhere.
    b = bcubed(["x", "x", "x"], ["a", "a", "b"])
    assert b.precision == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3)
    assert b.recall == 1.0
    assert b.f1 == pytest.approx(2 * (5 / 9) / (5 / 9 + 1))


def test_all_singletons() -> None:
    # gold {1,2,3,4} {5}: recall 1/4 for four items, 1 for the fifth.
    b = bcubed(["p1", "p2", "p3", "p4", "p5"], ["a", "a", "a", "a", "b"])
    assert b.precision == 1.0
    assert b.recall == pytest.approx((4 * 0.25 + 1) / 5)
    assert b.stories == 5


def test_textbook_example() -> None:
    # predicted {1,2,3} {4,5}; gold {1,2} {3,4,5}
    # precision: 2/3, 2/3, 1/3, 1, 1 -> 11/15; recall: 1, 1, 1/3, 2/3, 2/3 -> 11/15
    b = bcubed({1: "x", 2: "x", 3: "x", 4: "y", 5: "y"}, {1: "a", 2: "a", 3: "b", 4: "b", 5: "b"})
    assert b.precision == pytest.approx(11 / 15)
    assert b.recall == pytest.approx(11 / 15)
    assert b.f1 == pytest.approx(11 / 15)


def test_labels_are_only_names() -> None:
    assert bcubed(["x", "y", "y"], ["a", "b", "b"]) == bcubed(["1", "0", "0"], ["z", "a", "a"])


def test_mismatched_inputs_are_rejected() -> None:
    with pytest.raises(ValueError, match="3 labels"):
        bcubed(["x", "y", "z"], ["a", "b"])
    with pytest.raises(ValueError, match="different items"):
        bcubed({1: "x"}, {2: "a"})


def test_empty_input() -> None:
    assert bcubed([], []).f1 == 0.0
