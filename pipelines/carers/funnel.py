"""The recruitment funnel of new foster carers (contract section 4), by enquiry cohort.

A cohort is the quarter of the enquiry date. Cohorts from the quarter of the
window's first month to the as-of quarter are reported, with the enquiries
made on or before the as-of date; the latest cohorts are still moving
(applications and decisions come months after the enquiry), which
`complete_quarter` and the counts of rows still awaiting a decision show.
"""

from __future__ import annotations

import polars as pl

from models.dates import quarter_start
from pipelines.months import Period, ratio


def carer_funnel(enquiries: pl.LazyFrame, period: Period) -> pl.LazyFrame:
    """Gives per cohort quarter, channel and territory: enquiries, applications, approvals,
    refusals, withdrawals, median_days_to_decision (over rows with a decision), and the
    conversion rates application_rate (applications / enquiries), approval_rate (approvals /
    applications) and conversion_rate (approvals / enquiries)."""
    as_of = pl.lit(period.as_of)
    decided = pl.col("decision").is_not_null() & pl.col("decision_date").is_not_null()
    days = (pl.col("decision_date") - pl.col("enquiry_date")).dt.total_days()
    first_cohort = quarter_start(pl.lit(period.first_month))
    return (
        enquiries.filter(pl.col("enquiry_date") <= as_of)
        .with_columns(cohort_quarter=quarter_start(pl.col("enquiry_date")))
        .filter(pl.col("cohort_quarter") >= first_cohort)
        .group_by("cohort_quarter", "channel", "territory_id")
        .agg(
            enquiries=pl.len(),
            applications=pl.col("application_date").is_not_null().sum(),
            approvals=(pl.col("decision") == "APPROVED").sum(),
            refusals=(pl.col("decision") == "REFUSED").sum(),
            withdrawals=(pl.col("decision") == "WITHDRAWN").sum(),
            median_days_to_decision=days.filter(decided).median(),
        )
        .with_columns(pl.col("enquiries", "applications", "approvals", "refusals", "withdrawals").cast(pl.Int64))
        .with_columns(
            application_rate=ratio(pl.col("applications"), pl.col("enquiries")),
            approval_rate=ratio(pl.col("approvals"), pl.col("applications")),
            conversion_rate=ratio(pl.col("approvals"), pl.col("enquiries")),
            complete_quarter=pl.col("cohort_quarter").dt.offset_by("3mo") - pl.duration(days=1) <= as_of,
        )
        .sort("cohort_quarter", "channel", "territory_id")
    )
