-- The Ségur effect, one row per outcome: the chosen estimate (imputation) beside the naive
-- two-way fixed-effects one, as percentages, with the pre-trend warning (no p-value when the
-- data hold no uncovered month older than the lead window), the smallest fall the data could
-- have shown, and why no number was made when none could be.
SELECT
    c.outcome,
    CASE c.outcome
        WHEN 'voluntary_exit_rate' THEN 'Départs volontaires'
        WHEN 'vacancy_rate' THEN 'Taux de vacance'
        ELSE c.outcome
    END AS outcome_label,
    round(100 * c.relative_estimate, 1) AS change_pct,
    round(100 * c.relative_ci_low, 1) AS change_pct_low,
    round(100 * c.relative_ci_high, 1) AS change_pct_high,
    c.relative_ci_high < 0 OR c.relative_ci_low > 0 AS excludes_zero,
    round(100 * n.relative_estimate, 1) AS naive_change_pct,
    -- The smallest fall a 5 % test would have seen four times in five with these data (issue 14).
    round(100 * c.relative_minimum_detectable_effect, 1) AS detectable_change_pct,
    c.pre_trend_p_value,
    c.pre_trend_p_value < 0.05 AS pre_trend_warning,
    c.n_units,
    c.n_establishments,
    c.first_month,
    c.last_month,
    c.note
FROM marts.segur_effect AS c
LEFT JOIN marts.segur_effect AS n
    ON n.outcome = c.outcome AND n.estimator LIKE 'twfe%'
WHERE c.estimator LIKE 'imputation%'
ORDER BY c.outcome
