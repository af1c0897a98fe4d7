"""staging.foster_carers: the contract's rules, plausible ages, employed after the agrément."""

from pipelines.quality.suites import age_is_plausible, is_not_before, staging_suite

SUITE = staging_suite(
    "foster_carers",
    age_is_plausible("birth_date", "employment_start_date", 18, 75, "foster carer"),
    is_not_before(
        "employment_start_date",
        "approval_date",
        fix="A carer is employed before their agrément (approval_date): correct one of the two dates.",
    ),
)
