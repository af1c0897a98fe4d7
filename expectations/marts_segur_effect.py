"""marts.segur_effect: one row per outcome and estimator, the contract's outcomes each with
their estimators; an estimate within its 95 % interval, or a note saying why there is none."""

from pipelines.quality.suites import MART_BUG, Suite, faults, is_not_a_share, keys_are_unique, warning

# The contract's outcomes (section 3) with the estimators docs/segur.md gives them: the chosen one, then the naive.
ESTIMATES = (
    "voluntary_exit_rate / imputation_poisson",
    "voluntary_exit_rate / twfe_poisson",
    "vacancy_rate / imputation_did2s",
    "vacancy_rate / twfe_ols",
)


def is_outside_its_interval(estimate: str, low: str, high: str) -> str:
    """Gives the condition that an estimate of `t` is NaN or outside its interval, where both are set."""
    return f"isnan(t.{estimate}) OR t.{estimate} < t.{low} OR t.{estimate} > t.{high} OR t.{low} > t.{high}"


SUITE = Suite(
    "marts.segur_effect",
    [
        *keys_are_unique(("outcome", "estimator"), f"Two rows for one outcome and estimator, or no key: {MART_BUG}"),
        warning(
            "every_outcome_has_its_estimates",
            "expect_column_distinct_values_to_contain_set",
            f"An outcome of the contract (voluntary_exit_rate, vacancy_rate) or one of its estimators is "
            f"missing, and the report shows no effect for it: {MART_BUG}",
            columns={"outcome_estimator": "t.outcome || ' / ' || t.estimator"},
            column="outcome_estimator",
            value_set=list(ESTIMATES),
        ),
        faults(
            "estimates_are_within_their_intervals",
            {
                "estimate": f"{is_outside_its_interval('estimate', 'ci_low', 'ci_high')} "
                "OR (t.estimate IS NULL AND coalesce(t.note, '') = '')",
                "relative_estimate": is_outside_its_interval("relative_estimate", "relative_ci_low", "relative_ci_high")
                + " OR t.relative_estimate <= -1",
                "pre_trend_p_value": is_not_a_share("pre_trend_p_value"),
                "n_units": "t.estimate IS NOT NULL AND coalesce(t.n_units, 0) < 1",
            },
            f"An estimate outside its 95 % interval, a relative change of -100 % or less, a p-value outside "
            f"[0, 1], an estimate from no cells, or no estimate and no note saying why: {MART_BUG}",
        ),
    ],
    row="t.outcome || ' ' || t.estimator",
)
