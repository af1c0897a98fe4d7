"""Hires and exits, contract section 4: a hire starts on a day the employee had no contract the
day before; an exit ends on a day the employee has no contract the day after."""

from pipelines.workforce.employment import flag_hires_and_exits
from tests.workforce.helpers import day, rows, staff

AS_OF = day("2024-06-30")


def flags(contracts):
    return rows(
        flag_hires_and_exits(contracts, AS_OF).sort("contract_id"),
        "contract_id",
        "is_hire",
        "is_exit",
        "is_voluntary_exit",
    )


def test_a_fixed_term_contract_renewed_back_to_back_is_neither_an_exit_nor_a_hire():
    contracts = staff(
        ("ana", "E1", "AES", 1, "2024-01-01", "2024-02-29", "END_OF_FIXED_TERM"),
        ("ana", "E1", "AES", 1, "2024-03-01", None, None),
    )
    assert flags(contracts) == [("c1", True, False, False), ("c2", False, False, False)]


def test_a_one_day_gap_weekend_included_makes_an_exit_and_a_hire():
    contracts = staff(
        ("ana", "E1", "AES", 1, "2024-01-01", "2024-03-01", "END_OF_FIXED_TERM"),  # Friday
        ("ana", "E1", "AES", 1, "2024-03-04", None, None),  # Monday
    )
    assert flags(contracts) == [("c1", True, True, False), ("c2", True, False, False)]


def test_two_concurrent_part_time_contracts_starting_the_same_day_are_two_hires():
    contracts = staff(
        ("ana", "E1", "AES", 0.5, "2024-01-01", "2024-04-30", "RESIGNATION"),
        ("ana", "E2", "TISF", 0.5, "2024-01-01", "2024-04-30", "RESIGNATION"),
    )
    assert flags(contracts) == [("c1", True, True, True), ("c2", True, True, True)]


def test_a_part_time_contract_ending_while_another_goes_on_is_not_an_exit():
    contracts = staff(
        ("ana", "E1", "AES", 0.5, "2024-01-01", "2024-03-15", "RESIGNATION"),
        ("ana", "E2", "AES", 0.5, "2023-06-01", None, None),
    )
    assert flags(contracts) == [("c1", False, False, False), ("c2", True, False, False)]


def test_a_contract_inside_a_longer_one_is_neither_a_hire_nor_an_exit():
    # Active on d - 1 means any contract: the long one covers both ends of the short one.
    contracts = staff(
        ("ana", "E1", "AES", 0.8, "2023-01-01", "2024-05-31", "RESIGNATION"),
        ("ana", "E1", "AES", 0.2, "2024-02-01", "2024-02-29", "END_OF_FIXED_TERM"),
    )
    assert flags(contracts) == [("c1", True, True, True), ("c2", False, False, False)]


def test_overlap_reaching_back_past_the_previous_contract_still_counts():
    # c3 starts after c2 ends, but c1 (which started first) is still active the day before.
    contracts = staff(
        ("ana", "E1", "AES", 0.5, "2024-01-01", "2024-05-31", "OTHER"),
        ("ana", "E1", "AES", 0.5, "2024-01-10", "2024-01-20", "OTHER"),
        ("ana", "E1", "AES", 0.5, "2024-03-01", "2024-03-31", "OTHER"),
    )
    assert flags(contracts) == [("c1", True, True, False), ("c2", False, False, False), ("c3", False, False, False)]


def test_a_move_between_establishments_the_next_day_is_neither_an_exit_nor_a_hire():
    contracts = staff(
        ("ana", "E1", "AES", 1, "2022-01-01", "2024-03-31", "INTERNAL_TRANSFER"),
        ("ana", "E2", "AES", 1, "2024-04-01", None, None),
    )
    assert flags(contracts) == [("c1", True, False, False), ("c2", False, False, False)]


def test_a_planned_end_after_the_as_of_date_is_not_an_exit():
    contracts = staff(("ana", "E1", "AES", 1, "2024-01-01", "2024-07-15", "RESIGNATION"))
    assert flags(contracts) == [("c1", True, False, False)]


def test_a_renewal_starting_the_day_after_the_as_of_date_keeps_the_ending_contract_from_being_an_exit():
    contracts = staff(
        ("ana", "E1", "AES", 1, "2024-01-01", "2024-06-30", "END_OF_FIXED_TERM"),
        ("ana", "E1", "AES", 1, "2024-07-01", None, None),
    )
    assert flags(contracts) == [("c1", True, False, False), ("c2", False, False, False)]


def test_a_contract_starting_after_the_as_of_date_is_not_a_hire_yet():
    contracts = staff(("ana", "E1", "AES", 1, "2024-07-01", None, None))
    assert flags(contracts) == [("c1", False, False, False)]


def test_only_resignation_and_mutual_agreement_are_voluntary():
    contracts = staff(
        ("ana", "E1", "AES", 1, "2024-01-01", "2024-01-31", "RESIGNATION"),
        ("bob", "E1", "AES", 1, "2024-01-01", "2024-01-31", "MUTUAL_AGREEMENT"),
        ("cyd", "E1", "AES", 1, "2024-01-01", "2024-01-31", "END_OF_TRIAL"),
        ("dan", "E1", "AES", 1, "2024-01-01", "2024-01-31", "RETIREMENT"),
    )
    assert [f[3] for f in flags(contracts)] == [True, True, False, False]


def test_the_exit_reason_of_a_contract_that_is_not_an_exit_is_ignored():
    contracts = staff(
        ("ana", "E1", "AES", 1, "2024-01-01", "2024-02-29", "RESIGNATION"),  # but renewed the next day
        ("ana", "E1", "AES", 1, "2024-03-01", None, None),
    )
    assert flags(contracts)[0] == ("c1", True, False, False)


def test_employees_are_never_mixed_up():
    contracts = staff(
        ("ana", "E1", "AES", 1, "2024-01-01", "2024-02-29", "RESIGNATION"),
        ("bob", "E1", "AES", 1, "2024-03-01", None, None),
    )
    assert flags(contracts) == [("c1", True, True, True), ("c2", True, False, False)]
