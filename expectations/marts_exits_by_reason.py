"""marts.exits_by_reason: one row per month, job family and exit reason of the contract,
within the reporting window; voluntary exactly for resignations and mutual agreements;
the month's exits per job family the same as in workforce_monthly."""

from pipelines.quality.suites import (
    MART_BUG,
    PERIOD,
    Suite,
    contract_codes,
    faults,
    is_not_in,
    is_outside_the_window,
    keys_are_unique,
    never,
    row_count_is_stable,
)
from pipelines.workforce.employment import VOLUNTARY_REASONS


def _exits(table: str) -> str:
    """Gives the SQL of a table's exits in the month and job family of `t`."""
    return f"(SELECT sum(x.exits) FROM {table} x WHERE x.month = t.month AND x.job_family = t.job_family)"


HERE, WORKFORCE = _exits("marts.exits_by_reason"), f"coalesce({_exits('marts.workforce_monthly')}, 0)"


SUITE = Suite(
    "marts.exits_by_reason",
    [
        *keys_are_unique(
            ("month", "job_family", "exit_reason"),
            f"Two rows for one month, job family and exit reason, or no key: {MART_BUG}",
        ),
        faults(
            "exits_are_counted_by_known_reason",
            {
                "month": is_outside_the_window("month"),
                "job_family": "NOT EXISTS (SELECT 1 FROM staging.job_families j WHERE j.job_family = t.job_family)",
                "exit_reason": is_not_in("exit_reason", contract_codes("staff", "exit_reason")),
                "exits": "t.exits < 1",
                "voluntary": f"t.voluntary = ({is_not_in('exit_reason', VOLUNTARY_REASONS)})",
            },
            f"A month outside the reporting window, a job family unknown to job_families (though staff's are "
            f"checked against it), an exit reason outside contract section 2, a row without exits, or voluntary "
            f"not exactly for resignations and mutual agreements: {MART_BUG}",
            reads=(PERIOD, "staging.job_families"),
        ),
        never(
            "exits_match_workforce_monthly",
            f"CASE WHEN {HERE} <> {WORKFORCE} THEN 'exits ' || {HERE} || ' here, ' || {WORKFORCE} "
            "|| ' in workforce_monthly' END",
            f"The exits of a month and job family differ from workforce_monthly's, which counts the same "
            f"exits by establishment: {MART_BUG}",
            reads=("marts.workforce_monthly",),
        ),
        row_count_is_stable("marts.exits_by_reason"),
    ],
    row="strftime(t.month, '%Y-%m') || ' ' || t.job_family || ' ' || t.exit_reason",
)
