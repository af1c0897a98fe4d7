"""What the workforce asset checks test, as pure functions: months covered and the headcount
roll-forward. No Dagster here.

Only rules a GX expectation cannot state are here: both compare a mart with what the staff
and budget extracts imply month by month (ranges of months merged and exploded, contracts
flagged as hires and exits as the marts flag them), which is no one-row SQL condition. Every
rule on one mart's own rows (rates and counts within their bounds, voluntary exits among
exits) has one owner, its GX suite in `expectations/`, whose results are kept in
`quality.validation_results`."""

from __future__ import annotations

import polars as pl

from models.dates import month_index, month_start
from pipelines.months import Period
from pipelines.workforce.employment import flag_hires_and_exits, merge_month_ranges
from pipelines.workforce.metrics import budget_in_force


def first_data_month(staff: pl.LazyFrame, budgeted_posts: pl.LazyFrame, period: Period) -> pl.LazyFrame:
    """Gives (one row, `month`) the first month of data: the later of the window's first month and
    the month of the earliest contract start or budget `valid_from`; null when there is neither."""
    earliest = pl.concat(
        [
            staff.select(day=pl.col("start_date").min()),
            budgeted_posts.select(day=pl.col("valid_from").min()),
        ]
    ).select(pl.col("day").min())
    return earliest.select(
        month=pl.when(pl.col("day").is_not_null()).then(
            pl.max_horizontal(pl.col("day").dt.truncate("1mo"), pl.lit(period.first_month))
        )
    )


def uncovered_months(
    reported_months: pl.LazyFrame, staff: pl.LazyFrame, budgeted_posts: pl.LazyFrame, period: Period
) -> pl.LazyFrame:
    """Gives the months (first month of data to as-of month) in which some contract was active or a
    budget above 0 was in force, yet `reported_months` (column `month`) has no row.

    A contract active on any day of a month (up to the as-of date) shows in that month as
    headcount, a hire or an exit, so the month must have a row; a month in which nobody worked
    and no post was budgeted has none, rightly, and is not listed."""
    first = first_data_month(staff, budgeted_posts, period).select(_first=month_index(pl.col("month")))
    # Months some contract overlaps, and months some budget above 0 is in force: unions of
    # month ranges, merged into a few runs before they are exploded.
    worked = staff.filter(pl.col("start_date") <= pl.lit(period.as_of)).select(
        first_index=month_index(pl.col("start_date")),
        last_index=month_index(
            pl.min_horizontal(pl.col("end_date").fill_null(pl.lit(period.as_of)), pl.lit(period.as_of))
        ),
    )
    budgeted = budget_in_force(budgeted_posts, period).filter(pl.col("budgeted_fte") > 0)
    months = (
        pl.concat([worked, budgeted.select("first_index", "last_index")])
        .with_columns(_all=pl.lit(0))
        .pipe(merge_month_ranges, ["_all"])
        .select(month_index=pl.int_ranges("first_index", pl.col("last_index") + 1, dtype=pl.Int32))
        .explode("month_index")
    )
    expected = (
        months.join(first, how="cross")
        .filter(pl.col("month_index") >= pl.col("_first"))
        .select(month=month_start(pl.col("month_index")))
    )
    return expected.join(reported_months.select("month").unique(), on="month", how="anti").sort("month")


def roll_forward(turnover: pl.LazyFrame, staff: pl.LazyFrame, period: Period) -> pl.LazyFrame:
    """Gives per month (after the first reported) the organisation's headcount roll-forward:
    start (last month's end) + hires - exits against the month-end headcount, with what explains a
    difference and what is left `unexplained` (0 when the marts agree with each other).

    Two things make end differ from start + hires - exits, both from contract section 4:
    several contracts of one person starting (or ending) the same day are each a hire (an exit)
    but one person; and a person whose last day is the month's last day is still in that
    month-end headcount though their exit counts in that month (they leave the next one)."""
    org = turnover.filter(pl.col("scope") == "ALL").select("month", "headcount", "hires", "exits")
    months = pl.LazyFrame({"month": pl.date_range(period.first_month, period.as_of, interval="1mo", eager=True)})
    flagged = flag_hires_and_exits(staff, period.as_of).cache()
    extra_hires = (
        flagged.filter(pl.col("is_hire"))
        .group_by(month=pl.col("start_date").dt.truncate("1mo"))
        .agg(same_day_extra_hires=(pl.len() - pl.struct("employee_id", "start_date").n_unique()).cast(pl.Int64))
    )
    exits = flagged.filter(pl.col("is_exit")).with_columns(
        figure_day=pl.min_horizontal(pl.col("end_date").dt.month_end(), pl.lit(period.as_of))
    )
    extra_exits = exits.group_by(month=pl.col("end_date").dt.truncate("1mo")).agg(
        same_day_extra_exits=(pl.len() - pl.struct("employee_id", "end_date").n_unique()).cast(pl.Int64),
        month_end_leavers=pl.struct("employee_id", "end_date")
        .filter(pl.col("end_date") == pl.col("figure_day"))
        .n_unique()
        .cast(pl.Int64),
    )
    counts = ("headcount", "hires", "exits", "same_day_extra_hires", "same_day_extra_exits", "month_end_leavers")
    return (
        months.join(org, on="month", how="left")
        .join(extra_hires, on="month", how="left")
        .join(extra_exits, on="month", how="left")
        .with_columns(pl.col(counts).fill_null(0))
        .sort("month")
        .with_columns(
            start_headcount=pl.col("headcount").shift(1),
            previous_month_end_leavers=pl.col("month_end_leavers").shift(1),
        )
        .filter(pl.col("start_headcount").is_not_null())
        .with_columns(
            plain_difference=pl.col("headcount") - (pl.col("start_headcount") + pl.col("hires") - pl.col("exits")),
        )
        .with_columns(
            unexplained=pl.col("plain_difference")
            + pl.col("same_day_extra_hires")
            - pl.col("same_day_extra_exits")
            - pl.col("month_end_leavers")
            + pl.col("previous_month_end_leavers")
        )
        .select(
            "month",
            "start_headcount",
            "hires",
            "exits",
            pl.col("headcount").alias("end_headcount"),
            "plain_difference",
            "same_day_extra_hires",
            "same_day_extra_exits",
            "month_end_leavers",
            "previous_month_end_leavers",
            "unexplained",
        )
    )
