"""The clean demo gives the checks nothing to warn about: no employee works above full time (the staff suite's
`employee_fte_is_at_most_full_time`), and each of the last 12 months has a contract start and a posting opened
(`last_12_months_of_..._have_rows`, which asks whether a monthly file is missing); a run of the small demo ends
with no warning."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest

from pipelines.demo.config import build_config
from pipelines.demo.dates import NEVER, day_number
from pipelines.demo.generate import build_tables
from pipelines.demo.workforce import (
    CDD,
    CDI,
    FIXED_TERM,
    INTERIM,
    open_in_months_without_posting,
    renew_in_months_without_start,
)

AS_OF = day_number(date(2026, 6, 30))
SEEDS = [7, 11, 42]  # the seeds of the tests' small demos


def fte_on_start_days(staff: pl.DataFrame) -> pl.DataFrame:
    """Gives, for each contract, the fte of its employee's contracts in force on its start day, and those contracts.

    The check's own rule (expectations/staging_staff.py): the total can only rise on a start day, so
    looking at every start day finds every day above full time."""
    contracts = staff.select("employee_id", "contract_id", "start_date", "end_date", "fte")
    in_force = contracts.join(contracts, on="employee_id", suffix="_other").filter(
        (pl.col("start_date_other") <= pl.col("start_date"))
        & (pl.col("end_date_other").is_null() | (pl.col("end_date_other") >= pl.col("start_date")))
    )
    return (
        in_force.group_by("employee_id", "contract_id", "start_date")
        .agg(total_fte=pl.col("fte_other").sum(), contracts=pl.col("contract_id_other").sort())
        .sort("employee_id", "start_date")
    )


def above_full_time(staff: pl.DataFrame) -> pl.DataFrame:
    return fte_on_start_days(staff).filter(pl.col("total_fte") > 1.001)


def test_the_rule_finds_three_half_time_contracts_on_one_day():
    staff = pl.DataFrame(
        {
            "employee_id": ["M1", "M1", "M1", "M2", "M2"],
            "contract_id": ["C1", "C2", "C3", "C4", "C5"],
            "start_date": ["2020-01-01", "2023-01-01", "2023-05-19", "2020-01-01", "2020-06-01"],
            "end_date": [None, "2023-05-23", None, "2020-05-31", None],
            "fte": [0.5, 0.5, 0.5, 1.0, 1.0],
        }
    ).with_columns(pl.col("start_date", "end_date").str.to_date())
    found = above_full_time(staff)
    assert found["contract_id"].to_list() == ["C3"] and found["total_fte"].to_list() == [1.5]


# Small: the seeds the tests use. Departement, seeds 42 and 7: the generator once gave two employees, then one,
# 1.5 fte there (a second part-time post taken before another of their contracts had ended).
@pytest.mark.parametrize(
    ("scale", "seed"), [("small", 7), ("small", 11), ("small", 42), ("departement", 42), ("departement", 7)]
)
def test_no_employee_works_above_full_time(scale, seed):
    staff = build_tables(build_config(scale, seed))[0]["staff"]
    days = fte_on_start_days(staff)
    assert days.filter(pl.col("contracts").list.len() > 1).height > 0  # concurrent contracts are still planted
    found = days.filter(pl.col("total_fte") > 1.001)
    assert found.is_empty(), f"{scale}, seed {seed}: above full time:\n{found}"


def day(text: str) -> int:
    return day_number(date.fromisoformat(text))


def months_without(dates: pl.Series, as_of: date = date(2026, 6, 30)) -> list[str]:
    """Gives the months of the 12 that end with the as-of month in which no date falls."""
    have = set(dates.dt.strftime("%Y-%m").to_list())
    months = pl.date_range(date(as_of.year - 1, as_of.month, 1), as_of, "1mo", eager=True)[1:]
    return [m for m in months.dt.strftime("%Y-%m").to_list() if m not in have]


@pytest.mark.parametrize("seed", SEEDS)
def test_each_of_the_last_12_months_has_a_contract_start_and_a_posting(seed):
    tables = build_tables(build_config("small", seed))[0]
    assert months_without(tables["staff"]["start_date"]) == []
    assert months_without(tables["job_postings"]["opened_date"]) == []


def one_a_month_but(missing: str) -> list[int]:
    """Gives the 15th of each of the 12 months that end in June 2026, but for the `missing` month (YYYY-MM)."""
    months = [f"{2025 + (m > 12)}-{(m - 1) % 12 + 1:02d}" for m in range(7, 19)]
    return [day(f"{m}-15") for m in months if m != missing]


def test_a_month_without_contract_start_gets_a_renewal_of_a_fixed_term_contract():
    others = one_a_month_but("2025-12")  # CDIs of other employees, one starting each month but December
    n = len(others)
    contracts = {
        "employee": np.array([1, 2, 3, *range(10, 10 + n)]),
        "ctype": np.array([INTERIM, CDD, CDD, *[CDI] * n], dtype=np.int8),
        "start": np.array([day("2025-06-01"), day("2025-03-01"), day("2025-06-10"), *others]),
        "end": np.array([day("2026-02-28"), day("2026-12-31"), day("2026-01-31"), *[NEVER] * n]),
        "reason": np.array([FIXED_TERM, FIXED_TERM, FIXED_TERM, *[-1] * n], dtype=np.int8),
        "fte": np.array([0.5, 0.8, 1.0, *[1.0] * n]),
    }
    out = renew_in_months_without_start(contracts, AS_OF)
    # The first CDD running through December (the INTERIM comes after any CDD) ends on 30 November, and its
    # renewal starts on 1 December and runs on to the planned end.
    assert out["start"].size == contracts["start"].size + 1
    assert out["end"][1] == day("2025-11-30") and out["reason"][1] == FIXED_TERM
    renewal = {name: column[-1] for name, column in out.items()}
    assert renewal == {
        "employee": 2,
        "ctype": CDD,
        "start": day("2025-12-01"),
        "end": day("2026-12-31"),
        "reason": FIXED_TERM,
        "fte": 0.8,
    }
    assert out["end"][0] == day("2026-02-28") and out["end"][2] == day("2026-01-31")  # the others are left alone
    assert contracts["end"][1] == day("2026-12-31")  # the input is not changed
    # Every month has a start: nothing to do.
    full = renew_in_months_without_start(out, AS_OF)
    assert all((full[name] == out[name]).all() for name in out)


def postings(opened: list[int], post: list[int] | None = None, closed: list[int] | None = None) -> tuple:
    n = len(opened)
    return (
        np.array(post or range(n)),
        np.array(opened),
        np.array(closed or [NEVER] * n),
        np.ones(n, dtype=bool),
    )


def test_a_month_without_posting_takes_the_nearest_one_of_a_month_that_has_others():
    # May 2026 has none; April has one (which it keeps), June two: the earlier June one opens on 31 May.
    opened = [*one_a_month_but("2026-05"), day("2026-06-02")]
    moved = open_in_months_without_posting(*postings(opened), AS_OF)
    assert moved.tolist() == [*opened[:-1], day("2026-05-31")]


def test_months_next_to_the_empty_one_pass_a_posting_along_from_one_that_has_two():
    # May 2026 has none, April and June one each, March two: April's moves to 1 May, March's later one to 1 April.
    opened = [*one_a_month_but("2026-05"), day("2026-03-20")]
    moved = open_in_months_without_posting(*postings(opened), AS_OF)
    expected = dict(enumerate(opened)) | {9: day("2026-05-01"), 11: day("2026-04-01")}
    assert moved.tolist() == list(expected.values())


def test_a_posting_moves_earlier_only_when_no_earlier_posting_of_its_post_is_still_open():
    # June's first posting (15 June) is for the post of March's, which is still open on 31 May: the second moves.
    opened = [*one_a_month_but("2026-05"), day("2026-06-25")]
    post = [*range(10), 8, 11]
    closed = [NEVER] * 12
    moved = open_in_months_without_posting(*postings(opened, post, closed), AS_OF)
    assert moved[10] == opened[10] and moved[11] == day("2026-05-31")


def test_a_run_of_the_small_demo_ends_with_no_warning(small_run):
    _, outcome = small_run
    assert outcome.success and outcome.warnings == []
