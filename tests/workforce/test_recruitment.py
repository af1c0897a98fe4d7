"""marts.time_to_fill and marts.recruitment_funnel."""

import polars as pl

from pipelines.workforce.recruitment import recruitment_funnel, time_to_fill
from tests.workforce.helpers import day, period, rows

H1 = period(as_of="2024-06-30", first_month="2024-01-01")


def postings(*r: tuple) -> pl.LazyFrame:
    """(posting, establishment, job family, opened, closed, outcome)."""
    return pl.LazyFrame(
        {
            "posting_id": [x[0] for x in r],
            "establishment_id": [x[1] for x in r],
            "job_family": [x[2] for x in r],
            "fte": [1.0] * len(r),
            "opened_date": [day(x[3]) for x in r],
            "closed_date": [day(x[4]) for x in r],
            "outcome": [x[5] for x in r],
            "contract_id": [None] * len(r),
        },
        schema_overrides={"closed_date": pl.Date, "contract_id": pl.String},
    )


def applications(*r: tuple) -> pl.LazyFrame:
    """(application, posting, applied, channel, stage reached, withdrawn)."""
    return pl.LazyFrame(
        {
            "application_id": [x[0] for x in r],
            "posting_id": [x[1] for x in r],
            "applied_date": [day(x[2]) for x in r],
            "channel": [x[3] for x in r],
            "stage_reached": [x[4] for x in r],
            "withdrawn": [x[5] for x in r],
        },
        schema_overrides={"withdrawn": pl.Boolean},
    )


def test_days_to_fill_only_for_filled_postings_and_open_postings_with_their_age():
    table = time_to_fill(
        postings(
            ("p1", "E1", "AES", "2024-01-10", "2024-03-10", "FILLED"),
            ("p2", "E1", "AES", "2024-02-01", "2024-02-15", "CANCELLED"),
            ("p3", "E1", "AES", "2024-05-31", None, "OPEN"),
            ("p4", "E1", "AES", "2024-06-01", "2024-07-20", "FILLED"),  # filled after the as-of date
            ("p5", "E1", "AES", "2024-07-02", None, "OPEN"),  # opened after the as-of date: not reported
        ),
        H1,
    )
    assert rows(table, "posting_id", "days_to_fill", "outcome", "still_open", "open_days") == [
        ("p1", 60, "FILLED", False, None),
        ("p2", None, "CANCELLED", False, None),
        ("p3", None, "OPEN", True, 30),
        ("p4", 49, "FILLED", True, 29),
    ]


def test_the_funnel_counts_each_application_at_every_stage_it_reached():
    table = recruitment_funnel(
        postings(("p1", "E1", "AES", "2024-01-10", None, "OPEN"), ("p2", "E1", "AES", "2024-01-10", None, "OPEN")),
        applications(
            ("a1", "p1", "2024-01-12", "JOB_BOARD", "APPLIED", False),
            ("a2", "p1", "2024-02-01", "JOB_BOARD", "SCREENED", None),
            ("a3", "p1", "2024-03-01", "JOB_BOARD", "INTERVIEWED", True),
            ("a4", "p2", "2024-03-31", "JOB_BOARD", "HIRED", False),
            ("a5", "p2", "2024-04-01", "JOB_BOARD", "OFFERED", True),  # second quarter
            ("a6", "p2", "2024-02-01", "REFERRAL", "OFFERED", False),
            ("a7", "p2", "2023-12-31", "REFERRAL", "HIRED", False),  # before the window
        ),
        H1,
    )
    assert rows(
        table,
        "quarter",
        "job_family",
        "channel",
        "postings",
        "applications",
        "screened",
        "interviewed",
        "offered",
        "hired",
        "withdrawn",
    ) == [
        ("2024-01-01", "AES", "JOB_BOARD", 2, 4, 3, 2, 1, 1, 1),
        ("2024-01-01", "AES", "REFERRAL", 1, 1, 1, 1, 1, 0, 0),
        ("2024-04-01", "AES", "JOB_BOARD", 1, 1, 1, 1, 1, 0, 1),
    ]
    assert rows(table, "screened_rate", "interview_rate", "offer_rate", "acceptance_rate", "hire_rate") == [
        (0.75, 0.666667, 0.5, 1.0, 0.25),
        (1.0, 1.0, 1.0, 0.0, 0.0),
        (1.0, 1.0, 1.0, 0.0, 0.0),
    ]


def test_a_conversion_with_nobody_at_the_previous_stage_is_null():
    table = recruitment_funnel(
        postings(("p1", "E1", "AES", "2024-01-10", None, "OPEN")),
        applications(("a1", "p1", "2024-01-12", "SCHOOL", "APPLIED", False)),
        H1,
    )
    assert rows(table, "screened_rate", "interview_rate", "offer_rate", "acceptance_rate", "hire_rate") == [
        (0.0, None, None, None, 0.0)
    ]
