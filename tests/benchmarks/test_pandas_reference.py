"""The plain pandas reading of contract section 4 (benchmarks/pandas_reference.py) gives the same
workforce marts as the Polars ones: what keeps the benchmark (benchmarks/workforce.py) honest."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import polars as pl

from benchmarks import pandas_reference as ref
from benchmarks.workforce import KEYS, differences, last_months
from pipelines.months import Period
from pipelines.workforce import metrics


def assert_same(polars_table: pl.DataFrame, pandas_table: pd.DataFrame, table: str) -> None:
    found = differences(polars_table, pl.from_pandas(pandas_table, nan_to_null=True), KEYS[table])
    assert not found, "\n".join(f"{table}.{column}:\n{rows.head(10)}" for column, rows in found.items())


def test_pandas_reference_equals_the_polars_marts_on_the_small_demo(small_warehouse):
    names = ("staff", "budgeted_posts", "establishments", "reporting_period")
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        frames = {t: con.sql(f"SELECT * FROM staging.{t}").pl() for t in names}
        pandas_frames = {t: con.sql(f"SELECT * FROM staging.{t}").df() for t in names}
    # The last three years of the window, look-backs included, keep the pandas loop over months
    # short: a month's figures do not depend on the window's first month.
    as_of = Period.from_table(frames["reporting_period"]).as_of
    period = Period(as_of=as_of, first_month=last_months(as_of, 36))
    staff, budget, places = (frames[t].lazy() for t in ("staff", "budgeted_posts", "establishments"))
    workforce = metrics.workforce_monthly(staff, budget, period).collect()
    turnover = metrics.turnover_12m(staff, places, period).collect()
    assert workforce.height > 0 and turnover.height > 0
    assert turnover["scope"].n_unique() == 4

    assert_same(
        workforce,
        ref.workforce_monthly(
            pandas_frames["staff"], pandas_frames["budgeted_posts"], period.as_of, period.first_month
        ),
        "workforce_monthly",
    )
    assert_same(
        turnover,
        ref.turnover_12m(pandas_frames["staff"], pandas_frames["establishments"], period.as_of, period.first_month),
        "turnover_12m",
    )


# The as-of date falls mid-month: June's figures are taken on 17 June.
AS_OF, FIRST_MONTH = dt.date(2024, 6, 17), dt.date(2024, 4, 1)
STAFF = [
    # employee, establishment, job family, fte, start, end, exit reason
    ("ana", "E1", "AES", 1.0, "2023-01-01", "2024-04-30", "RESIGNATION"),  # renewed the next day: no exit
    ("ana", "E1", "AES", 1.0, "2024-05-01", None, None),  # ... and no hire
    ("bob", "E1", "AES", 0.5, "2024-01-01", "2024-04-12", "RESIGNATION"),  # one day off (13th): an exit...
    ("bob", "E2", "AES", 0.5, "2024-04-14", None, None),  # ... and a hire
    ("cyd", "E2", "TISF", 0.5, "2024-05-06", "2024-05-31", "END_OF_FIXED_TERM"),  # two hires the same day;
    ("cyd", "E2", "TISF", 0.5, "2024-05-06", None, None),  # the first ends with the other going on: no exit
    ("dan", "E1", "TISF", 1.0, "2024-03-01", "2024-06-30", "END_OF_FIXED_TERM"),  # planned end after the as-of date
    ("eve", "E1", "AES", 1.0, "2024-02-01", "2024-06-17", "DISMISSAL"),  # ends on the as-of date, renewed the
    ("eve", "E1", "AES", 1.0, "2024-06-18", None, None),  # day after it: no exit, and no hire counted
]
BUDGET = [
    # establishment, job family, valid_from, valid_to, budgeted fte: May's row wins in May only
    ("E1", "AES", "2024-01-01", None, 3.0),
    ("E1", "AES", "2024-05-01", "2024-05-31", 1.0),
    ("E2", "CHEF_DE_SERVICE", "2024-05-15", None, 1.0),  # a budget and nobody in post
]
PLACES = [("E1", "T1", "Asso A"), ("E2", "T2", "Asso A")]


def edge_cases() -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    day = lambda text: None if text is None else dt.date.fromisoformat(text)  # noqa: E731
    staff = pl.DataFrame(
        [(e, f"c{i}", est, jf, fte, day(s), day(end), why) for i, (e, est, jf, fte, s, end, why) in enumerate(STAFF)],
        schema={
            "employee_id": pl.String,
            "contract_id": pl.String,
            "establishment_id": pl.String,
            "job_family": pl.String,
            "fte": pl.Float64,
            "start_date": pl.Date,
            "end_date": pl.Date,
            "exit_reason": pl.String,
        },
        orient="row",
    )
    budget = pl.DataFrame(
        [(e, j, day(a), day(b), f) for e, j, a, b, f in BUDGET],
        schema={
            "establishment_id": pl.String,
            "job_family": pl.String,
            "valid_from": pl.Date,
            "valid_to": pl.Date,
            "budgeted_fte": pl.Float64,
        },
        orient="row",
    )
    places = pl.DataFrame(PLACES, schema=["establishment_id", "territory_id", "organisation"], orient="row")
    return staff, budget, places


def as_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    table = frame.to_pandas()
    for column, dtype in frame.schema.items():
        if dtype == pl.Date:
            table[column] = pd.to_datetime(table[column])
    return table


def test_pandas_reference_reads_the_contract_on_the_edge_cases_as_the_polars_marts_do():
    staff, budget, places = edge_cases()
    period = Period(as_of=AS_OF, first_month=FIRST_MONTH)
    workforce = ref.workforce_monthly(as_pandas(staff), as_pandas(budget), AS_OF, FIRST_MONTH)
    turnover = ref.turnover_12m(as_pandas(staff), as_pandas(places), AS_OF, FIRST_MONTH)

    # The contract's words, checked on the pandas reference itself.
    cells = workforce.set_index(["month", "establishment_id", "job_family"])
    flows = cells[["hires", "exits", "voluntary_exits"]]
    assert flows[(flows != 0).any(axis=1)].reset_index().values.tolist() == [
        [pd.Timestamp("2024-04-01"), "E1", "AES", 0, 1, 1],  # bob's exit
        [pd.Timestamp("2024-04-01"), "E2", "AES", 1, 0, 0],  # bob's hire
        [pd.Timestamp("2024-05-01"), "E2", "TISF", 2, 0, 0],  # cyd's two contracts
    ]
    e1_aes = cells.xs(("E1", "AES"), level=["establishment_id", "job_family"])
    assert e1_aes[["headcount", "fte", "budgeted_fte", "vacant_fte"]].values.tolist() == [
        [2, 2.0, 3.0, 1.0],  # April: ana, eve (bob left on the 12th)
        [2, 2.0, 1.0, 0.0],  # May: May's budget row
        [2, 2.0, 3.0, 1.0],  # June, on the 17th: eve's last day
    ]
    assert cells.loc[(pd.Timestamp("2024-06-01"), "E1", "TISF"), "headcount"] == 1  # dan, on the 17th
    assert cells.loc[(pd.Timestamp("2024-05-01"), "E2", "TISF"), "headcount"] == 1  # cyd, once
    assert cells.loc[(pd.Timestamp("2024-05-01"), "E2", "TISF"), "fte"] == 1.0
    assert cells.loc[(pd.Timestamp("2024-05-01"), "E2", "CHEF_DE_SERVICE"), "vacancy_rate"] == 1.0
    assert (pd.Timestamp("2024-04-01"), "E2", "CHEF_DE_SERVICE") not in cells.index  # all zero: left out
    june_all = turnover[(turnover["scope"] == "ALL") & (turnover["month"] == pd.Timestamp("2024-06-01"))]
    assert june_all[["headcount", "exits_12m", "voluntary_exits_12m"]].values.tolist() == [[5, 1, 1]]

    assert_same(
        metrics.workforce_monthly(staff.lazy(), budget.lazy(), period).collect(), workforce, "workforce_monthly"
    )
    assert_same(metrics.turnover_12m(staff.lazy(), places.lazy(), period).collect(), turnover, "turnover_12m")
