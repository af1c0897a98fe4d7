"""staging.carer_events: the contract's rules, months covered, events while the carer works."""

from pipelines.quality.suites import months_are_covered, never, staging_suite

SUITE = staging_suite(
    "carer_events",
    months_are_covered("staging.carer_events", "event_date"),
    never(
        "event_date_is_within_carer_employment",
        "CASE WHEN EXISTS (SELECT 1 FROM staging.foster_carers c WHERE c.carer_id = t.carer_id "
        "AND (t.event_date < c.employment_start_date OR t.event_date > c.end_date)) THEN t.event_date END",
        "An event is dated outside its carer's employment: correct event_date, or the carer's dates.",
        reads=("staging.foster_carers",),
    ),
)
