"""Tiny Ségur panels where the answer is known."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

ESTABLISHMENTS = ("E1", "E2", "E3", "E4", "E5", "E6")


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    return pl.date_range(first, last, "1mo", eager=True).to_list()


def known_panel(cover: dict[str, dt.date | None], effect=lambda k: -0.2, first=dt.date(2019, 1, 1),
                last=dt.date(2024, 12, 1), before=lambda k: 0.0,
                noise_seed: int | None = None) -> pl.DataFrame:  # fmt: skip
    """Gives a Ségur panel whose voluntary exits follow the model exactly: headcount 100, exits =
    10 x establishment factor x family factor x month factor x (1 + effect(k)) once covered, k months
    after coverage (x (1 + before(k)) before it). With `noise_seed`, exits are Poisson draws of that
    mean instead. Vacancy rates are additive in cell and month, with no effect."""
    rng = np.random.default_rng(noise_seed)
    rows = []
    for e_i, establishment in enumerate(ESTABLISHMENTS):
        for f_i, (family, cover_month) in enumerate(cover.items()):
            for month in months(first, last):
                month_factor = 1.0 + 0.5 * (month.year >= 2022) + 0.25 * (month.month > 6)
                k = None if cover_month is None else (
                    (month.year - cover_month.year) * 12 + month.month - cover_month.month
                )
                covered = k is not None and k >= 0
                multiplier = 1.0 + (effect(k) if covered else before(k) if k is not None else 0.0)
                mean = 10 * (1 + e_i % 3) * (1 + f_i) * month_factor * multiplier
                rows.append({
                    "month": month, "establishment_id": establishment, "job_family": family,
                    "segur_group": "G" if cover_month else "NON_COUVERT", "cover_month": cover_month,
                    "covered": covered, "rel_month": k, "headcount": 100,
                    "voluntary_exits": float(rng.poisson(mean)) if noise_seed is not None else mean,
                    "budgeted_fte": 20.0, "vacant_fte": None,
                    "vacancy_rate": 0.02 + 0.01 * (e_i % 3) + 0.005 * f_i + 0.01 * month_factor,
                })  # fmt: skip
    return pl.DataFrame(rows).with_columns(
        voluntary_exit_rate=pl.col("voluntary_exits") / pl.col("headcount"),
        rel_month=pl.col("rel_month").cast(pl.Int32),
        cover_month=pl.col("cover_month").cast(pl.Date),
    )
