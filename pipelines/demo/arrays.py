"""Small vectorised helpers shared by the simulations: draws, ranks, matching and growable tables."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import polars as pl

from pipelines.demo.dates import NEVER


def draw(rng: np.random.Generator, mix: Mapping, size: int) -> np.ndarray:
    """Gives `size` indices into `mix`'s keys, drawn with the (normalised) weights of its values."""
    p = np.array([v[0] if isinstance(v, tuple) else v for v in mix.values()], dtype=float)
    return rng.choice(len(p), size, p=p / p.sum())


def pick(rng: np.random.Generator, u: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Gives, for each row of `weights` (n x k), an index drawn with those weights, using uniforms `u`."""
    cum = np.cumsum(weights, axis=1)
    total = cum[:, -1:]
    return np.minimum((cum < u[:, None] * total).sum(axis=1), weights.shape[1] - 1)


def rank_within(groups: np.ndarray) -> np.ndarray:
    """Gives 0, 1, 2... within each run of equal values of a sorted array."""
    if groups.size == 0:
        return np.zeros(0, dtype=np.int64)
    start = np.ones(groups.size, dtype=bool)
    start[1:] = groups[1:] != groups[:-1]
    idx = np.arange(groups.size)
    return idx - np.maximum.accumulate(np.where(start, idx, 0))


def match_by_key(rng: np.random.Generator, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gives random pairs (index into left, index into right) with equal keys, each item used at most once."""
    if left.size == 0 or right.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)

    def ranked(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        order = rng.permutation(keys.size)
        order = order[np.argsort(keys[order], kind="stable")]
        return order, keys[order].astype(np.int64) * (1 << 22) + rank_within(keys[order])

    lo, lk = ranked(left)
    ro, rk = ranked(right)
    _, li, ri = np.intersect1d(lk, rk, assume_unique=True, return_indices=True)
    return lo[li], ro[ri]


def spread_days(
    rng: np.random.Generator,
    start: np.ndarray,
    length: np.ndarray,
    count: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Gives `count[i]` distinct days in each month [start[i], start[i] + length[i]) and the row each belongs to."""
    row = np.repeat(np.arange(count.size), count)
    k = np.arange(row.size) - np.repeat(np.cumsum(count) - count, count)
    first = np.floor(rng.random(count.size) * length).astype(np.int64)
    step = np.maximum(length // np.maximum(count, 1), 1)
    day = start[row] + (first[row] + k * step[row]) % length[row]
    return row, day


class Table:
    """A growable set of equally long numpy columns (append rows, update them in place)."""

    def __init__(self, capacity: int, **dtypes: type | str) -> None:
        self._dtypes = dtypes
        self.n = 0
        self.columns = {name: np.empty(max(capacity, 16), dtype=dt) for name, dt in dtypes.items()}

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.__dict__["columns"][name]
        except KeyError as error:
            raise AttributeError(name) from error

    def append(self, **values: np.ndarray | int | float) -> np.ndarray:
        """Gives the row numbers of the rows appended (scalars are broadcast)."""
        size = max((np.size(v) for v in values.values() if np.ndim(v) > 0), default=1)
        if set(values) != set(self._dtypes):
            raise ValueError(f"append needs exactly {sorted(self._dtypes)}")
        need = self.n + size
        if need > len(next(iter(self.columns.values()))):
            new_cap = max(need, 2 * len(next(iter(self.columns.values()))))
            for name, col in self.columns.items():
                grown = np.empty(new_cap, dtype=col.dtype)
                grown[: self.n] = col[: self.n]
                self.columns[name] = grown
        for name, v in values.items():
            self.columns[name][self.n : need] = v
        rows = np.arange(self.n, need)
        self.n = need
        return rows

    def view(self, names: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        """Gives the filled part of each column."""
        return {k: v[: self.n] for k, v in self.columns.items() if names is None or k in names}


def as_ids(prefix: str, numbers: np.ndarray, width: int) -> pl.Series:
    """Gives identifiers like M0001234."""
    digits = pl.Series(np.asarray(numbers, dtype=np.int64)).cast(pl.String).str.zfill(width)
    return pl.select(pl.lit(prefix) + digits).to_series()


def as_dates(days: np.ndarray) -> pl.Series:
    """Gives a polars Date series (null where the day is NEVER)."""
    days = np.asarray(days, dtype=np.int64)
    values = np.where(days >= NEVER, np.datetime64("NaT"), days.astype("datetime64[D]"))
    return pl.Series(values, dtype=pl.Date)


def as_codes(codes: tuple[str, ...] | np.ndarray, index: np.ndarray) -> pl.Series:
    """Gives code names (null where the index is negative)."""
    index = np.asarray(index, dtype=np.int64)
    positions = pl.Series(index).scatter(np.flatnonzero(index < 0), None)
    return pl.Series(list(codes), dtype=pl.String).gather(positions)
