"""The reporting period as the carer marts use it (the as-of date and the window's first month),
and month arithmetic. A month is handled as its index `year * 12 + month - 1` (`month_index`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from models.dates import month_index

__all__ = ["Period", "month_index", "month_number", "month_start", "quarter_start", "ratio"]


@dataclass(frozen=True)
class Period:
    """The as-of date (last day reported) and the first month of the reported window."""

    as_of: dt.date
    first_month: dt.date

    @classmethod
    def from_table(cls, reporting_period: pl.DataFrame) -> Period:
        """Gives the period of the one-row `staging.reporting_period` table."""
        row = reporting_period.row(0, named=True)
        return cls(as_of=row["as_of_date"], first_month=row["first_month"])

    @property
    def as_of_index(self) -> int:
        return month_number(self.as_of)

    @property
    def first_index(self) -> int:
        return month_number(self.first_month)


def month_number(day: dt.date) -> int:
    """Gives the month of a Python date as `year * 12 + month - 1`."""
    return day.year * 12 + day.month - 1


def month_start(index: pl.Expr) -> pl.Expr:
    """Gives the first day of the month of a month index."""
    return pl.date(index // 12, index % 12 + 1, 1)


def quarter_start(day: pl.Expr) -> pl.Expr:
    """Gives the first day of the quarter of a date."""
    return pl.date(day.dt.year(), (day.dt.month() - 1) // 3 * 3 + 1, 1)


def ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """Gives numerator / denominator, null when the denominator is 0 or null."""
    return pl.when(denominator != 0).then(numerator / denominator)
