"""Expected AUC against planted risks, the top-decile flags and the metrics of one split."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.evaluation import expected_auc, score_metrics, top_share_flags


def brute_force_expected_auc(p, q) -> float:
    """The definition, pair by pair: sum q_i (1 - q_j) [p_i > p_j] (ties 1/2) over i != j, normalised."""
    num = den = 0.0
    for i in range(len(p)):
        for j in range(len(p)):
            if i != j:
                w = q[i] * (1 - q[j])
                num += w * (1.0 if p[i] > p[j] else 0.5 if p[i] == p[j] else 0.0)
                den += w
    return num / den


def test_expected_auc_of_two_carers_by_hand():
    # (leaver 2, stayer 1) weighs 0.6 x 0.7 = 0.42 and is well ordered; (1, 2) weighs 0.3 x 0.4 = 0.12 and is not.
    assert expected_auc(np.array([0.2, 0.8]), np.array([0.3, 0.6])) == pytest.approx(0.42 / 0.54)


def test_expected_auc_counts_ties_half():
    assert expected_auc(np.array([0.5, 0.5]), np.array([0.3, 0.6])) == pytest.approx(0.5)
    # Three carers, two tied: weights (i,j): (1,2) .1*.5 (1,3) .1*.1 (2,1) .5*.9 (2,3) .5*.1 (3,1) .9*.9 (3,2) .9*.5
    # p = (0.1, 0.4, 0.4): well ordered (2,1), (3,1); tied (2,3), (3,2); wrong (1,2), (1,3).
    num = 0.45 + 0.81 + 0.5 * (0.05 + 0.45)
    den = 0.05 + 0.01 + 0.45 + 0.05 + 0.81 + 0.45
    assert expected_auc(np.array([0.1, 0.4, 0.4]), np.array([0.1, 0.5, 0.9])) == pytest.approx(num / den)


def test_perfect_and_reversed_scores():
    q = np.array([0.05, 0.1, 0.3, 0.9])
    assert expected_auc(q, q) == pytest.approx(brute_force_expected_auc(q, q))
    assert expected_auc(-q, q) == pytest.approx(1 - expected_auc(q, q))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0.0, 0.1, 0.2, 0.5, 0.7]), st.floats(0.01, 0.99)), min_size=2, max_size=12))
def test_expected_auc_matches_the_pairwise_definition(pairs):
    p, q = np.array([a for a, _ in pairs]), np.array([b for _, b in pairs])
    assert expected_auc(p, q) == pytest.approx(brute_force_expected_auc(p, q))


def test_top_share_flags_the_highest_tenth_of_each_as_of_date():
    risk = np.array([0.9, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.05, 0.2, 0.3])
    dates = np.array([1] * 10 + [2] * 2)
    assert np.flatnonzero(top_share_flags(risk, dates)).tolist() == [0, 11]


def test_score_metrics_of_a_perfect_ranking():
    y = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    risk = np.linspace(0.9, 0.0, 10)
    m = score_metrics(y, risk, np.zeros(10))
    assert (m["roc_auc"], m["pr_auc"], m["top_decile_recall"], m["n"], m["leavers"]) == (1.0, 1.0, 1.0, 10, 1)
    assert m["brier"] == pytest.approx(np.mean((risk - y) ** 2))
