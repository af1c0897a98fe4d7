"""staging.budgeted_posts: the contract's rules, and budgets of a plausible size."""

from pipelines.quality.suites import staging_suite, warning

SUITE = staging_suite(
    "budgeted_posts",
    warning(
        "budgeted_fte_is_plausible",
        "expect_column_values_to_be_between",
        "More than 200 fte budgeted for one job family in one establishment: a typo (250 for 2.50)?",
        column="budgeted_fte",
        max_value=200,
    ),
)
