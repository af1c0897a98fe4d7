"""marts.long_vacancies: one row per run of three or more vacant months of a budgeted cell,
within the reporting window; its length the months from first to last, ongoing exactly when
it reaches the as-of month, vacant fte above 0 and within the budget."""

from pipelines.quality.suites import MART_BUG, PERIOD, Suite, faults, is_outside_the_window, keys_are_unique

AS_OF_MONTH = f"(SELECT as_of_month FROM {PERIOD})"

SUITE = Suite(
    "marts.long_vacancies",
    [
        *keys_are_unique(
            ("establishment_id", "job_family", "first_month"),
            f"Two vacancies of one cell starting the same month, or no key: {MART_BUG}",
        ),
        faults(
            "vacancies_last_three_months_within_the_window",
            {
                "first_month": is_outside_the_window("first_month"),
                "last_month": f"{is_outside_the_window('last_month')} OR t.last_month < t.first_month",
                "months_vacant": "t.months_vacant < 3 OR t.months_vacant <> "
                "date_diff('month', t.first_month, t.last_month) + 1",
                "ongoing": f"t.ongoing <> (t.last_month = {AS_OF_MONTH})",
            },
            f"A vacancy outside the reporting window, shorter than three months, whose length is not its months "
            f"from first to last, or ongoing though it ended before the as-of month (or the reverse): {MART_BUG}",
            reads=(PERIOD,),
        ),
        faults(
            "vacant_fte_is_within_the_budget",
            {
                "last_vacant_fte": "t.last_vacant_fte <= 0 OR t.last_vacant_fte > t.max_vacant_fte "
                "OR t.last_vacant_fte > t.last_budgeted_fte",
                "mean_vacant_fte": "t.mean_vacant_fte <= 0 OR t.mean_vacant_fte > t.max_vacant_fte + 1e-9",
            },
            f"Vacant fte of 0 or less in a vacancy, above its maximum, or above the budgeted fte: {MART_BUG}",
        ),
    ],
    row="t.establishment_id || ' ' || t.job_family || ' from ' || strftime(t.first_month, '%Y-%m')",
)
