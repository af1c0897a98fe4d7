"""marts.carer_capacity_monthly and marts.carer_age_profile on a handful of carers, computed by hand."""

from __future__ import annotations

import polars as pl

from pipelines.carers.capacity import age_in_years, carer_age_profile, carer_capacity_monthly
from tests.carers.helpers import carers, day, period, placements, rows

CARERS = carers(
    ("a", "T1", 2, "2023-05-10", None, None),
    ("b", "T1", 3, "2024-02-15", "2024-03-31", "RESIGNATION"),  # leaves on the month's last day
    ("c", "T1", 1, "2023-01-01", "2024-01-31", "DEATH"),
    ("d", "T2", 2, "2024-01-10", "2024-01-20", "RESIGNATION"),  # in and out within January
    ("e", "T2", 4, "2024-04-05", None, None),  # starts after the as-of date
    ("f", "T2", 1, "2022-01-01", "2024-06-30", "RETIREMENT"),  # planned end after the as-of date
)
PLACEMENTS = placements(
    ("a", "2023-06-01", None, None),
    ("a", "2024-02-10", "2024-02-29", "BREAKDOWN"),
    ("b", "2024-03-01", "2024-03-31", "PLANNED_MOVE"),
    ("c", "2023-02-01", "2024-01-31", "PLANNED_MOVE"),
    ("f", "2024-01-15", "2024-07-31", "AGE_OF_MAJORITY"),
    ("f", "2024-04-02", None, None),
)
COLUMNS = ("month", "territory_id", "active_carers", "approved_places", "occupied_places", "new_carers", "leavers")


def test_capacity_counts_carers_places_and_flows_at_month_end():
    table = carer_capacity_monthly(CARERS, PLACEMENTS, period("2024-03-31", "2024-01-01"))
    assert rows(table, *COLUMNS) == [
        ("2024-01-01", "T1", 2, 3, 2, 0, 1),
        ("2024-01-01", "T2", 1, 1, 1, 1, 1),
        ("2024-02-01", "T1", 2, 5, 2, 1, 0),
        ("2024-02-01", "T2", 1, 1, 1, 0, 0),
        ("2024-03-01", "T1", 2, 5, 2, 0, 1),
        ("2024-03-01", "T2", 1, 1, 1, 0, 0),
    ]


def test_capacity_takes_the_as_of_date_as_the_last_months_figure_day():
    # On 15 March, b's end (31 March) and p3's are planned: b is active, no leaver yet.
    table = carer_capacity_monthly(CARERS, PLACEMENTS, period("2024-03-15", "2024-03-01"))
    assert rows(table, *COLUMNS) == [("2024-03-01", "T1", 2, 5, 2, 0, 0), ("2024-03-01", "T2", 1, 1, 1, 0, 0)]


def test_capacity_leaves_out_months_where_everything_is_zero():
    table = carer_capacity_monthly(
        carers(("a", "T1", 1, "2024-03-05", None, None)), placements(), period("2024-03-31", "2024-01-01")
    )
    assert rows(table, *COLUMNS) == [("2024-03-01", "T1", 1, 1, 0, 1, 0)]


def test_age_in_whole_years_counts_the_birthday_itself():
    frame = pl.DataFrame({"birth": [day("1964-03-31"), day("1959-04-01"), day("1960-02-29")]})
    ages = frame.select(age_in_years(pl.col("birth"), pl.lit(day("2024-03-31")))).to_series().to_list()
    assert ages == [60, 64, 64]


def test_age_profile_counts_active_carers_by_five_year_band():
    people = carers(
        ("a", "T1", 2, "2023-05-10", None, None, {"birth_date": "1970-06-15"}),  # 53
        ("b", "T1", 3, "2024-02-15", "2024-03-31", "RESIGNATION", {"birth_date": "1964-03-31"}),  # 60 today
        ("f", "T1", 1, "2022-01-01", None, None, {"birth_date": "1959-04-01"}),  # 64
        ("g", "T1", 1, "2022-01-01", "2024-03-30", "RESIGNATION"),  # gone
    )
    table = carer_age_profile(people, PLACEMENTS, period("2024-03-31"))
    assert rows(
        table, "territory_id", "age_band", "carers", "approved_places", "children_placed", "share_of_carers"
    ) == [
        ("T1", "50-54", 1, 2, 1, 0.333333),
        ("T1", "60-64", 2, 4, 2, 0.666667),
    ]
