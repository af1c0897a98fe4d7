"""marts.segur_pay: one row per covered job family, known; a measure above 0; medians set
exactly where contracts started in their window, plausible, and their difference."""

from pipelines.quality.suites import MART_BUG, Suite, faults, keys_are_unique

# A full-time monthly gross pay beyond these (EUR) is a typing slip in staff.
PAY = (1000, 20000)
MEDIANS = {"median_gross_pay_before": "contracts_before", "median_gross_pay_after": "contracts_after"}

SUITE = Suite(
    "marts.segur_pay",
    [
        *keys_are_unique(("job_family",), f"Two rows for one job family, or no key: {MART_BUG}"),
        faults(
            "measures_are_known_and_paid",
            {
                "job_family": "NOT EXISTS (SELECT 1 FROM staging.job_families j WHERE j.job_family = t.job_family)",
                "effective_date": "t.effective_date IS NULL",
                "monthly_net_eur": "t.monthly_net_eur IS NULL OR t.monthly_net_eur <= 0",
                "median_difference": "abs(t.median_difference - (t.median_gross_pay_after - t.median_gross_pay_before))"
                " > 1e-6",
            }
            | {m: f"(t.{m} IS NULL) <> (t.{n} = 0) OR t.{n} < 0" for m, n in MEDIANS.items()},
            f"A job family unknown to job_families, a measure without a date or amount, or a median missing "
            f"where contracts started (or set where none did): {MART_BUG}",
            reads=("staging.job_families",),
        ),
        faults(
            "median_pay_is_plausible",
            {m: f"t.{m} NOT BETWEEN {PAY[0]} AND {PAY[1]}" for m in MEDIANS},
            f"A median full-time monthly gross pay below {PAY[0]} or above {PAY[1]} EUR: correct "
            "monthly_gross_pay in the staff extract (full-time base, in EUR, at contract start).",
        ),
    ],
    row="t.job_family",
)
