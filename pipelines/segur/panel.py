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


def segur_panel(workforce_monthly: pl.LazyFrame, coverage: pl.LazyFrame) -> pl.LazyFrame:
    """Gives per establishment, job family and month: the month the cell was covered (`cover_month`,
    null if never), whether the month is covered, the month relative to coverage (`rel_month`: 0 in
    the first covered month, -1 the month before), headcount, voluntary exits and the voluntary-exit
    rate, budgeted and vacant fte and the vacancy rate.

    voluntary_exit_rate = voluntary exits in the month / month-end headcount (null when headcount is 0);
    vacancy_rate as in workforce_monthly (null when nothing is budgeted)."""
    rel = (pl.col("month").dt.year() - pl.col("cover_month").dt.year()) * 12 + (
        pl.col("month").dt.month().cast(pl.Int32) - pl.col("cover_month").dt.month().cast(pl.Int32)
    )
    return (
        workforce_monthly.select(
            "month", *CELL, "headcount", "voluntary_exits", "budgeted_fte", "vacant_fte", "vacancy_rate"
        )
        .join(coverage.select("job_family", "segur_group", "cover_month"), on="job_family", how="left")
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
        .sort(*CELL, "month")
    )
