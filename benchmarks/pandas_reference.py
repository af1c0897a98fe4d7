"""The workforce marts written the plain pandas way, straight from contract section 4, to
compare with the Polars implementation (`pipelines.workforce.metrics`).

This is what an analyst who knows pandas would write from the contract's words: find each
contract's hire and exit flags by looking at the same employee's other contracts (a self-merge
on `employee_id`), then loop over the months, take the contracts active on each month's last
day, and group. Nothing here is tuned; it exists to check the Polars marts and to time them
against. It shares no code with `pipelines.workforce`.

The same reading of the contract as the Polars marts, where the contract leaves a choice open:

- a month's figures are taken on its last day, or on the as-of date in the as-of month when
  the as-of date falls before the month's end (nothing after it is known);
- hires count only when `start_date` <= as-of date, exits only when `end_date` <= as-of date
  (a planned end after the as-of date is not an exit); whether another contract of the
  employee covers the day before (after) is read on every contract of the extract;
- months reported: `first_month` to the as-of month; look-backs go 12 months further back;
- rows whose measures are all zero are left out (contract section 4 allows it). In
  `turnover_12m` a row is left out when headcount, hires, exits, avg_headcount, hires_12m,
  exits_12m and headcount_12m_ago are all zero;
- territory (scope TERRITORY) is that of the contract's establishment; a contract whose
  establishment has no territory counts in no territory;
- a division by zero gives a missing value (NaN here, null in Polars).

    from benchmarks.pandas_reference import workforce_monthly, turnover_12m
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

CELL = ["establishment_id", "job_family"]
VOLUNTARY_REASONS = ["RESIGNATION", "MUTUAL_AGREEMENT"]
SCOPE_COLUMNS = {
    "ALL": None,
    "ESTABLISHMENT": "establishment_id",
    "JOB_FAMILY": "job_family",
    "TERRITORY": "territory_id",
}
ONE_DAY = pd.Timedelta(days=1)


def months_to_report(as_of: dt.date, first_month: dt.date, lookback: int = 12) -> list[tuple[pd.Timestamp, ...]]:
    """Gives (month, day its figures are taken on) for every month from `lookback` months before
    `first_month` to the as-of month."""
    as_of = pd.Timestamp(as_of)
    start = pd.Timestamp(first_month) - pd.DateOffset(months=lookback)
    months = pd.date_range(start, as_of.replace(day=1), freq="MS")
    return [(m, min(m + pd.offsets.MonthEnd(0), as_of)) for m in months]


def active_on(staff: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """The contracts active on `day`: start_date <= day and (end_date empty or end_date >= day)."""
    return staff[(staff["start_date"] <= day) & (staff["end_date"].isna() | (staff["end_date"] >= day))]


def flag_hires_and_exits(staff: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Adds `is_hire`, `is_exit` and `is_voluntary_exit` to each contract (contract section 4).

    hire: the contract starts on d and no contract of the same employee is active on d - 1;
    exit: the contract ends on e and no contract of the same employee is active on e + 1.
    The contract itself is never active on its own d - 1 or e + 1, so comparing it with
    every contract of the employee, itself included, is enough."""
    as_of = pd.Timestamp(as_of)
    contracts = staff[["contract_id", "employee_id", "start_date", "end_date"]]
    pairs = contracts.merge(contracts, on="employee_id", suffixes=("", "_other"))
    day_before = pairs["start_date"] - ONE_DAY
    day_after = pairs["end_date"] + ONE_DAY
    other_active_day_before = (pairs["start_date_other"] <= day_before) & (
        pairs["end_date_other"].isna() | (pairs["end_date_other"] >= day_before)
    )
    other_active_day_after = (
        pairs["end_date"].notna()
        & (pairs["start_date_other"] <= day_after)
        & (pairs["end_date_other"].isna() | (pairs["end_date_other"] >= day_after))
    )
    covered = (
        pairs.assign(before=other_active_day_before, after=other_active_day_after)
        .groupby("contract_id")[["before", "after"]]
        .any()
    )
    staff = staff.copy()
    staff["is_hire"] = ~staff["contract_id"].map(covered["before"]).astype(bool) & (staff["start_date"] <= as_of)
    staff["is_exit"] = (
        staff["end_date"].notna()
        & ~staff["contract_id"].map(covered["after"]).astype(bool)
        & (staff["end_date"] <= as_of)
    )
    staff["is_voluntary_exit"] = staff["is_exit"] & staff["exit_reason"].isin(VOLUNTARY_REASONS)
    return staff


def monthly_flows(staff: pd.DataFrame, by: list[str], months: list) -> pd.DataFrame:
    """Hires, exits and voluntary exits per month (of `start_date` for hires, of `end_date` for
    exits) and `by`, over `months`."""
    first = months[0][0]
    hires = staff[staff["is_hire"] & (staff["start_date"] >= first)]
    hires = hires.groupby([hires["start_date"].dt.to_period("M").dt.to_timestamp().rename("month"), *by]).size()
    exits = staff[staff["is_exit"] & (staff["end_date"] >= first)]
    exit_month = exits["end_date"].dt.to_period("M").dt.to_timestamp().rename("month")
    exit_counts = exits.groupby([exit_month, *by]).agg(
        exits=("is_exit", "sum"), voluntary_exits=("is_voluntary_exit", "sum")
    )
    return pd.concat([hires.rename("hires"), exit_counts], axis=1).fillna(0).astype("int64")


