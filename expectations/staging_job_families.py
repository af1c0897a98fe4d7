"""staging.job_families: the contract's rules, and the codes every extract refers to."""

from pipelines.ingest.contract import JOB_FAMILIES
from pipelines.quality.suites import staging_suite, warning

SUITE = staging_suite(
    "job_families",
    warning(
        "contract_job_families_are_all_there",
        "expect_column_distinct_values_to_contain_set",
        "A landing job_families file replaces the shipped one: it must keep the contract's codes "
        "(contract section 2), and may add others.",
        column="job_family",
        value_set=list(JOB_FAMILIES),
    ),
)
