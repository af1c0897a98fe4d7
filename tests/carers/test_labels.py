"""The attrition label of contract section 4: leaving in (T, T + 365 days], deaths excepted, censored."""

from __future__ import annotations

import polars as pl

from models.features import active_carers
from models.labels import attrition_labels
from tests.carers.helpers import carers, day, rows

T = day("2023-01-31")  # T + 365 days = 2024-01-31 (no 29 February in between)
CARERS = carers(
    ("day_365", "T1", 1, "2015-01-01", "2024-01-31", "RESIGNATION"),
    ("day_366", "T1", 1, "2015-01-01", "2024-02-01", "RESIGNATION"),
    ("death", "T1", 1, "2015-01-01", "2023-06-01", "DEATH"),
    ("day_1", "T1", 1, "2015-01-01", "2023-02-01", "RETIREMENT"),
    ("ends_on_t", "T1", 1, "2015-01-01", "2023-01-31", "RESIGNATION"),
    ("stays", "T1", 1, "2015-01-01", None, None),
    ("gone", "T1", 1, "2015-01-01", "2023-01-30", "RESIGNATION"),
    ("not_yet", "T1", 1, "2023-02-01", None, None),
)


def labels(observed_until: str) -> pl.DataFrame:
    return attrition_labels(active_carers(CARERS, [T]), CARERS, day(observed_until)).collect().sort("carer_id")


def test_label_counts_day_365_but_not_day_366_nor_a_death():
    assert rows(labels("2024-06-30"), "carer_id", "left_12m") == [
        ("day_1", True),
        ("day_365", True),
        ("day_366", False),
        ("death", False),
        ("ends_on_t", False),  # active on T, but leaves on T itself: not in (T, T + 365]
        ("stays", False),
    ]


def test_label_is_observed_only_once_the_365_days_are_past():
    assert labels("2024-01-30")["observed"].unique().to_list() == [False]
    assert labels("2024-01-31")["observed"].unique().to_list() == [True]


def test_only_carers_active_on_the_as_of_date_get_a_label():
    assert set(labels("2024-06-30")["carer_id"]) == {"day_1", "day_365", "day_366", "death", "ends_on_t", "stays"}
