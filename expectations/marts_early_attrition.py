"""marts.early_attrition: one row per hire cohort month and job family, within the reporting
window; a cohort counts its leavers only once observed that long (null before), and those
who left within 3 months are among those who left within 6, within 12, among the hires."""

from pipelines.quality.suites import (
    BLOCKING,
    MART_BUG,
    PERIOD,
    WARNING,
    Suite,
    faults,
    is_found_in,
    is_not_a_share,
    is_not_the_ratio,
    is_outside_the_window,
    keys_are_unique,
    row_count_is_stable,
)
from pipelines.workforce.metrics import ATTRITION_HORIZONS as HORIZONS

# Observed for N months: the cohort's last possible hire (the month's last day) has had N months by the as-of date.
OBSERVED = (
    "(last_day(t.cohort_month) + INTERVAL {n} MONTH - INTERVAL 1 DAY "
    f"<= (SELECT as_of_date FROM {PERIOD})) <> t.observed_{{n}}m"
)
# The next horizon's leavers, then the hires: each count is at most the next.
NEXT = {3: "left_within_6m", 6: "left_within_12m", 12: "hires"}

SUITE = Suite(
    "marts.early_attrition",
    [
        *keys_are_unique(
            ("cohort_month", "job_family"), f"Two rows for one hire cohort and job family, or no key: {MART_BUG}"
        ),
        is_found_in(
            "job_family",
            "staging.job_families",
            severity=WARNING,
            fix=f"A job family unknown to job_families, though staff's are checked against it: {MART_BUG}",
        ),
        faults(
            "cohorts_are_observed_as_of_the_as_of_date",
            {"cohort_month": is_outside_the_window("cohort_month")}
            | {f"observed_{n}m": OBSERVED.format(n=n) for n in HORIZONS},
            f"A cohort outside the reporting window, or marked observed (or not) for 3, 6 or 12 months against "
            f"the as-of date: {MART_BUG}",
            reads=(PERIOD,),
        ),
        faults(
            "leavers_are_counted_within_the_hires",
            {"hires": "t.hires < 1"}
            | {
                f"left_within_{n}m": f"(t.left_within_{n}m IS NULL) = t.observed_{n}m OR t.left_within_{n}m < 0 "
                f"OR t.left_within_{n}m > t.{NEXT[n]}"
                for n in HORIZONS
            }
            | {
                f"attrition_rate_{n}m": is_not_the_ratio(f"attrition_rate_{n}m", f"left_within_{n}m", "hires")
                for n in HORIZONS
            },
            f"A cohort without hires, leavers counted before the cohort is observed (or missing after), more "
            f"leavers within 3 months than within 6 or 12, more than the hires, or a rate that is not leavers / "
            f"hires: {MART_BUG}",
        ),
        # Blocking: the report's attrition rates. The only owner of these bounds (no Polars asset check).
        faults(
            "rates_are_within_bounds",
            {f"attrition_rate_{n}m": is_not_a_share(f"attrition_rate_{n}m") for n in HORIZONS},
            f"An attrition rate outside [0, 1], or NaN: {MART_BUG}",
            BLOCKING,
        ),
        row_count_is_stable("marts.early_attrition"),
    ],
    row="strftime(t.cohort_month, '%Y-%m') || ' ' || t.job_family",
)
