"""The reporting period: the as-of date and the window of months reported
(contract sections 1 and 4)."""

from __future__ import annotations

import datetime as dt

import polars as pl

# The dates whose latest value sets the default as-of date (contract section 1).
# End dates are left out: a planned end after today is not an event yet.
EVENT_DATES = {
    "staff": "start_date",
    "placements": "start_date",
    "applications": "applied_date",
    "job_postings": "opened_date",
    "carer_enquiries": "enquiry_date",
    "carer_events": "event_date",
}


def month_end(day: dt.date) -> dt.date:
    """Gives the last day of the month of `day`."""
    next_month = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return next_month - dt.timedelta(days=1)


def default_as_of(latest_event: dt.date) -> dt.date:
    """Gives the last day of the latest month that is complete on `latest_event`."""
    if month_end(latest_event) == latest_event:
        return latest_event
    return latest_event.replace(day=1) - dt.timedelta(days=1)


def first_month(as_of: dt.date, history_months: int) -> dt.date:
    """Gives the first month of a window of `history_months` months ending with the as-of month."""
    index = as_of.year * 12 + as_of.month - 1 - (history_months - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


def reporting_period(latest_event: dt.date | None, as_of: dt.date | None, history_months: int) -> pl.DataFrame:
    """Gives the one-row reporting period: as-of date, its month, the window's first month and why."""
    if as_of is None and latest_event is None:
        raise ValueError(
            "No as-of date: the extracts hold no dated event (contract or placement start, application, "
            "posting, enquiry, carer event). Load them, or set VIVIER_AS_OF."
        )
    source = "VIVIER_AS_OF" if as_of is not None else "latest event date in the extracts"
    as_of = as_of if as_of is not None else default_as_of(latest_event)
    return pl.DataFrame(
        {
            "as_of_date": [as_of],
            "as_of_month": [as_of.replace(day=1)],
            "first_month": [first_month(as_of, history_months)],
            "history_months": [history_months],
            "latest_event_date": [latest_event],
            "as_of_source": [source],
        },
        schema_overrides={"latest_event_date": pl.Date},
    )


def future_events(latest: pl.DataFrame, today: dt.date, as_of_source: str) -> list[dict]:
    """Gives, per event extract, whether its event dates are all in the past, and whether one
    that is not moves the as-of date past today.

    `latest` holds per extract: `extract`, `column`, `future_rows` (rows dated after today),
    `latest_date` and `latest_row` (where the latest one is). An event after today is
    wrong data; when the as-of date comes from the extracts and the event falls in a later
    month, it also makes the as-of date a day not yet come (`moves_as_of`): every mart
    would report a month before it is over. With VIVIER_AS_OF set, it cannot."""
    derived = as_of_source != "VIVIER_AS_OF"
    return [
        row | {"passed": row["future_rows"] == 0,
               "moves_as_of": derived and row["latest_date"] is not None and default_as_of(row["latest_date"]) > today}
        for row in latest.iter_rows(named=True)
    ]  # fmt: skip
