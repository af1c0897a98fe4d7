"""marts.segur_panel: one row per month, establishment and job family, as workforce_monthly;
covered from the cell's cover month on, rel_month counted from it; rates their counts'
ratios. The Ségur estimates read it: a wrong coverage makes them wrong, so it blocks."""

from pipelines.quality.suites import (
    BLOCKING,
    MART_BUG,
    Suite,
    faults,
    is_not_a_share,
    is_not_the_ratio,
    keys_are_unique,
    row_count_is_stable,
)

SUITE = Suite(
    "marts.segur_panel",
    [
        *keys_are_unique(("month", "establishment_id", "job_family"), f"Two rows for one cell, or no key: {MART_BUG}"),
        faults(
            "coverage_follows_the_cover_month",
            {
                "covered": "t.covered <> coalesce(t.month >= t.cover_month, false)",
                "rel_month": "t.rel_month IS DISTINCT FROM date_diff('month', t.cover_month, t.month)",
                "cover_month": "t.cover_month <> date_trunc('month', t.cover_month)",
            },
            f"A cell-month covered before its cover month (or not after it), or months relative to coverage "
            f"miscounted, and the Ségur estimates would compare the wrong months: {MART_BUG}",
            BLOCKING,
        ),
        faults(
            "rates_are_their_counts_ratios",
            {
                "headcount": "t.headcount < 0",
                "voluntary_exit_rate": is_not_the_ratio("voluntary_exit_rate", "voluntary_exits", "headcount"),
                "vacancy_rate": is_not_a_share("vacancy_rate"),
            },
            f"A headcount below 0, a voluntary-exit rate that is not voluntary exits over the month-end "
            f"headcount, or a vacancy rate outside [0, 1]: {MART_BUG}",
        ),
        row_count_is_stable("marts.segur_panel"),
    ],
    row="strftime(t.month, '%Y-%m') || ' ' || t.establishment_id || ' ' || t.job_family",
)
