"""marts.carer_funnel: one row per quarter, channel and known territory; each stage no
larger than the one before; rates shares; days to decision plausible."""

from pipelines.quality.suites import MART_BUG, Suite, faults, is_found_in, keys_are_unique, row_count_is_stable

SUITE = Suite(
    "marts.carer_funnel",
    [
        *keys_are_unique(
            ("cohort_quarter", "channel", "territory_id"),
            f"Two rows for one quarter, channel and territory, or no key: {MART_BUG}",
        ),
        is_found_in("territory_id", "staging.territories"),
        faults(
            "stages_narrow_down",
            {"applications": "t.applications > t.enquiries", "approvals": "t.approvals > t.applications"}
            | {c: f"t.{c} < 0 OR t.{c} > 1" for c in ("application_rate", "approval_rate", "conversion_rate")},
            f"More applications than enquiries, approvals than applications, or a rate outside [0, 1]: {MART_BUG}",
        ),
        faults(
            "days_to_decision_are_plausible",
            {"median_days_to_decision": "t.median_days_to_decision < 0 OR t.median_days_to_decision > 1095"},
            "A median time to decision below 0 or above three years: correct decision_date or enquiry_date in "
            "carer_enquiries.",
        ),
        row_count_is_stable("marts.carer_funnel"),
    ],
    row="strftime(t.cohort_quarter, '%Y-%m') || ' ' || t.channel || ' ' || t.territory_id",
)
