"""staging.reporting_period: one row, every field set, and a window that agrees with itself:
the as-of month is the as-of date's, the first month is history_months - 1 before it, and
an as-of date taken from the extracts is not after their latest event."""

from pipelines.quality.suites import BLOCKING, Suite, blocking, faults, is_not_in

FIELDS = ("as_of_date", "as_of_month", "first_month", "history_months", "as_of_source")
SOURCES = ("VIVIER_AS_OF", "latest event date in the extracts")

SUITE = Suite(
    "staging.reporting_period",
    [
        blocking(
            "period_has_one_row",
            "expect_table_row_count_to_be_between",
            "The reporting period must be one row: every mart reads its as-of date and first month from it. "
            "A bug in the period asset: report it, with the run's date.",
            min_value=1,
            max_value=1,
        ),
        faults(
            "required_fields_are_filled",
            {c: f"t.{c} IS NULL" for c in FIELDS},
            "No as-of date or window: load extracts with dated events, or set VIVIER_AS_OF "
            "(YYYY-MM-DD) and VIVIER_HISTORY_MONTHS (a whole number of months, 1 or more).",
            BLOCKING,
            show=lambda c: f"'no {c}'",
        ),
        faults(
            "window_is_consistent",
            {
                "as_of_month": "t.as_of_month <> date_trunc('month', t.as_of_date)",
                "first_month": "t.first_month <> t.as_of_month - to_months(CAST(t.history_months - 1 AS INTEGER))",
                "history_months": "t.history_months < 1",
                "as_of_date": "t.as_of_source <> 'VIVIER_AS_OF' AND t.as_of_date > t.latest_event_date",
                "as_of_source": is_not_in("as_of_source", SOURCES),
            },
            "The as-of month, the first month and VIVIER_HISTORY_MONTHS disagree, or an as-of date taken from "
            "the extracts is after their latest event: every mart would report the wrong months. Check "
            "VIVIER_HISTORY_MONTHS (1 or more); otherwise a bug in the period asset: report it, with the "
            "run's date.",
            BLOCKING,
        ),
    ],
    row="'as-of date ' || coalesce(CAST(t.as_of_date AS VARCHAR), 'none')",
)
