"""staging.placements: the contract's rules, and every placement within its carer's
employment. A placement before its carer started (or after they left) counts a place
occupied where no carer was: the carers' capacity would be wrong, so it blocks."""

from pipelines.quality.suites import BLOCKING, age_is_plausible, is_not_before, months_are_covered, never, staging_suite

CARER = "staging.foster_carers"

SUITE = staging_suite(
    "placements",
    # A departement places children most months, not every one: one month in 12 may be empty.
    months_are_covered("staging.placements", "start_date", at_least=11),
    age_is_plausible("child_birth_date", "start_date", 0, 21, "child"),
    is_not_before(
        "start_date",
        "carer_employment_start_date",
        severity=BLOCKING,
        fix="A placement starts before its foster carer was employed: correct the placement's "
        "start_date, or the carer's employment_start_date in foster_carers.",
        columns={
            "carer_employment_start_date": f"(SELECT c.employment_start_date FROM {CARER} c "
            "WHERE c.carer_id = t.carer_id)"
        },
        reads=(CARER,),
    ),
    never(
        "start_date_is_not_after_carer_end_date",
        f"CASE WHEN t.start_date > (SELECT c.end_date FROM {CARER} c WHERE c.carer_id = t.carer_id) "
        "THEN t.start_date END",
        "A placement starts after its foster carer left: correct the placement's start_date, or the carer's "
        "end_date in foster_carers.",
        severity=BLOCKING,
        reads=(CARER,),
    ),
)
