"""marts.segur_event_study: one row per outcome, estimator and month from 24 before coverage
to 24 after; an estimate within its 95 % interval, or a note saying why there is none."""

from pipelines.quality.suites import MART_BUG, Suite, faults, is_not_in, keys_are_unique

WINDOW = 24
OUTCOMES = ("voluntary_exit_rate", "vacancy_rate")  # contract section 3

SUITE = Suite(
    "marts.segur_event_study",
    [
        *keys_are_unique(
            ("outcome", "estimator", "rel_month"),
            f"Two rows for one outcome, estimator and month from coverage, or no key: {MART_BUG}",
        ),
        faults(
            "months_and_estimates_are_within_bounds",
            {
                "outcome": is_not_in("outcome", OUTCOMES),
                "rel_month": f"t.rel_month NOT BETWEEN -{WINDOW} AND {WINDOW}",
                "estimate": "isnan(t.estimate) OR t.estimate < t.ci_low OR t.estimate > t.ci_high "
                "OR (t.estimate IS NULL AND coalesce(t.note, '') = '')",
                "relative_estimate": "t.relative_estimate < t.relative_ci_low "
                "OR t.relative_estimate > t.relative_ci_high",
                "n_cell_months": "t.n_cell_months < 0",
            },
            f"An outcome outside the contract's, a month more than {WINDOW} from coverage, an estimate outside "
            f"its 95 % interval, or no estimate and no note saying why: {MART_BUG}",
        ),
    ],
    row="t.outcome || ' ' || t.estimator || ' ' || t.rel_month",
)
