"""marts.turnover_12m: one row per month and scope, within the reporting window; rates not
negative; voluntary exits among exits; the organisation's figure for the as-of month."""

from pipelines.quality.suites import (
    BLOCKING,
    MART_BUG,
    PERIOD,
    Suite,
    faults,
    is_outside_the_window,
    keys_are_unique,
    row_count_is_stable,
    warning,
)
from pipelines.workforce.metrics import CONTRACT_SCOPES

RATES = ("turnover_rate", "voluntary_turnover_rate", "rotation_rate")

SUITE = Suite(
    "marts.turnover_12m",
    [
        *keys_are_unique(("month", "scope", "scope_id"), f"Two rows for one month and scope, or no key: {MART_BUG}"),
        faults(
            "months_are_in_the_reporting_window",
            {"month": is_outside_the_window("month")},
            f"A month outside the reporting window: {MART_BUG}",
            BLOCKING,
            reads=(PERIOD,),
        ),
        warning(
            "scope_codes_are_known",
            "expect_column_values_to_be_in_set",
            f"An unknown scope: {MART_BUG}",
            column="scope",
            value_set=list(CONTRACT_SCOPES),
        ),
        # Blocking: the headline turnover is read from here. The only owner of these bounds (no Polars
        # asset check restates them).
        faults(
            "rates_are_within_bounds",
            {c: f"t.{c} < 0 OR isnan(t.{c}) OR isinf(t.{c})" for c in (*RATES, "avg_headcount")}
            | {"voluntary_exits_12m": "t.voluntary_exits_12m > t.exits_12m"},
            f"A rate or average headcount below 0, NaN or infinite, or more voluntary exits than exits: {MART_BUG}",
            BLOCKING,
        ),
        warning(
            "organisation_has_an_as_of_month_row",
            "expect_column_unique_value_count_to_be_between",
            "No organisation-wide (ALL) row in the as-of month: the headline turnover is missing.",
            columns={
                "as_of_month_all_row": f"CASE WHEN t.scope = 'ALL' AND t.month = "
                f"(SELECT as_of_month FROM {PERIOD}) THEN t.month END"
            },
            reads=(PERIOD,),
            column="as_of_month_all_row",
            min_value=1,
        ),
        row_count_is_stable("marts.turnover_12m"),
    ],
    row="strftime(t.month, '%Y-%m') || ' ' || t.scope || ' ' || coalesce(t.scope_id, '')",
)
