"""Month arithmetic on dates: the one home for it, shared by the marts (`pipelines`) and the
model's windows. Here because `models` may not import `pipelines`; the reporting period the
marts use is `pipelines.months.Period`.

A month is handled as its index `year * 12 + month - 1`: "the next month" is `+ 1`."""

from __future__ import annotations

import datetime as dt

import polars as pl


def month_index(day: pl.Expr) -> pl.Expr:
    """Gives the month of a date as `year * 12 + month - 1`."""
    return day.dt.year().cast(pl.Int32) * 12 + day.dt.month().cast(pl.Int32) - 1


def index_of(day: dt.date) -> int:
    """Gives the month index of a Python date."""
    return day.year * 12 + day.month - 1


def month_start(index: pl.Expr) -> pl.Expr:
    """Gives the first day of the month of a month index."""
    return pl.date(index // 12, index % 12 + 1, 1)


def quarter_start(day: pl.Expr) -> pl.Expr:
    """Gives the first day of the quarter of a date."""
    return pl.date(day.dt.year(), (day.dt.month() - 1) // 3 * 3 + 1, 1)


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
