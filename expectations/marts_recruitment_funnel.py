"""marts.recruitment_funnel: one row per quarter of application, job family and channel, all
known, within the reporting window; each stage no larger than the one before; each rate the
stage over the one before."""

from pipelines.quality.suites import (
    BLOCKING,
    MART_BUG,
    PERIOD,
    Suite,
    contract_codes,
    faults,
    is_not_a_share,
    is_not_in,
    is_not_the_ratio,
    keys_are_unique,
    row_count_is_stable,
)

# Each stage, and the one before it.
STAGES = {"screened": "applications", "interviewed": "screened", "offered": "interviewed", "hired": "offered"}
RATES = {
    "screened_rate": ("screened", "applications"),
    "interview_rate": ("interviewed", "screened"),
    "offer_rate": ("offered", "interviewed"),
    "acceptance_rate": ("hired", "offered"),
    "hire_rate": ("hired", "applications"),
}

SUITE = Suite(
    "marts.recruitment_funnel",
    [
        *keys_are_unique(
            ("quarter", "job_family", "channel"),
            f"Two rows for one quarter, job family and channel, or no key: {MART_BUG}",
        ),
        faults(
            "codes_and_quarters_are_known",
            {
                "quarter": f"t.quarter < date_trunc('quarter', (SELECT first_month FROM {PERIOD})) "
                f"OR t.quarter > (SELECT as_of_month FROM {PERIOD}) "
                "OR t.quarter <> date_trunc('quarter', t.quarter)",
                "channel": is_not_in("channel", contract_codes("applications", "channel")),
                "job_family": "NOT EXISTS (SELECT 1 FROM staging.job_families j WHERE j.job_family = t.job_family)",
            },
            f"A quarter outside the reporting window, a channel outside contract section 2, or a job family "
            f"unknown to job_families (though applications and postings are checked against theirs): {MART_BUG}",
            reads=(PERIOD, "staging.job_families"),
        ),
        faults(
            "stages_narrow_down",
            {
                "postings": "t.postings < 1 OR t.postings > t.applications",
                "withdrawn": "t.withdrawn < 0 OR t.withdrawn > t.applications",
            }
            | {stage: f"t.{stage} < 0 OR t.{stage} > t.{before}" for stage, before in STAGES.items()}
            | {rate: is_not_the_ratio(rate, *parts) for rate, parts in RATES.items()},
            f"More candidates at a stage than at the one before, more postings or withdrawals than applications, "
            f"or a rate that is not the stage over the one before: {MART_BUG}",
        ),
        # Blocking: the report's conversion rates. The only owner of these bounds (no Polars asset check).
        faults(
            "rates_are_within_bounds",
            {rate: is_not_a_share(rate) for rate in RATES},
            f"A conversion rate outside [0, 1], or NaN: {MART_BUG}",
            BLOCKING,
        ),
        row_count_is_stable("marts.recruitment_funnel"),
    ],
    row="strftime(t.quarter, '%Y-%m') || ' ' || t.job_family || ' ' || t.channel",
)
