"""staging.job_postings: the contract's rules, months covered, and filled postings whose
hire is found among the contracts."""

from pipelines.quality.suites import WARNING, is_found_in, months_are_covered, never, staging_suite

SUITE = staging_suite(
    "job_postings",
    months_are_covered("staging.job_postings", "opened_date"),
    never(
        "filled_postings_name_their_hire",
        "CASE WHEN t.outcome = 'FILLED' AND t.contract_id IS NULL THEN t.posting_id END",
        "Give the contract_id of the hire of every FILLED posting.",
    ),
    is_found_in(
        "contract_id",
        "staging.staff",
        severity=WARNING,
        when="t.outcome = 'FILLED'",
        fix="The hire's contract is not in staff (missing, or quarantined: see quality.quarantine): "
        "correct contract_id or the staff extract.",
    ),
)
