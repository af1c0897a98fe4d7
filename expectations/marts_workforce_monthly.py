"""marts.workforce_monthly: one row per month, establishment and job family, all known,
within the reporting window; counts and rates within bounds; the as-of month present."""

from pipelines.quality.suites import (
    BLOCKING,
    MART_BUG,
    PERIOD,
    Suite,
    faults,
    is_found_in,
    is_not_a_share,
    is_outside_the_window,
    keys_are_unique,
    row_count_is_stable,
    warning,
)

FTES = ("fte", "budgeted_fte", "vacant_fte")

SUITE = Suite(
    "marts.workforce_monthly",
    [
        *keys_are_unique(("month", "establishment_id", "job_family"), f"Two rows for one cell, or no key: {MART_BUG}"),
        is_found_in("establishment_id", "staging.establishments"),
        is_found_in("job_family", "staging.job_families"),
        faults(
            "months_are_in_the_reporting_window",
            {"month": is_outside_the_window("month")},
            f"A month outside the reporting window: {MART_BUG}",
            BLOCKING,
            reads=(PERIOD,),
        ),
        # Blocking: the report and the roll-forward read these figures. The only owner of these bounds
        # (no Polars asset check restates them): a failure is kept in quality.validation_results.
        faults(
            "figures_are_within_bounds",
            {c: f"t.{c} < 0" for c in ("headcount", "hires", "exits")}
            | {c: f"t.{c} < 0 OR isnan(t.{c}) OR isinf(t.{c})" for c in FTES}
            | {
                "vacancy_rate": is_not_a_share("vacancy_rate"),
                "voluntary_exits": "t.voluntary_exits < 0 OR t.voluntary_exits > t.exits",
            },
            f"A count or fte below 0, NaN or infinite, a vacancy rate outside [0, 1], more voluntary exits than "
            f"exits: {MART_BUG}",
            BLOCKING,
        ),
        warning(
            "as_of_month_has_rows",
            "expect_column_unique_value_count_to_be_between",
            "No row in the as-of month: the latest month is missing from the extracts (staff, budgeted_posts).",
            columns={"as_of_month_row": f"CASE WHEN t.month = (SELECT as_of_month FROM {PERIOD}) THEN t.month END"},
            reads=(PERIOD,),
            column="as_of_month_row",
            min_value=1,
        ),
        row_count_is_stable("marts.workforce_monthly"),
    ],
    row="strftime(t.month, '%Y-%m') || ' ' || t.establishment_id || ' ' || t.job_family",
)
