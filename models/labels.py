"""The attrition label of contract section 4, and which as-of dates can be learned from."""

from __future__ import annotations

import datetime as dt

import polars as pl

HORIZON_DAYS = 365


def attrition_labels(pairs: pl.LazyFrame, carers: pl.LazyFrame, observed_until: dt.date) -> pl.LazyFrame:
    """Gives each (carer_id, as_of_date) with `left_12m` and `observed`.

    left_12m: the carer's end_date falls in (T, T + 365 days], for any
    end_reason but DEATH (a death is not a carer leaving). observed: the 365
    days after T are all on or before `observed_until` (the as-of date of the
    data), so the label is known; rows not observed must not be learned from,
    as a leaver would look like a stayer (censoring)."""
    t = pl.col("as_of_date")
    horizon = t + pl.duration(days=HORIZON_DAYS)
    end = pl.col("end_date")
    return pairs.join(carers.select("carer_id", "end_date", "end_reason"), on="carer_id", how="left").select(
        "carer_id",
        "as_of_date",
        left_12m=((end > t) & (end <= horizon) & (pl.col("end_reason").fill_null("") != "DEATH")).fill_null(False),
        observed=horizon <= pl.lit(observed_until),
    )
