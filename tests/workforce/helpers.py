"""Tiny staging tables written inline: one tuple per row, dates as ISO text."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.months import Period


def day(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def period(as_of: str = "2024-06-30", first_month: str = "2024-01-01") -> Period:
    return Period(as_of=day(as_of), first_month=day(first_month))


def staff(*rows: tuple) -> pl.LazyFrame:
    """Contracts: (employee, establishment, job family, fte, start, end, exit reason); ids c1, c2... in order."""
    return pl.LazyFrame(
        {
            "employee_id": [r[0] for r in rows],
            "contract_id": [f"c{i + 1}" for i in range(len(rows))],
            "establishment_id": [r[1] for r in rows],
            "job_family": [r[2] for r in rows],
            "fte": [float(r[3]) for r in rows],
            "start_date": [day(r[4]) for r in rows],
            "end_date": [day(r[5]) for r in rows],
            "exit_reason": [r[6] for r in rows],
        },
        schema={
            "employee_id": pl.String,
            "contract_id": pl.String,
            "establishment_id": pl.String,
            "job_family": pl.String,
            "fte": pl.Float64,
            "start_date": pl.Date,
            "end_date": pl.Date,
            "exit_reason": pl.String,
        },
    )


def budget(*rows: tuple) -> pl.LazyFrame:
    """Budgeted posts: (establishment, job family, valid_from, valid_to, budgeted_fte)."""
    return pl.LazyFrame(
        {
            "establishment_id": [r[0] for r in rows],
            "job_family": [r[1] for r in rows],
            "valid_from": [day(r[2]) for r in rows],
            "valid_to": [day(r[3]) for r in rows],
            "budgeted_fte": [float(r[4]) for r in rows],
        },
        schema={
            "establishment_id": pl.String,
            "job_family": pl.String,
            "valid_from": pl.Date,
            "valid_to": pl.Date,
            "budgeted_fte": pl.Float64,
        },
    )


NO_BUDGET = budget()


def establishments(*rows: tuple) -> pl.LazyFrame:
    """Establishments: (establishment, territory, organisation)."""
    return pl.LazyFrame(
        {
            "establishment_id": [r[0] for r in rows],
            "name": [f"Etablissement {r[0]}" for r in rows],
            "kind": ["MECS"] * len(rows),
            "territory_id": [r[1] for r in rows],
            "organisation": [r[2] for r in rows],
        },
        schema={
            "establishment_id": pl.String,
            "name": pl.String,
            "kind": pl.String,
            "territory_id": pl.String,
            "organisation": pl.String,
        },
    )


def rows(frame: pl.LazyFrame | pl.DataFrame, *columns: str) -> list[tuple]:
    """Gives the chosen columns as tuples, dates as ISO text, floats rounded to 6 digits."""
    frame = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    out = []
    for row in frame.select(columns).iter_rows():
        out.append(
            tuple(v.isoformat() if isinstance(v, dt.date) else round(v, 6) if isinstance(v, float) else v for v in row)
        )
    return out
