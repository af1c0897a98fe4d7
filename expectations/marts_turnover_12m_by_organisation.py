"""marts.turnover_12m_by_organisation: one row per month and organisation of the
establishments, within the reporting window; rates the 12 months' exits over the average
headcount, never negative; voluntary exits among exits."""

from pipelines.quality.suites import (
    MART_BUG,
    PERIOD,
    Suite,
    faults,
    is_not_the_ratio,
    is_outside_the_window,
    keys_are_unique,
    row_count_is_stable,
)

SUITE = Suite(
    "marts.turnover_12m_by_organisation",
    [
        *keys_are_unique(
            ("month", "scope", "scope_id"), f"Two rows for one month and organisation, or no key: {MART_BUG}"
        ),
        faults(
            "organisations_and_months_are_known",
            {
                "month": is_outside_the_window("month"),
                "scope": "t.scope <> 'ORGANISATION'",
                "scope_id": "NOT EXISTS (SELECT 1 FROM staging.establishments e WHERE e.organisation = t.scope_id)",
            },
            f"A month outside the reporting window, a scope other than ORGANISATION, or an organisation that no "
            f"establishment belongs to: {MART_BUG}",
            reads=(PERIOD, "staging.establishments"),
        ),
        faults(
            "rates_are_the_exits_over_the_headcount",
            {
                "turnover_rate": is_not_the_ratio("turnover_rate", "exits_12m", "avg_headcount"),
                "voluntary_turnover_rate": is_not_the_ratio(
                    "voluntary_turnover_rate", "voluntary_exits_12m", "avg_headcount"
                ),
                "rotation_rate": "t.rotation_rate < 0 OR isnan(t.rotation_rate) OR isinf(t.rotation_rate)",
                "avg_headcount": "t.avg_headcount < 0",
                "voluntary_exits_12m": "t.voluntary_exits_12m < 0 OR t.voluntary_exits_12m > t.exits_12m",
            },
            f"A turnover rate that is not the 12 months' exits over the average headcount, a rate below 0, NaN "
            f"or infinite, or more voluntary exits than exits: {MART_BUG}",
        ),
        row_count_is_stable("marts.turnover_12m_by_organisation"),
    ],
    row="strftime(t.month, '%Y-%m') || ' ' || coalesce(t.scope_id, '')",
)
