"""The time-based split and the age-rule baseline."""

from __future__ import annotations

import numpy as np
import pytest

from models.features import FEATURES, as_of_grid
from models.training import AgeRule, NotEnoughHistory, time_split
from tests.carers.helpers import day


def test_split_tests_on_the_latest_observed_year_and_trains_on_windows_ended_before_it():
    split = time_split(as_of_grid(day("2023-06-30"), day("2019-01-01")))
    assert split.test == [day("2022-09-30"), day("2022-12-31"), day("2023-03-31"), day("2023-06-30")]
    # 2021-09-30 + 365 days = 2022-09-30: its label is known by the first test date; 2021-12-31's is not.
    assert split.train[0] == day("2019-03-31") and split.train[-1] == day("2021-09-30")


def test_split_needs_history_before_the_test_year():
    with pytest.raises(NotEnoughHistory):
        time_split([day("2023-03-31"), day("2023-06-30")])
    with pytest.raises(NotEnoughHistory):
        time_split([])


def test_age_rule_gives_the_leave_rate_of_the_age_band():
    X = np.zeros((6, len(FEATURES)))
    X[:, FEATURES.index("age")] = [41, 43, 44, 61, 62, 50]
    y = np.array([1, 0, 0, 1, 1, 0])
    risk = AgeRule().fit(X, y).predict_proba(X)[:, 1]
    assert risk.tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3, 1.0, 1.0, 0.0])
    unseen = np.zeros((1, len(FEATURES)))
    unseen[0, FEATURES.index("age")] = 70
    assert AgeRule().fit(X, y).predict_proba(unseen)[0, 1] == pytest.approx(0.5)
