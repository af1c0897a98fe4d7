"""staging.carer_enquiries: the contract's rules, months covered, decisions after the
application, and approved enquiries that name a known carer."""

from pipelines.quality.suites import WARNING, is_found_in, is_not_before, months_are_covered, never, staging_suite

SUITE = staging_suite(
    "carer_enquiries",
    months_are_covered("staging.carer_enquiries", "enquiry_date"),
    is_not_before("decision_date", "application_date"),
    never(
        "approved_enquiries_name_their_carer",
        "CASE WHEN t.decision = 'APPROVED' AND t.carer_id IS NULL THEN t.enquiry_id END",
        "Give the carer_id of every APPROVED enquiry.",
    ),
    is_found_in(
        "carer_id",
        "staging.foster_carers",
        severity=WARNING,
        fix="An approved enquiry names a carer who is not in foster_carers: correct carer_id, or add the carer.",
    ),
)
