"""Pay before and after each Ségur measure, from the contracts' full-time monthly gross pay at start."""

from __future__ import annotations

import polars as pl

WINDOW_MONTHS = 12


def segur_pay(staff: pl.LazyFrame, coverage: pl.LazyFrame, window_months: int = WINDOW_MONTHS) -> pl.LazyFrame:
    """Gives per covered job family: the measure's date and net amount, and the median full-time
    monthly gross pay of contracts starting in the `window_months` before it and in the
    `window_months` from it, their counts and the difference.

    Pay is `monthly_gross_pay`, the full-time base at contract start (contract section 2): the
    medians describe what new contracts were offered, not what people in post earned. The
    difference also holds the grid's ordinary yearly rise."""
    measures = coverage.filter(pl.col("cover_month").is_not_null()).select(
        "job_family", "segur_group", "effective_date", "monthly_net_eur"
    )
    contracts = staff.filter(pl.col("monthly_gross_pay").is_not_null()).select(
        "job_family", "start_date", "monthly_gross_pay"
    )
    start, end = (
        pl.col("effective_date").dt.offset_by(f"-{window_months}mo"),
        pl.col("effective_date").dt.offset_by(f"{window_months}mo"),
    )
    windowed = measures.join(contracts, on="job_family", how="left").with_columns(
        before=(pl.col("start_date") >= start) & (pl.col("start_date") < pl.col("effective_date")),
        after=(pl.col("start_date") >= pl.col("effective_date")) & (pl.col("start_date") < end),
    )
    pay = pl.col("monthly_gross_pay")
    return (
        windowed.group_by("job_family", "segur_group", "effective_date", "monthly_net_eur")
        .agg(
            contracts_before=pl.col("before").sum().cast(pl.Int64),
            median_gross_pay_before=pay.filter(pl.col("before")).median(),
            contracts_after=pl.col("after").sum().cast(pl.Int64),
            median_gross_pay_after=pay.filter(pl.col("after")).median(),
        )
        .with_columns(
            window_months=pl.lit(window_months, pl.Int32),
            median_difference=pl.col("median_gross_pay_after") - pl.col("median_gross_pay_before"),
        )
        .sort("effective_date", "job_family")
    )
