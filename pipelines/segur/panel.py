"""The Ségur panel: establishment x job family x month, with the outcomes and the month each cell was covered.

Coverage comes from `segur_measures` (contract section 2): a job family is covered
for an employer kind by the rows of that kind and the rows whose kind is empty
(every employer), from the month of the earliest `effective_date` whose
`monthly_net_eur` is above zero. The measures so far all take effect on the
first day of a month; a measure dated mid-month would count its whole month as
covered.

Contract section 3 gives establishments no employer kind, so the organisation's
kind is a parameter: ASSOCIATION by default, the private non-profit branch
(BASS) that employs most child-protection staff outside the départements, and
the kind of the demo organisations.
"""

from __future__ import annotations

import polars as pl

from pipelines.months import ratio

DEFAULT_EMPLOYER_KIND = "ASSOCIATION"
CELL = ("establishment_id", "job_family")


def coverage_months(
    segur_measures: pl.LazyFrame, job_families: pl.LazyFrame, employer_kind: str = DEFAULT_EMPLOYER_KIND
) -> pl.LazyFrame:
    """Gives each job family with its Ségur group and, when a measure covers it for `employer_kind`,
    the first covered month (`cover_month`), the measure's `effective_date` and `monthly_net_eur`.

    Families with no such measure have a null `cover_month` (never covered)."""
    first = (
        segur_measures.filter(
            (pl.col("employer_kind").is_null() | (pl.col("employer_kind") == employer_kind))
            & (pl.col("monthly_net_eur") > 0)
        )
        .sort("effective_date")
        .group_by("job_family")
        .agg(pl.col("effective_date", "monthly_net_eur").first())
    )
    return (
        job_families.select("job_family", "segur_group")
        .join(first, on="job_family", how="full", coalesce=True)
        .with_columns(cover_month=pl.col("effective_date").dt.truncate("1mo"))
        .select("job_family", "segur_group", "effective_date", "cover_month", "monthly_net_eur")
        .sort("job_family")
    )


# The columns of marts.workforce_monthly the panel reads.
WORKFORCE_COLUMNS = ("month", *CELL, "headcount", "voluntary_exits", "budgeted_fte", "vacant_fte", "vacancy_rate")


def segur_panel(workforce_monthly: pl.LazyFrame, coverage: pl.LazyFrame) -> pl.DataFrame:
    """Gives per establishment, job family and month: the month the cell was covered (`cover_month`,
    null if never), whether the month is covered, the month relative to coverage (`rel_month`: 0 in
    the first covered month, -1 the month before), headcount, voluntary exits and the voluntary-exit
    rate, budgeted and vacant fte and the vacancy rate; in the order of establishment, job family, month.

    voluntary_exit_rate = voluntary exits in the month / month-end headcount (null when headcount is 0);
    vacancy_rate as in workforce_monthly (null when nothing is budgeted)."""
    rel = (pl.col("month").dt.year() - pl.col("cover_month").dt.year()) * 12 + (
        pl.col("month").dt.month().cast(pl.Int32) - pl.col("cover_month").dt.month().cast(pl.Int32)
    )
    table = (
        workforce_monthly.select(WORKFORCE_COLUMNS)
        # In the workforce mart's order: it comes by cell, then month, already (issue 19, memory).
        .join(
            coverage.select("job_family", "segur_group", "cover_month"),
            on="job_family",
            how="left",
            maintain_order="left",
        )
        .with_columns(
            covered=(pl.col("month") >= pl.col("cover_month")).fill_null(False),
            rel_month=rel.cast(pl.Int32),
            voluntary_exit_rate=ratio(pl.col("voluntary_exits"), pl.col("headcount")),
        )
        .select(
            "month",
            *CELL,
            "segur_group",
            "cover_month",
            "covered",
            "rel_month",
            "headcount",
            "voluntary_exits",
            "voluntary_exit_rate",
            "budgeted_fte",
            "vacant_fte",
            "vacancy_rate",
        )
        .collect()
    )
    return table if in_cell_order(table) else table.sort(*CELL, "month")


def in_cell_order(table: pl.DataFrame) -> bool:
    """Whether the rows are in the order of establishment, job family and month, each row after the one
    before. Checking costs a few booleans a row; sorting 11 million rows by two texts and a date cost
    2 GB at national scale, for a mart that is in that order already."""
    if table.height < 2:
        return True
    after = pl.lit(False)
    for column in reversed((*CELL, "month")):
        now, before = pl.col(column), pl.col(column).shift(1)
        after = (now > before) | ((now == before) & after)
    return bool(table.select(after.slice(1).fill_null(False).all()).item())
