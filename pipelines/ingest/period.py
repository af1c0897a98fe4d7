"""The reporting period: the as-of date and the window of months reported
(contract sections 1 and 4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

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
# No contract of a child-protection employer started before this year: a window reaching
# further back is a typo in VIVIER_HISTORY_MONTHS (30000 for 300).
FIRST_YEAR = 1900


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
    if index < FIRST_YEAR * 12:
        raise ValueError(
            f"VIVIER_HISTORY_MONTHS is {history_months}: a window of that many months ending in {as_of:%m/%Y} "
            f"would start before {FIRST_YEAR}. Set it to the number of months to report, e.g. 120 for ten years."
        )
    return dt.date(index // 12, index % 12 + 1, 1)


def reporting_period(
    latest_event: dt.date | None, as_of: dt.date | None, history_months: int, not_loaded: Sequence[str] = ()
) -> pl.DataFrame:
    """Gives the one-row reporting period: as-of date, its month, the window's first month and why.

    `not_loaded` names the event extracts that the run was to load and did not (their files
    failed, or an extract they refer to did): `latest_event` then counts the dates of their last
    load, which the warehouse still holds, so one bad file does not move the as-of date back."""
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
            "extracts_not_loaded": [", ".join(not_loaded)],
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
        row
        | {
            "passed": row["future_rows"] == 0,
            "moves_as_of": derived and row["latest_date"] is not None and default_as_of(row["latest_date"]) > today,
        }
        for row in latest.iter_rows(named=True)
    ]


def as_of_after_the_events(period: dict) -> str | None:
    """Gives why an as-of date set by VIVIER_AS_OF falls in a month after the latest event of the
    extracts (the figures of those months would be the last known ones carried forward, not
    facts), or None."""
    as_of, latest = period["as_of_date"], period["latest_event_date"]
    if period["as_of_source"] != "VIVIER_AS_OF" or latest is None or as_of.replace(day=1) <= latest.replace(day=1):
        return None
    return (
        f"VIVIER_AS_OF is {as_of}, but the latest event in the extracts (a contract or placement start, "
        f"an application, a posting, an enquiry, a carer event) is on {latest}: the months after {latest:%m/%Y} "
        "would be reported from no data. Load the newer extracts, or set VIVIER_AS_OF to "
        f"{month_end(latest)} or earlier, or leave it unset."
    )


def latest_events_sql(extract: str, column: str, today: dt.date) -> str:
    """Gives the SQL of one event extract's row for `future_events`: its rows dated after today,
    its latest date and where that date is (file and row, never the row's values)."""
    return f"""SELECT '{extract}' AS extract, '{column}' AS column,
                      count(*) FILTER (WHERE {column} > DATE '{today}') AS future_rows, max({column}) AS latest_date,
                      arg_max(source_file || ' row ' || source_row, {column}) AS latest_row
               FROM staging.{extract}"""
