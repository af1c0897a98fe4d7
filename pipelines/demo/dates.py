"""Calendar arithmetic on numpy arrays of days since 1970-01-01 (polars' Date)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

EPOCH = date(1970, 1, 1)
NEVER = np.iinfo(np.int32).max // 2  # a day far after any date the generator writes


def day_number(d: date) -> int:
    """Gives the day number (days since 1970-01-01) of a date."""
    return (d - EPOCH).days


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gives year, month (1-12) and day of month of each day number."""
    d = np.asarray(days).astype("datetime64[D]")
    m = d.astype("datetime64[M]")
    y = d.astype("datetime64[Y]")
    return (
        y.astype(np.int64) + 1970,
        (m - y.astype("datetime64[M]")).astype(np.int64) + 1,
        (d - m.astype("datetime64[D]")).astype(np.int64) + 1,
    )


def from_ymd(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Gives day numbers of (year, month, day), the day clipped to the month's length (29/02 -> 28/02)."""
    year, month, day = np.broadcast_arrays(np.asarray(year), np.asarray(month), np.asarray(day))
    months = (year - 1970) * 12 + (month - 1)
    first = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    length = (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) - first
    return first + np.minimum(day, length) - 1


def add_months(days: np.ndarray, k: np.ndarray | int) -> np.ndarray:
    """Gives the same day k months later (clipped to the month's end)."""
    y, m, d = ymd(days)
    total = y * 12 + (m - 1) + np.asarray(k)
    return from_ymd(total // 12, total % 12 + 1, d)


def add_years(days: np.ndarray, k: np.ndarray | int) -> np.ndarray:
    """Gives the anniversary k years later (29 February falls on 28 February)."""
    return add_months(days, np.asarray(k) * 12)


def age_years(birth: np.ndarray, on: np.ndarray | int) -> np.ndarray:
    """Gives completed years of age on a day."""
    by, bm, bd = ymd(birth)
    oy, om, od = ymd(np.broadcast_to(np.asarray(on), np.shape(birth)))
    before_birthday = (om < bm) | ((om == bm) & (od < bd))
    return oy - by - before_birthday


def ymd_code(days: np.ndarray) -> np.ndarray:
    """Gives YYYYMMDD integers, whose differences // 10000 are completed years of age."""
    y, m, d = ymd(days)
    return y * 10000 + m * 100 + d


def age_from_code(birth_code: np.ndarray, on: int) -> np.ndarray:
    """Gives completed years of age on a day from YYYYMMDD birth codes (fast: integer arithmetic only)."""
    return (int(ymd_code(np.array([on]))[0]) - birth_code) // 10000


def month_of(days: np.ndarray, first_month_start: int) -> np.ndarray:
    """Gives the month index (0 = the month starting on `first_month_start`) of each day."""
    y, m, _ = ymd(days)
    fy, fm, _ = ymd(np.array([first_month_start]))
    return (y - fy[0]) * 12 + (m - fm[0])


@dataclass(frozen=True)
class Months:
    """The simulated months: index 0 is the first burn-in month, the last is the as-of month."""

    start: np.ndarray  # first day of each month
    end: np.ndarray  # last day of each month
    year: np.ndarray
    window_start: int  # index of the first reported month

    @property
    def n(self) -> int:
        return len(self.start)

    def length(self, m: int) -> int:
        return int(self.end[m] - self.start[m] + 1)


def simulated_months(as_of: date, history_months: int, burn_in_months: int) -> Months:
    """Gives the burn-in months followed by the reported window, which ends with the as-of month."""
    n = history_months + burn_in_months
    last = np.datetime64(as_of, "M")
    months = last - np.arange(n - 1, -1, -1)
    start = months.astype("datetime64[D]").astype(np.int64)
    end = (months + 1).astype("datetime64[D]").astype(np.int64) - 1
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    return Months(start, end, year, burn_in_months)


def random_day_in(rng: np.random.Generator, start: np.ndarray | int, end: np.ndarray | int, size=None) -> np.ndarray:
    """Gives a uniformly random day between start and end, both included."""
    start = np.asarray(start)
    end = np.asarray(end)
    return start + np.floor(
        rng.random(size if size is not None else np.broadcast(start, end).shape) * (end - start + 1)
    ).astype(np.int64)
