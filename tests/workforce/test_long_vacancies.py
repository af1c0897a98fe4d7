"""marts.long_vacancies: budgeted posts vacant three months or more in a row."""

import polars as pl

from pipelines.workforce.metrics import long_vacancies
from tests.workforce.helpers import day, period, rows

H1 = period(as_of="2024-06-30", first_month="2024-01-01")


def monthly(*r: tuple) -> pl.LazyFrame:
    """workforce_monthly rows: (month, establishment, job family, budgeted fte, vacant fte)."""
    return pl.LazyFrame(
        {
            "month": [day(x[0]) for x in r],
            "establishment_id": [x[1] for x in r],
            "job_family": [x[2] for x in r],
            "budgeted_fte": [float(x[3]) for x in r],
            "vacant_fte": [float(x[4]) for x in r],
        },
    )


def test_three_months_in_a_row_make_a_long_vacancy_and_a_month_filled_breaks_the_run():
    table = monthly(
        ("2024-01-01", "E1", "AES", 2, 1),
        ("2024-02-01", "E1", "AES", 2, 1),
        ("2024-03-01", "E1", "AES", 2, 0.5),
        ("2024-04-01", "E1", "AES", 2, 0),  # filled
        ("2024-05-01", "E1", "AES", 2, 1),
        ("2024-06-01", "E1", "AES", 2, 1),  # only two months: not long
        ("2024-04-01", "E2", "AES", 1, 1),
        ("2024-05-01", "E2", "AES", 1, 1),
        ("2024-06-01", "E2", "AES", 1, 1),  # still vacant at the as-of month
    )
    assert rows(
        long_vacancies(table, H1),
        "establishment_id",
        "first_month",
        "last_month",
        "months_vacant",
        "max_vacant_fte",
        "last_vacant_fte",
        "ongoing",
    ) == [
        ("E1", "2024-01-01", "2024-03-01", 3, 1.0, 0.5, False),
        ("E2", "2024-04-01", "2024-06-01", 3, 1.0, 1.0, True),
    ]


def test_a_month_missing_from_the_table_breaks_the_run():
    table = monthly(
        ("2024-01-01", "E1", "AES", 2, 1),
        ("2024-02-01", "E1", "AES", 2, 1),
        ("2024-04-01", "E1", "AES", 2, 1),
        ("2024-05-01", "E1", "AES", 2, 1),
    )
    assert rows(long_vacancies(table, H1), "first_month") == []
