"""Tiny Ségur panels where the answer is known."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

ESTABLISHMENTS = ("E1", "E2", "E3", "E4", "E5", "E6")


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    return pl.date_range(first, last, "1mo", eager=True).to_list()


def known_panel(
    cover: dict[str, dt.date | None],
    effect=lambda k: -0.2,
    first=dt.date(2019, 1, 1),
    last=dt.date(2024, 12, 1),
    before=lambda k: 0.0,
    noise_seed: int | None = None,
) -> pl.DataFrame:
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
                k = (
                    None
                    if cover_month is None
                    else ((month.year - cover_month.year) * 12 + month.month - cover_month.month)
                )
                covered = k is not None and k >= 0
                multiplier = 1.0 + (effect(k) if covered else before(k) if k is not None else 0.0)
                mean = 10 * (1 + e_i % 3) * (1 + f_i) * month_factor * multiplier
                rows.append(
                    {
                        "month": month,
                        "establishment_id": establishment,
                        "job_family": family,
                        "segur_group": "G" if cover_month else "NON_COUVERT",
                        "cover_month": cover_month,
                        "covered": covered,
                        "rel_month": k,
                        "headcount": 100,
                        "voluntary_exits": float(rng.poisson(mean)) if noise_seed is not None else mean,
                        "budgeted_fte": 20.0,
                        "vacant_fte": None,
                        "vacancy_rate": 0.02 + 0.01 * (e_i % 3) + 0.005 * f_i + 0.01 * month_factor,
                    }
                )
    return pl.DataFrame(rows).with_columns(
        voluntary_exit_rate=pl.col("voluntary_exits") / pl.col("headcount"),
        rel_month=pl.col("rel_month").cast(pl.Int32),
        cover_month=pl.col("cover_month").cast(pl.Date),
    )


def many_establishments_panel(
    n_establishments: int,
    effect: float = -0.2,
    seed: int = 0,
    drift: float = 0.0,
    first=dt.date(2019, 1, 1),
    last=dt.date(2024, 12, 1),
) -> pl.DataFrame:
    """Gives a noisy Ségur panel of three families (covered 01/2022, 04/2022, 01/2024) in many
    establishments: headcounts 2 to 30, a voluntary-exit hazard of about 1 % a month that varies by
    cell and establishment (so exits are correlated within an establishment), rising by half in 2022,
    multiplied by (1 + effect) once covered and by (1 + drift) in the 12 months before; Poisson exits.
    Vacancy rates are noisy, with no effect."""
    rng = np.random.default_rng(seed)
    cover = {"SOIN": dt.date(2022, 1, 1), "SOCIO": dt.date(2022, 4, 1), "TOUS": dt.date(2024, 1, 1)}
    month_list = months(first, last)
    n_m, n_f = len(month_list), len(cover)
    est = np.repeat(np.arange(n_establishments), n_f * n_m)
    fam = np.tile(np.repeat(np.arange(n_f), n_m), n_establishments)
    m = np.tile(np.arange(n_m), n_establishments * n_f)
    dates = np.array(month_list, dtype="datetime64[D]")[m]
    starts = np.array(list(cover.values()), dtype="datetime64[M]")
    rel = (dates.astype("datetime64[M]") - starts[fam]).astype(int)
    covered = rel >= 0
    headcount = rng.integers(2, 31, n_establishments * n_f)[est * n_f + fam] + rng.integers(0, 3, est.size)
    hazard = (
        0.01
        * np.exp(rng.normal(0, 0.3, n_establishments))[est]
        * np.exp(rng.normal(0, 0.3, est.size // n_m))[est * n_f + fam]
        * (1 + 0.5 * (dates >= np.datetime64("2022-01-01")))
        * np.where(covered, 1 + effect, 1)
        * np.where((rel < 0) & (rel >= -12), 1 + drift, 1)
    )
    exits = rng.poisson(hazard * headcount).astype(float)
    budget = headcount * 0.9
    vacancy = np.clip(0.05 + 0.03 * rng.normal(size=n_establishments)[est] + 0.02 * rng.normal(size=est.size), 0, 1)
    families = np.array(list(cover))
    return pl.DataFrame(
        {
            "month": dates.astype("datetime64[ms]"),
            "establishment_id": np.char.add("E", est.astype(str)),
            "job_family": families[fam],
            "segur_group": np.full(est.size, "G"),
            "cover_month": starts[fam].astype("datetime64[D]").astype("datetime64[ms]"),
            "covered": covered,
            "rel_month": rel.astype(np.int32),
            "headcount": headcount,
            "voluntary_exits": exits,
            "voluntary_exit_rate": exits / headcount,
            "budgeted_fte": budget,
            "vacant_fte": vacancy * budget,
            "vacancy_rate": vacancy,
        }
    ).with_columns(pl.col("month", "cover_month").cast(pl.Date))
