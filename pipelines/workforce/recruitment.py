"""Recruitment marts: time to fill each posting, and the funnel from application to hire.

Pure Polars, no Dagster. Postings and applications dated after the as-of date
are not reported (nothing after the as-of date is).
"""

from __future__ import annotations

import polars as pl

from pipelines.months import Period, ratio

# Stages in the order a candidate goes through them; `stage_reached` is the furthest.
STAGES = ("APPLIED", "SCREENED", "INTERVIEWED", "OFFERED", "HIRED")
CONVERSIONS = {
    "screened_rate": ("screened", "applications"),
    "interview_rate": ("interviewed", "screened"),
    "offer_rate": ("offered", "interviewed"),
    "acceptance_rate": ("hired", "offered"),
    "hire_rate": ("hired", "applications"),
}


def time_to_fill(job_postings: pl.LazyFrame, period: Period) -> pl.LazyFrame:
    """Gives one row per posting opened on or before the as-of date: `days_to_fill` (closed - opened,
    FILLED postings only), and for a posting still open on the as-of date its age in days.

    Still open on the as-of date: outcome OPEN, or closed after the as-of date."""
    as_of = pl.lit(period.as_of)
    still_open = (pl.col("outcome") == "OPEN") | (pl.col("closed_date") > as_of).fill_null(False)
    return (
        job_postings.filter(pl.col("opened_date") <= as_of)
        .select(
            "posting_id",
            "job_family",
            "establishment_id",
            "fte",
            "opened_date",
            "closed_date",
            "outcome",
            days_to_fill=pl.when(pl.col("outcome") == "FILLED").then(
                (pl.col("closed_date") - pl.col("opened_date")).dt.total_days()
            ),
            still_open=still_open,
            open_days=pl.when(still_open).then((as_of - pl.col("opened_date")).dt.total_days()),
        )
        .sort("opened_date", "posting_id")
    )


def recruitment_funnel(job_postings: pl.LazyFrame, applications: pl.LazyFrame, period: Period) -> pl.LazyFrame:
    """Gives per quarter of application, job family (of the posting) and channel: postings applied
    to, applications, how many reached each stage (screened or further, interviewed or further,
    offered or further, hired), withdrawn, and the conversion rate from each stage to the next."""
    reached = pl.col("stage_reached").replace_strict({s: i for i, s in enumerate(STAGES)}, return_dtype=pl.Int8)
    counts = {
        stage.lower(): (reached >= STAGES.index(stage)).sum().cast(pl.Int64)
        for stage in ("SCREENED", "INTERVIEWED", "OFFERED", "HIRED")
    }
    return (
        applications.filter(pl.col("applied_date").is_between(pl.lit(period.first_month), pl.lit(period.as_of)))
        .join(job_postings.select("posting_id", "job_family"), on="posting_id", how="left")
        .group_by(quarter=pl.col("applied_date").dt.truncate("1q"), job_family="job_family", channel="channel")
        .agg(
            postings=pl.col("posting_id").n_unique().cast(pl.Int64),
            applications=pl.len().cast(pl.Int64),
            **counts,
            withdrawn=pl.col("withdrawn").fill_null(False).sum().cast(pl.Int64),
        )
        .with_columns(ratio(pl.col(a), pl.col(b)).alias(name) for name, (a, b) in CONVERSIONS.items())
        .sort("quarter", "job_family", "channel")
    )
