"""Month arithmetic on Polars date expressions, as the model's windows need it."""

from __future__ import annotations

import polars as pl


def month_index(day: pl.Expr) -> pl.Expr:
    """Gives the month of a date as `year * 12 + month - 1`."""
    return day.dt.year().cast(pl.Int32) * 12 + day.dt.month().cast(pl.Int32) - 1


def is_month_end(day: pl.Expr) -> pl.Expr:
    return day == day.dt.month_end()


def minus_months(day: pl.Expr, months: int) -> pl.Expr:
    """Gives `day` moved back whole months; a month's last day gives a month's last day.

    So the N months before 30 September are (31 March, 30 September], not (30 March, ...]."""
    moved = day.dt.offset_by(f"-{months}mo")
    return pl.when(is_month_end(day)).then(moved.dt.month_end()).otherwise(moved)


def last_complete_month_index(day: pl.Expr) -> pl.Expr:
    """Gives the latest month whose last day is on or before `day`."""
    return pl.when(is_month_end(day)).then(month_index(day)).otherwise(month_index(day) - 1)
