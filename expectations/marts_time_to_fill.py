"""marts.time_to_fill: one row per known job posting; days to fill set for filled postings
only, not negative and plausible."""

from pipelines.quality.suites import (
    Suite,
    contract_codes,
    faults,
    is_found_in,
    keys_are_unique,
    row_count_is_stable,
    warning,
)

SUITE = Suite(
    "marts.time_to_fill",
    [
        *keys_are_unique(("posting_id",), "Two rows for one posting, or none: a bug in the mart, report it."),
        is_found_in("posting_id", "staging.job_postings"),
        warning(
            "outcome_codes_are_known",
            "expect_column_values_to_be_in_set",
            "An unknown outcome: a bug in the mart, report it.",
            column="outcome",
            value_set=list(contract_codes("job_postings", "outcome")),
        ),
        faults(
            "days_to_fill_is_plausible",
            {
                "days_to_fill": f"t.days_to_fill < 0 OR t.days_to_fill > {5 * 365}",
                "outcome": "(t.outcome = 'FILLED') <> (t.days_to_fill IS NOT NULL)",
            },
            "Days to fill below 0 or above five years, or a FILLED posting without them (no closed_date): "
            "correct opened_date or closed_date in job_postings.",
        ),
        row_count_is_stable("marts.time_to_fill"),
    ],
    row="t.posting_id",
)
