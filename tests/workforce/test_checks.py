"""What the asset checks test: months covered, headcount roll-forward. (The rates' bounds are
checked once, by the marts' GX suites: tests/quality/test_mart_suites.py.)"""

import polars as pl

from pipelines.workforce.checks import first_data_month, roll_forward, uncovered_months
from pipelines.workforce.metrics import turnover_12m, workforce_monthly
from tests.workforce.helpers import NO_BUDGET, budget, day, establishments, period, rows, staff

Q1 = period(as_of="2024-03-31", first_month="2023-10-01")
PLACES = establishments(("E1", "T1", "Asso A"))
FLOWS = (
    "month",
    "start_headcount",
    "hires",
    "exits",
    "end_headcount",
    "plain_difference",
    "same_day_extra_hires",
    "same_day_extra_exits",
    "month_end_leavers",
    "previous_month_end_leavers",
    "unexplained",
)


def roll(contracts, p=Q1):
    return roll_forward(turnover_12m(contracts, PLACES, p), contracts, p)


def test_headcount_rolls_forward_from_hires_and_exits():
    contracts = staff(
        ("ana", "E1", "AES", 1, "2023-01-01", None, None),
        ("bob", "E1", "AES", 1, "2024-02-05", None, None),
        ("cyd", "E1", "AES", 1, "2023-01-01", "2024-03-10", "RESIGNATION"),
    )
    assert rows(roll(contracts).filter(pl.col("month") >= day("2024-01-01")), *FLOWS) == [
        ("2024-01-01", 2, 0, 0, 2, 0, 0, 0, 0, 0, 0),
        ("2024-02-01", 2, 1, 0, 3, 0, 0, 0, 0, 0, 0),
        ("2024-03-01", 3, 0, 1, 2, 0, 0, 0, 0, 0, 0),
    ]


def test_two_contracts_of_one_person_starting_the_same_day_are_two_hires_for_one_more_head():
    contracts = staff(
        ("ana", "E1", "AES", 0.5, "2024-02-05", None, None),
        ("ana", "E1", "TISF", 0.5, "2024-02-05", None, None),
    )
    assert rows(roll(contracts).filter(month=day("2024-02-01")), *FLOWS) == [
        ("2024-02-01", 0, 2, 0, 1, -1, 1, 0, 0, 0, 0),
    ]


def test_a_last_day_on_the_month_end_leaves_the_headcount_a_month_after_the_exit():
    contracts = staff(("ana", "E1", "AES", 1, "2023-01-01", "2024-01-31", "RESIGNATION"))
    assert rows(roll(contracts).filter(pl.col("month") >= day("2024-01-01")), *FLOWS) == [
        ("2024-01-01", 1, 0, 1, 1, 1, 0, 0, 1, 0, 0),
        ("2024-02-01", 1, 0, 0, 0, -1, 0, 0, 0, 1, 0),
        ("2024-03-01", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    ]


def test_a_gap_in_the_monthly_table_is_found():
    contracts = staff(("ana", "E1", "AES", 1, "2024-01-10", None, None))
    reported = workforce_monthly(contracts, NO_BUDGET, Q1).filter(pl.col("month") != day("2024-02-01"))
    assert rows(uncovered_months(reported, contracts, NO_BUDGET, Q1), "month") == [("2024-02-01",)]


def test_a_month_with_nobody_and_no_budget_needs_no_row():
    contracts = staff(
        ("ana", "E1", "AES", 1, "2023-11-10", "2023-11-20", "END_OF_TRIAL"),
        ("bob", "E1", "AES", 1, "2024-02-10", None, None),
    )  # nobody in December 2023 and January 2024
    reported = workforce_monthly(contracts, NO_BUDGET, Q1)
    assert rows(reported, "month") == [("2023-11-01",), ("2024-02-01",), ("2024-03-01",)]
    assert rows(uncovered_months(reported, contracts, NO_BUDGET, Q1), "month") == []


def test_the_first_month_of_data_is_the_earliest_start_or_budget_but_not_before_the_window():
    posts = budget(("E1", "AES", "2023-12-15", None, 1))
    assert rows(first_data_month(staff(("ana", "E1", "AES", 1, "2024-02-10", None, None)), posts, Q1), "month") == [
        ("2023-12-01",)
    ]
    old = staff(("ana", "E1", "AES", 1, "2010-02-10", None, None))
    assert rows(first_data_month(old, posts, Q1), "month") == [("2023-10-01",)]
    assert rows(first_data_month(staff(), NO_BUDGET, Q1), "month") == [(None,)]
