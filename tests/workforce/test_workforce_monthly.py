"""marts.workforce_monthly: month-end headcount and fte, hires, exits, budget and vacancy per cell."""

from models.dates import index_of
from pipelines.workforce.metrics import budget_in_force, workforce_monthly
from tests.workforce.helpers import NO_BUDGET, budget, day, period, rows, staff

COLUMNS = (
    "month",
    "establishment_id",
    "job_family",
    "headcount",
    "fte",
    "hires",
    "exits",
    "voluntary_exits",
    "budgeted_fte",
    "vacant_fte",
    "vacancy_rate",
)
PEOPLE = ("month", "establishment_id", "job_family", "headcount", "fte", "hires", "exits", "voluntary_exits")
Q1 = period(as_of="2024-03-31", first_month="2024-01-01")


def test_an_employee_with_two_concurrent_part_time_contracts_is_counted_once_with_fte_summed():
    contracts = staff(
        ("ana", "E1", "AES", 0.5, "2024-01-01", None, None),
        ("ana", "E1", "AES", 0.3, "2024-02-10", None, None),
    )
    assert rows(workforce_monthly(contracts, NO_BUDGET, Q1), *PEOPLE) == [
        ("2024-01-01", "E1", "AES", 1, 0.5, 1, 0, 0),
        ("2024-02-01", "E1", "AES", 1, 0.8, 0, 0, 0),
        ("2024-03-01", "E1", "AES", 1, 0.8, 0, 0, 0),
    ]


def test_a_renewal_back_to_back_keeps_the_headcount_without_hire_or_exit():
    contracts = staff(
        ("ana", "E1", "AES", 1, "2024-01-01", "2024-01-31", "END_OF_FIXED_TERM"),
        ("ana", "E1", "AES", 1, "2024-02-01", None, None),
    )
    assert rows(workforce_monthly(contracts, NO_BUDGET, Q1), *PEOPLE) == [
        ("2024-01-01", "E1", "AES", 1, 1.0, 1, 0, 0),
        ("2024-02-01", "E1", "AES", 1, 1.0, 0, 0, 0),
        ("2024-03-01", "E1", "AES", 1, 1.0, 0, 0, 0),
    ]


def test_a_move_between_establishments_moves_the_headcount_without_hire_or_exit():
    contracts = staff(
        ("ana", "E1", "AES", 1, "2023-06-01", "2024-02-14", "INTERNAL_TRANSFER"),
        ("ana", "E2", "AES", 1, "2024-02-15", None, None),
    )
    assert rows(workforce_monthly(contracts, NO_BUDGET, Q1), *PEOPLE) == [
        ("2024-01-01", "E1", "AES", 1, 1.0, 0, 0, 0),
        ("2024-02-01", "E2", "AES", 1, 1.0, 0, 0, 0),
        ("2024-03-01", "E2", "AES", 1, 1.0, 0, 0, 0),
    ]


def test_hires_and_exits_count_per_contract_in_the_cell_and_month_of_their_date():
    contracts = staff(
        ("ana", "E1", "AES", 1, "2024-01-15", "2024-02-10", "RESIGNATION"),
        ("bob", "E1", "TISF", 1, "2024-02-20", "2024-03-31", "DISMISSAL"),
    )
    assert rows(workforce_monthly(contracts, NO_BUDGET, Q1), *PEOPLE) == [
        ("2024-01-01", "E1", "AES", 1, 1.0, 1, 0, 0),
        ("2024-02-01", "E1", "AES", 0, 0.0, 0, 1, 1),
        ("2024-02-01", "E1", "TISF", 1, 1.0, 1, 0, 0),
        # Last day worked 31 March: still in the March month-end headcount, and an exit of March.
        ("2024-03-01", "E1", "TISF", 1, 1.0, 0, 1, 0),
    ]


def test_a_contract_ending_before_the_month_end_is_not_in_that_month_end_headcount():
    contracts = staff(("ana", "E1", "AES", 1, "2024-01-01", "2024-01-30", "OTHER"))
    assert rows(workforce_monthly(contracts, NO_BUDGET, Q1), *PEOPLE) == [("2024-01-01", "E1", "AES", 0, 0.0, 1, 1, 0)]


def test_a_planned_end_after_the_as_of_date_is_not_an_exit_and_no_later_month_is_reported():
    contracts = staff(("ana", "E1", "AES", 1, "2024-03-01", "2024-05-31", "RESIGNATION"))
    assert rows(workforce_monthly(contracts, NO_BUDGET, Q1), *PEOPLE) == [("2024-03-01", "E1", "AES", 1, 1.0, 1, 0, 0)]


def test_months_before_the_window_are_not_reported():
    contracts = staff(
        ("ana", "E1", "AES", 1, "2023-11-05", "2023-12-20", "RESIGNATION"),
        ("bob", "E1", "AES", 1, "2023-12-01", None, None),
    )
    assert rows(workforce_monthly(contracts, NO_BUDGET, Q1), *PEOPLE) == [
        ("2024-01-01", "E1", "AES", 1, 1.0, 0, 0, 0),
        ("2024-02-01", "E1", "AES", 1, 1.0, 0, 0, 0),
        ("2024-03-01", "E1", "AES", 1, 1.0, 0, 0, 0),
    ]


