"""staging.staff: the contract's rules, plus what ingest cannot see row by row: a month
without any contract start, ages, one birth date per employee, no one above full time."""

from pipelines.quality.suites import age_is_plausible, months_are_covered, never, staging_suite, warning

SUITE = staging_suite(
    "staff",
    months_are_covered("staging.staff", "start_date"),
    age_is_plausible("birth_date", "start_date", 14, 75, "employee"),
    never(
        "employee_has_one_birth_date",
        "CASE WHEN (SELECT count(DISTINCT s.birth_date) FROM staging.staff s WHERE s.employee_id = t.employee_id) > 1 "
        "THEN 'several birth dates' END",
        "One employee (matricule) has contracts with different birth dates: correct the birth date, or the "
        "matricule if two people share it.",
    ),
    warning(
        "employee_fte_is_at_most_full_time",
        "expect_column_values_to_be_between",
        "The contracts of one employee active on the same day add up to more than 1 fte: close the earlier "
        "contract (end_date), or correct an fte.",
        columns={
            "employee_fte_on_start_date": "(SELECT sum(s.fte) FROM staging.staff s WHERE s.employee_id = t.employee_id "
            "AND s.start_date <= t.start_date AND (s.end_date IS NULL OR s.end_date >= t.start_date))"
        },
        column="employee_fte_on_start_date",
        max_value=1.001,
    ),
)
