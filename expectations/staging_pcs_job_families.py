"""staging.pcs_job_families: the contract's rules, job families the job_families list knows, each code or
title mapped once."""

from pipelines.quality.suites import staging_suite, warning

SUITE = staging_suite(
    "pcs_job_families",
    warning(
        "job_families_are_known",
        "expect_column_values_to_be_in_set",
        "A line maps a PCS-ESE code or job title to a job family that is not in job_families: the DSN contracts "
        "it maps are quarantined (unknown_reference). Correct the job_family of the line, or add the family to "
        "job_families.",
        column="job_family_known",
        value_set=[True],
        columns={
            "job_family_known": "(t.job_family IN (SELECT j.job_family FROM staging.job_families j))",
        },
        reads=("staging.job_families",),
    ),
    warning(
        "each_code_or_title_is_mapped_once",
        "expect_column_values_to_be_in_set",
        "Two lines map the same PCS-ESE code (or the same code and job title): only the first is used. Keep "
        "one line for each.",
        column="mapped_once",
        value_set=[True],
        columns={
            "mapped_once": "((SELECT count(*) FROM staging.pcs_job_families p WHERE p.pcs_ese = t.pcs_ese "
            "AND coalesce(p.emploi_label, '') = coalesce(t.emploi_label, '')) = 1)",
        },
    ),
)
