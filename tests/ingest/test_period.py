import datetime as dt

import pytest

from pipelines.ingest.period import default_as_of, first_month, reporting_period


@pytest.mark.parametrize(
    ("latest_event", "as_of"),
    [
        (dt.date(2026, 7, 3), dt.date(2026, 6, 30)),  # July is not complete: June is the last month
        (dt.date(2026, 6, 30), dt.date(2026, 6, 30)),  # an event on the last day completes the month
        (dt.date(2024, 3, 1), dt.date(2024, 2, 29)),  # leap year
        (dt.date(2025, 1, 15), dt.date(2024, 12, 31)),
    ],
)
def test_as_of_is_the_last_complete_month_on_the_latest_event(latest_event, as_of):
    assert default_as_of(latest_event) == as_of


def test_window_of_120_months_ends_with_the_as_of_month():
    assert first_month(dt.date(2026, 6, 30), 120) == dt.date(2016, 7, 1)
    assert first_month(dt.date(2026, 1, 31), 1) == dt.date(2026, 1, 1)
    assert first_month(dt.date(2026, 1, 31), 2) == dt.date(2025, 12, 1)


def test_vivier_as_of_wins_over_the_extracts():
    table = reporting_period(dt.date(2026, 7, 3), dt.date(2025, 12, 31), 12)
    row = table.row(0, named=True)
    assert row["as_of_date"] == dt.date(2025, 12, 31)
    assert row["first_month"] == dt.date(2025, 1, 1)
    assert row["as_of_source"] == "VIVIER_AS_OF"


def test_no_event_and_no_setting_says_what_to_do():
    with pytest.raises(ValueError, match="set VIVIER_AS_OF"):
        reporting_period(None, None, 120)
