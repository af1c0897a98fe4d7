"""Tiny staging tables written inline: one tuple per row, dates as ISO text."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.months import Period


def day(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def period(as_of: str = "2024-03-31", first_month: str = "2024-01-01") -> Period:
    return Period(as_of=day(as_of), first_month=day(first_month))


CARER_SCHEMA = {
    "carer_id": pl.String,
    "birth_date": pl.Date,
    "sex": pl.String,
    "territory_id": pl.String,
    "employer_kind": pl.String,
    "approval_date": pl.Date,
    "approved_places": pl.Int64,
    "employment_start_date": pl.Date,
    "end_date": pl.Date,
    "end_reason": pl.String,
    "initial_training_done_date": pl.Date,
    "distance_to_service_km": pl.Float64,
}


def carers(*rows: tuple, **defaults) -> pl.LazyFrame:
    """Carers: (carer, territory, places, start, end, end reason) plus keyword columns for all rows
    (birth_date, approval_date, sex, employer_kind, initial_training_done_date, distance_to_service_km)."""
    base = {
        "birth_date": "1970-06-15",
        "sex": "F",
        "employer_kind": "DEPARTMENT",
        "approval_date": None,
        "initial_training_done_date": None,
        "distance_to_service_km": 10.0,
    } | defaults
    out = []
    for r in rows:
        extra = r[6] if len(r) > 6 else {}
        values = base | extra
        out.append(
            {
                "carer_id": r[0],
                "territory_id": r[1],
                "approved_places": r[2],
                "employment_start_date": day(r[3]),
                "end_date": day(r[4]),
                "end_reason": r[5],
                "birth_date": day(values["birth_date"]),
                "sex": values["sex"],
                "employer_kind": values["employer_kind"],
                "approval_date": day(values["approval_date"] or r[3]),
                "initial_training_done_date": day(values["initial_training_done_date"]),
                "distance_to_service_km": values["distance_to_service_km"],
            }
        )
    return pl.LazyFrame(out, schema=CARER_SCHEMA)


PLACEMENT_SCHEMA = {
    "placement_id": pl.String,
    "carer_id": pl.String,
    "child_id": pl.String,
    "child_birth_date": pl.Date,
    "start_date": pl.Date,
    "end_date": pl.Date,
    "end_reason": pl.String,
    "complex_needs": pl.Boolean,
}


def placements(*rows: tuple) -> pl.LazyFrame:
    """Placements: (carer, start, end, end reason[, complex needs[, child birth date]]); ids p1, p2..."""
    return pl.LazyFrame(
        [
            {
                "placement_id": f"p{i + 1}",
                "carer_id": r[0],
                "child_id": f"c{i + 1}",
                "child_birth_date": day(r[5] if len(r) > 5 else "2015-01-01"),
                "start_date": day(r[1]),
                "end_date": day(r[2]),
                "end_reason": r[3],
                "complex_needs": r[4] if len(r) > 4 else False,
            }
            for i, r in enumerate(rows)
        ],
        schema=PLACEMENT_SCHEMA,
    )


EVENT_SCHEMA = {"carer_id": pl.String, "event_date": pl.Date, "event_type": pl.String, "days": pl.Float64}


def events(*rows: tuple) -> pl.LazyFrame:
    """Carer events: (carer, date, type[, days])."""
    return pl.LazyFrame(
        [
            {"carer_id": r[0], "event_date": day(r[1]), "event_type": r[2], "days": r[3] if len(r) > 3 else None}
            for r in rows
        ],
        schema=EVENT_SCHEMA,
    )


ENQUIRY_SCHEMA = {
    "enquiry_id": pl.String,
    "enquiry_date": pl.Date,
    "channel": pl.String,
    "territory_id": pl.String,
    "application_date": pl.Date,
    "decision_date": pl.Date,
    "decision": pl.String,
    "carer_id": pl.String,
}


def enquiries(*rows: tuple) -> pl.LazyFrame:
    """Enquiries: (enquiry date, channel, territory, application date, decision date, decision); ids e1..."""
    return pl.LazyFrame(
        [
            {
                "enquiry_id": f"e{i + 1}",
                "enquiry_date": day(r[0]),
                "channel": r[1],
                "territory_id": r[2],
                "application_date": day(r[3]),
                "decision_date": day(r[4]),
                "decision": r[5],
                "carer_id": None,
            }
            for i, r in enumerate(rows)
        ],
        schema=ENQUIRY_SCHEMA,
    )


def rows(frame: pl.LazyFrame | pl.DataFrame, *columns: str) -> list[tuple]:
    """Gives the chosen columns as tuples, dates as ISO text, floats rounded to 6 digits."""
    frame = frame.collect() if isinstance(frame, pl.LazyFrame) else frame
    return [
        tuple(v.isoformat() if isinstance(v, dt.date) else round(v, 6) if isinstance(v, float) else v for v in row)
        for row in frame.select(columns).iter_rows()
    ]