def workforce_monthly(
    staff: pd.DataFrame, budgeted_posts: pd.DataFrame, as_of: dt.date, first_month: dt.date
) -> pd.DataFrame:
    """Per month, establishment and job family: headcount, fte, hires, exits, voluntary exits,
    budgeted fte, vacant fte and vacancy rate; all-zero rows left out."""
    staff = flag_hires_and_exits(staff, as_of)
    months = months_to_report(as_of, first_month, lookback=0)
    levels = []
    for month, day in months:
        active = active_on(staff, day)
        in_post = active.groupby(CELL).agg(headcount=("employee_id", "nunique"), fte=("fte", "sum"))
        # The budget row in force: valid on the day, the latest valid_from wins.
        valid = budgeted_posts[
            (budgeted_posts["valid_from"] <= day)
            & (budgeted_posts["valid_to"].isna() | (budgeted_posts["valid_to"] >= day))
        ]
        budget = valid.sort_values("valid_from").groupby(CELL)["budgeted_fte"].last()
        figures = in_post.join(budget, how="outer")
        figures["month"] = month
        levels.append(figures.reset_index())
    table = pd.concat(levels).set_index(["month", *CELL])
    table = table.join(monthly_flows(staff, CELL, months), how="outer")
    table = table.fillna(0)
    for column in ["headcount", "hires", "exits", "voluntary_exits"]:
        table[column] = table[column].astype("int64")
    measures = ["headcount", "fte", "hires", "exits", "voluntary_exits", "budgeted_fte"]
    table = table[(table[measures] != 0).any(axis=1)].reset_index()
    table["vacant_fte"] = (table["budgeted_fte"] - table["fte"]).clip(lower=0)
    table["vacancy_rate"] = table["vacant_fte"] / table["budgeted_fte"].replace(0, np.nan)
    columns = [
        "month",
        *CELL,
        "headcount",
        "fte",
        "hires",
        "exits",
        "voluntary_exits",
        "budgeted_fte",
        "vacant_fte",
        "vacancy_rate",
    ]
    return table[columns].sort_values(["month", *CELL], ignore_index=True)


def turnover_12m(
    staff: pd.DataFrame,
    establishments: pd.DataFrame,
    as_of: dt.date,
    first_month: dt.date,
    scopes: tuple[str, ...] = ("ALL", "ESTABLISHMENT", "JOB_FAMILY", "TERRITORY"),
) -> pd.DataFrame:
    """Per month and scope member (the whole organisation, an establishment, a job family, a
    territory): month-end headcount (distinct employees), the month's hires and exits, and over
    months m-11..m: the mean month-end headcount, exits, voluntary exits, turnover, voluntary
    turnover and rotation rates; all-zero rows left out."""
    staff = flag_hires_and_exits(staff, as_of)
    staff = staff.merge(establishments[["establishment_id", "territory_id"]], on="establishment_id", how="left")
    months = months_to_report(as_of, first_month, lookback=12)
    tables = []
    for scope in scopes:
        column = SCOPE_COLUMNS[scope]
        contracts = staff.assign(scope_id="ALL" if column is None else staff[column])
        contracts = contracts[contracts["scope_id"].notna()]
        counts = []
        for month, day in months:
            headcount = active_on(contracts, day).groupby("scope_id")["employee_id"].nunique()
            counts.append(headcount.rename("headcount").to_frame().assign(month=month))
        headcount = pd.concat(counts).reset_index().set_index(["month", "scope_id"])
        flows = monthly_flows(contracts, ["scope_id"], months)
        # Every member in every month, so that 12 rows back are 12 months back.
        grid = pd.MultiIndex.from_product(
            [sorted(contracts["scope_id"].unique()), [m for m, _ in months]], names=["scope_id", "month"]
        )
        table = (
            headcount.join(flows, how="outer")
            .reorder_levels(["scope_id", "month"])
            .reindex(grid)
            .fillna(0)
            .astype("int64")
        )
        by_member = table.groupby(level="scope_id")
        last_12 = by_member[["headcount", "hires", "exits", "voluntary_exits"]].rolling(12).sum().droplevel(0)
        table["avg_headcount"] = last_12["headcount"] / 12
        table["hires_12m"] = last_12["hires"]
        table["exits_12m"] = last_12["exits"]
        table["voluntary_exits_12m"] = last_12["voluntary_exits"]
        table["headcount_12m_ago"] = by_member["headcount"].shift(12)
        table = table.reset_index()
        table = table[table["month"] >= pd.Timestamp(first_month)]
        table.insert(1, "scope", scope)
        tables.append(table)
    table = pd.concat(tables, ignore_index=True)
    for column in ["hires_12m", "exits_12m", "voluntary_exits_12m", "headcount_12m_ago"]:
        table[column] = table[column].astype("int64")
    measures = ["headcount", "hires", "exits", "avg_headcount", "hires_12m", "exits_12m", "headcount_12m_ago"]
    table = table[(table[measures] != 0).any(axis=1)].copy()
    table["turnover_rate"] = table["exits_12m"] / table["avg_headcount"].replace(0, np.nan)
    table["voluntary_turnover_rate"] = table["voluntary_exits_12m"] / table["avg_headcount"].replace(0, np.nan)
    table["rotation_rate"] = (
        (table["hires_12m"] + table["exits_12m"]) / 2 / table["headcount_12m_ago"].replace(0, np.nan)
    )
    columns = [
        "month",
        "scope",
        "scope_id",
        "headcount",
        "hires",
        "exits",
        "avg_headcount",
        "hires_12m",
        "exits_12m",
        "voluntary_exits_12m",
        "headcount_12m_ago",
        "turnover_rate",
        "voluntary_turnover_rate",
        "rotation_rate",
    ]
    return table[columns].sort_values(["month", "scope", "scope_id"], ignore_index=True)
