-- The Ségur event-study chart: relative change of each outcome by month relative to coverage
-- (-24 ... +24), with its 95 % interval, for the chosen (imputation) estimator. Months before
-- coverage are the pre-trend check and should hover around zero; empty months have a note.
SELECT
    e.outcome,
    e.rel_month,
    e.rel_month < 0 AS before_coverage,
    e.relative_estimate,
    e.relative_ci_low,
    e.relative_ci_high,
    e.estimate,
    e.ci_low,
    e.ci_high,
    e.n_cell_months,
    e.note
FROM marts.segur_event_study AS e
WHERE e.estimator LIKE 'imputation%'
ORDER BY e.outcome, e.rel_month
