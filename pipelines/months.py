"""The reporting period every mart is computed for, and the rates computed over it.

A month is handled as its index `year * 12 + month - 1` (`models.dates.month_index`,
the one home of month arithmetic, which the model shares), so that "the next
month" is `+ 1` and a run of months is an integer range; it is written out as
the first day of the month (DATE), as contract section 3 asks.

Month-end figures (headcount, fte, budget) are taken on the month's last day,
except in the as-of month when the as-of date falls before that day: nothing
after the as-of date is known, so that month's figures are taken on the as-of
date itself (with the default as-of date, a month end, the two agree).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from models.dates import index_of, month_index

ONE_DAY = pl.duration(days=1)
# The one-row table of the period (as-of date, first month), written by the ingest (`pipelines.ingest.period`).
PERIOD_TABLE = "staging.reporting_period"


def ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
    """Gives numerator / denominator, null when the denominator is 0 or null."""
    return pl.when(denominator != 0).then(numerator / denominator)


def last_month_end_index(end: pl.Expr, as_of: dt.date) -> pl.Expr:
    """Gives the last month whose figure day is on or before `end` (a contract's or a budget row's end).

    An empty end, or one on or after the as-of date, reaches the as-of month: a
    planned end after the as-of date is not known to have happened."""
    return (
        pl.when(end.is_null() | (end >= pl.lit(as_of)))
        .then(pl.lit(index_of(as_of), dtype=pl.Int32))
        .when(end == end.dt.month_end())
        .then(month_index(end))
        .otherwise(month_index(end) - 1)
    )


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
        return index_of(self.as_of)

    @property
    def first_index(self) -> int:
        return index_of(self.first_month)

    def month_of(self, index: pl.Expr) -> pl.Expr:
        """Gives the first day of month `index`, a month from the look-back month to the as-of
        month: looked up in a list of those months, ten times faster than `month_start` on the
        millions of rows of a mart. An index outside them is an error, not a wrong date."""
        months = pl.date_range(
            dt.date(self.lookback_index // 12, self.lookback_index % 12 + 1, 1), self.as_of, "1mo", eager=True
        )
        return pl.lit(months).gather(index - self.lookback_index)

    @property
    def lookback_index(self) -> int:
        """The earliest month a reported figure looks at: twelve months before the window (rotation's m-12)."""
        return self.first_index - 12