def test_a_mid_month_as_of_date_takes_that_month_figures_on_the_as_of_date():
    contracts = staff(
        ("ana", "E1", "AES", 1, "2024-01-01", "2024-03-20", "RESIGNATION"),  # after the as-of date: no exit
        ("bob", "E1", "AES", 1, "2024-01-01", "2024-03-10", "RESIGNATION"),
        ("cyd", "E1", "AES", 1, "2024-03-16", None, None),  # after the as-of date: not there yet
    )
    mid_march = period(as_of="2024-03-15", first_month="2024-03-01")
    assert rows(workforce_monthly(contracts, NO_BUDGET, mid_march), *PEOPLE) == [
        ("2024-03-01", "E1", "AES", 1, 1.0, 0, 1, 1),
    ]


def test_a_budgeted_cell_with_nobody_in_it_is_reported_fully_vacant():
    posts = budget(("E1", "PSYCHOLOGUE", "2024-01-01", None, 0.5))
    assert rows(workforce_monthly(staff(), posts, Q1), *COLUMNS) == [
        ("2024-01-01", "E1", "PSYCHOLOGUE", 0, 0.0, 0, 0, 0, 0.5, 0.5, 1.0),
        ("2024-02-01", "E1", "PSYCHOLOGUE", 0, 0.0, 0, 0, 0, 0.5, 0.5, 1.0),
        ("2024-03-01", "E1", "PSYCHOLOGUE", 0, 0.0, 0, 0, 0, 0.5, 0.5, 1.0),
    ]


def test_a_budget_of_1_8_fte_with_nobody_is_exactly_fully_vacant():
    posts = budget(("E1", "INFIRMIER", "2024-03-01", None, 1.8))
    table = workforce_monthly(staff(), posts, Q1).collect()
    # Exactly: 1.7999999999999998 fte budgeted would make the rate 1.0000000000000002.
    assert table.select("budgeted_fte", "vacant_fte", "vacancy_rate").rows() == [(1.8, 1.8, 1.0)]


def test_a_budget_change_mid_year_applies_from_the_first_month_end_it_is_valid():
    contracts = staff(("ana", "E1", "AES", 1, "2023-01-01", None, None))
    posts = budget(
        ("E1", "AES", "2023-01-01", "2024-02-14", 3),
        ("E1", "AES", "2024-02-15", None, 2),
    )
    assert rows(workforce_monthly(contracts, posts, Q1), "month", "budgeted_fte", "vacant_fte", "vacancy_rate") == [
        ("2024-01-01", 3.0, 2.0, 0.666667),
        ("2024-02-01", 2.0, 1.0, 0.5),
        ("2024-03-01", 2.0, 1.0, 0.5),
    ]


def test_among_budget_rows_valid_at_month_end_the_latest_valid_from_wins():
    posts = budget(
        ("E1", "AES", "2023-01-01", None, 4),  # open-ended
        ("E1", "AES", "2024-02-01", "2024-02-29", 6),  # later: wins in February, then has expired
    )
    assert rows(workforce_monthly(staff(), posts, Q1), "month", "budgeted_fte") == [
        ("2024-01-01", 4.0),
        ("2024-02-01", 6.0),
        ("2024-03-01", 4.0),
    ]


def test_budget_ranges_reach_back_to_the_look_back_month_and_never_overlap():
    posts = budget(
        ("E1", "AES", "2022-06-01", "2023-03-31", 2),
        ("E1", "AES", "2023-04-01", None, 3),
        ("E1", "AES", "2023-09-15", None, 5),  # supersedes the row before from October's month end
    )
    got = rows(budget_in_force(posts, Q1).sort("first_index"), "first_index", "last_index", "budgeted_fte")
    assert got == [
        (index_of(day("2023-01-01")), index_of(day("2023-03-01")), 2.0),  # from twelve months before the window
        (index_of(day("2023-04-01")), index_of(day("2023-08-01")), 3.0),
        (index_of(day("2023-09-01")), index_of(day("2024-03-01")), 5.0),
    ]


def test_no_budget_row_valid_at_month_end_means_a_budget_of_0_and_no_vacancy_rate():
    contracts = staff(("ana", "E1", "AES", 1, "2024-01-01", None, None))
    posts = budget(("E1", "AES", "2024-02-01", "2024-02-28", 2))  # ends the day before February's end
    assert rows(workforce_monthly(contracts, posts, Q1), "month", "budgeted_fte", "vacant_fte", "vacancy_rate") == [
        ("2024-01-01", 0.0, 0.0, None),
        ("2024-02-01", 0.0, 0.0, None),
        ("2024-03-01", 0.0, 0.0, None),
    ]


def test_vacant_fte_is_never_negative_when_the_cell_is_overstaffed():
    contracts = staff(
        ("ana", "E1", "AES", 1, "2024-01-01", None, None), ("bob", "E1", "AES", 1, "2024-01-01", None, None)
    )
    posts = budget(("E1", "AES", "2024-01-01", None, 1.5))
    assert rows(
        workforce_monthly(contracts, posts, Q1), "headcount", "fte", "budgeted_fte", "vacant_fte", "vacancy_rate"
    )[0] == (2, 2.0, 1.5, 0.0, 0.0)


def test_a_budget_of_zero_with_nobody_leaves_the_row_out():
    posts = budget(("E1", "AES", "2024-01-01", None, 0))
    assert rows(workforce_monthly(staff(), posts, Q1), *COLUMNS) == []


def test_no_contract_and_no_budget_gives_an_empty_table_with_the_contract_columns():
    table = workforce_monthly(staff(), NO_BUDGET, Q1).collect()
    assert table.height == 0
    assert tuple(table.columns) == COLUMNS
