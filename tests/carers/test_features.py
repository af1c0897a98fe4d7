"""The model's features on one carer, computed by hand: windows (T - N months, T], nothing after T."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from models.features import FEATURES, as_of_grid, carer_features, shift_months, training_dates
from tests.carers.helpers import carers, day, events, placements

T = day("2024-06-30")
CARERS = carers(
    (
        "k",
        "T1",
        2,
        "2020-03-01",
        None,
        None,
        {
            "birth_date": "1970-01-01",
            "approval_date": "2019-11-15",
            "initial_training_done_date": "2020-09-01",
            "distance_to_service_km": 12.5,
        },
    ),
    ("new", "T2", 1, "2024-05-10", None, None, {"employer_kind": "ASSOCIATION"}),
    ("gone", "T1", 1, "2010-01-01", "2024-06-29", "RESIGNATION"),
)
PLACEMENTS = placements(
    ("k", "2021-01-01", None, None, True, "2006-09-01"),  # complex needs, turns 18 on 2024-09-01
    ("k", "2023-09-01", "2024-02-15", "BREAKDOWN", False, "2010-01-01"),
    ("k", "2024-03-01", "2024-08-31", "PLANNED_MOVE", False, "2012-01-01"),  # end planned after T
    ("gone", "2020-01-01", "2024-06-29", "PLANNED_MOVE"),
)
EVENTS = events(
    ("k", "2024-06-30", "SUPPORT_VISIT"),
    ("k", "2024-01-01", "SUPPORT_VISIT"),  # first day of the 6 months
    ("k", "2023-12-31", "SUPPORT_VISIT"),  # in the 12 months only
    ("k", "2023-06-30", "SUPPORT_VISIT"),  # just outside the 12 months
    ("k", "2024-07-01", "SUPPORT_VISIT"),  # after T: unknown on T
    ("k", "2024-03-10", "RESPITE_DAY", 3.0),
    ("k", "2024-05-01", "RESPITE_DAY"),  # days not given: one day
    ("k", "2023-10-01", "RESPITE_DAY", 2.0),
    ("k", "2024-02-01", "TRAINING_DAY", 2.0),
    ("k", "2022-07-01", "ALLEGATION"),  # 23 months before T's month
    ("k", "2024-06-15", "COMPLAINT"),
    ("k", "2024-04-01", "PEER_GROUP"),
)


@pytest.fixture(scope="module")
def features() -> dict[str, dict]:
    table = carer_features(CARERS, PLACEMENTS, EVENTS, [T]).collect()
    return {r["carer_id"]: r for r in table.iter_rows(named=True)}


def test_features_are_built_for_active_carers_only(features):
    assert sorted(features) == ["k", "new"]


def test_window_counts_cover_the_months_ending_with_t(features):
    k = features["k"]
    assert (k["support_visits_6m"], k["support_visits_12m"]) == (2, 3)
    assert (k["respite_days_6m"], k["respite_days_12m"]) == (4, 6)
    assert (k["training_days_12m"], k["peer_groups_12m"], k["complaints_12m"]) == (2, 1, 1)
    assert (k["allegations_24m"], k["months_since_allegation"]) == (1, 23)


def test_placement_features_use_only_what_is_known_on_t(features):
    k = features["k"]
    assert (k["occupied_places"], k["empty_places"], k["complex_needs_children"]) == (2, 0, 1)
    assert (k["placements_12m"], k["breakdowns_12m"], k["children_turning_18_12m"]) == (2, 1, 1)
    # Month ends with a child fewer than the 2 places: July and August 2023, February 2024.
    assert k["empty_months_12m"] == 3


def test_carer_features_age_tenure_agrement_and_employer(features):
    k = features["k"]
    assert k["age"] == pytest.approx((T - dt.date(1970, 1, 1)).days / 365.25)
    assert k["tenure_years"] == pytest.approx((T - dt.date(2020, 3, 1)).days / 365.25)
    # Agrément of November 2019: renewed every 60 months, next in November 2024.
    assert k["months_to_agrement_renewal"] == 5
    assert (k["initial_training_done"], k["distance_km"], k["association"], k["approved_places"]) == (1, 12.5, 0, 2)


def test_a_new_carer_counts_empty_months_only_since_her_start(features):
    new = features["new"]
    assert (new["empty_months_12m"], new["empty_places"], new["occupied_places"]) == (2, 1, 0)
    assert (new["support_visits_6m"], new["months_since_allegation"], new["association"]) == (0, 36, 1)


def test_features_are_the_same_whatever_other_as_of_dates_are_built():
    alone = carer_features(CARERS, PLACEMENTS, EVENTS, [T]).collect()
    together = carer_features(CARERS, PLACEMENTS, EVENTS, [day("2023-06-30"), T]).collect()
    assert together.filter(pl.col("as_of_date") == T).select(FEATURES).equals(alone.select(FEATURES))


def test_quarterly_grid_keeps_month_ends():
    assert as_of_grid(day("2024-06-30"), day("2023-09-01")) == [
        day("2023-09-30"),
        day("2023-12-31"),
        day("2024-03-31"),
        day("2024-06-30"),
    ]
    assert shift_months(day("2024-02-29"), -12) == day("2023-02-28")
    assert shift_months(day("2024-05-15"), -3) == day("2024-02-15")
    # A year of event history precedes the first as-of date.
    assert training_dates(day("2024-06-30"), day("2022-01-01"), day("2022-08-20"))[0] == day("2023-09-30")
