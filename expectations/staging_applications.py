"""staging.applications: the contract's rules, months covered, no application before its posting."""

from pipelines.quality.suites import is_not_before, months_are_covered, staging_suite

SUITE = staging_suite(
    "applications",
    months_are_covered("staging.applications", "applied_date"),
    is_not_before(
        "applied_date",
        "posting_opened_date",
        fix="An application is dated before its posting opened: correct applied_date, or the posting's opened_date.",
        columns={
            "posting_opened_date": "(SELECT p.opened_date FROM staging.job_postings p "
            "WHERE p.posting_id = t.posting_id)"
        },
        reads=("staging.job_postings",),
    ),
)
