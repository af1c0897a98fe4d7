"""The reporting period as the carer marts use it (the as-of date and the window's first month),
and month arithmetic. A month is handled as its index `year * 12 + month - 1` (`month_index`)."""

from __future__ import annotations


import polars as pl

from models.dates import month_index
from pipelines.workforce.months import Period  # one reporting period for every mart

__all__ = ["Period", "month_index", "month_start", "quarter_start", "ratio"]


def month_start(index: pl.Expr) -> pl.Expr:
    """Gives the first day of the month of a month index."""
    return pl.date(index // 12, index % 12 + 1, 1)


def quarter_start(day: pl.Expr) -> pl.Expr:
    """Gives the first day of the quarter of a date."""
    return pl.date(day.dt.year(), (day.dt.month() - 1) // 3 * 3 + 1, 1)


def ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """Gives numerator / denominator, null when the denominator is 0 or null."""
    return pl.when(denominator != 0).then(numerator / denominator)
