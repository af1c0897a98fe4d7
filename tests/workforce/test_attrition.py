"""marts.exits_by_reason and marts.early_attrition."""

from pipelines.workforce.metrics import early_attrition, exits_by_reason
from tests.workforce.helpers import period, rows, staff

H1 = period(as_of="2024-06-30", first_month="2024-01-01")
JULY = period(as_of="2024-07-31", first_month="2024-01-01")
ATTRITION = (
    "cohort_month",
    "job_family",
    "hires",
    "observed_3m",
    "left_within_3m",
    "attrition_rate_3m",
    "observed_6m",
    "left_within_6m",
    "observed_12m",
    "left_within_12m",
)


def test_exits_are_counted_per_month_job_family_and_reason_and_renewals_are_not_exits():
    contracts = staff(
        ("ana", "E1", "AES", 1, "2023-01-01", "2024-02-10", "RESIGNATION"),
        ("bob", "E2", "AES", 1, "2023-01-01", "2024-02-20", "RESIGNATION"),
        ("cyd", "E1", "AES", 1, "2023-01-01", "2024-02-25", "RETIREMENT"),
        ("dan", "E1", "TISF", 1, "2023-01-01", "2024-03-31", "END_OF_FIXED_TERM"),
        ("dan", "E1", "TISF", 1, "2024-04-01", None, None),  # renewed: dan's first contract is no exit
        ("eve", "E1", "TISF", 1, "2023-01-01", "2023-12-31", "MUTUAL_AGREEMENT"),  # before the window
    )
    assert rows(exits_by_reason(contracts, H1), "month", "job_family", "exit_reason", "exits", "voluntary") == [
        ("2024-02-01", "AES", "RESIGNATION", 2, True),
        ("2024-02-01", "AES", "RETIREMENT", 1, False),
    ]


def test_hires_who_left_within_three_months_are_counted_in_their_cohort():
    contracts = staff(
        ("ana", "E1", "AES", 1, "2024-01-15", "2024-04-14", "END_OF_TRIAL"),  # last day before 15 April: left
        ("bob", "E1", "AES", 1, "2024-01-15", "2024-04-15", "RESIGNATION"),  # still there on 15 April: stayed
        ("cyd", "E1", "AES", 1, "2024-01-20", None, None),
    )
    assert rows(early_attrition(contracts, H1), *ATTRITION) == [
        # Six months after a hire of 31 January is 31 July: the cohort is not observed that long yet.
        ("2024-01-01", "AES", 3, True, 1, 0.333333, False, None, False, None),
    ]


def test_a_cohort_too_recent_to_judge_is_marked_and_not_counted_as_stayers():
    contracts = staff(
        ("ana", "E1", "AES", 1, "2024-04-01", None, None),  # April cohort: observed 3 months on 29 July
        ("bob", "E1", "AES", 1, "2024-05-02", None, None),  # May cohort: not until 30 August
        ("cyd", "E1", "AES", 1, "2024-05-20", "2024-06-10", "END_OF_TRIAL"),  # left, but the cohort is not judged
    )
    assert rows(early_attrition(contracts, JULY), *ATTRITION) == [
        ("2024-04-01", "AES", 1, True, 0, 0.0, False, None, False, None),
        ("2024-05-01", "AES", 2, False, None, None, False, None, False, None),
    ]


def test_a_renewal_during_the_first_months_is_not_leaving():
    contracts = staff(
        ("ana", "E1", "AES", 1, "2024-01-08", "2024-02-29", "END_OF_FIXED_TERM"),
        ("ana", "E1", "AES", 1, "2024-03-01", "2024-05-31", "END_OF_FIXED_TERM"),  # left within 6 months
    )
    assert rows(early_attrition(contracts, JULY), *ATTRITION) == [
        ("2024-01-01", "AES", 1, True, 0, 0.0, True, 1, False, None),
    ]


def test_hires_before_the_window_form_no_cohort():
    contracts = staff(("ana", "E1", "AES", 1, "2023-12-01", "2024-01-31", "END_OF_TRIAL"))
    assert rows(early_attrition(contracts, H1), *ATTRITION) == []


def test_a_cohort_is_judged_once_the_window_of_its_last_possible_hire_is_over():
    contracts = staff(("ana", "E1", "AES", 1, "2024-01-31", None, None))
    judged = lambda as_of: rows(early_attrition(contracts, period(as_of=as_of)), "observed_3m")  # noqa: E731
    # Hired 31 January: three months later is 30 April, so 29 April is the last day to observe.
    assert judged("2024-04-28") == [(False,)]
    assert judged("2024-04-29") == [(True,)]


def test_early_departures_at_the_end_of_a_fixed_term_contract_are_counted_apart():
    contracts = staff(
        ("ana", "E1", "AES", 1, "2024-01-08", "2024-03-31", "END_OF_FIXED_TERM"),  # a CDD that ended: 3 months
        ("bob", "E1", "AES", 1, "2024-01-10", "2024-02-29", "RESIGNATION"),  # left, on his own
        ("cyd", "E1", "AES", 1, "2024-01-15", "2024-02-29", "END_OF_FIXED_TERM"),  # renewed the next day:
        ("cyd", "E1", "AES", 1, "2024-03-01", "2024-05-31", "RESIGNATION"),  # her spell ends in a resignation
        ("dan", "E1", "AES", 1, "2024-01-20", None, None),
    )
    assert rows(
        early_attrition(contracts, JULY),
        "hires",
        "left_within_3m",
        "fixed_term_ends_within_3m",
        "left_within_6m",
        "fixed_term_ends_within_6m",
        "fixed_term_ends_within_12m",
    ) == [(4, 2, 1, 3, 1, None)]
