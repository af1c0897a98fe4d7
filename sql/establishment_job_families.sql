-- Each establishment on the as-of month, per job family: headcount, budgeted and vacant fte.
-- Beside a hidden headcount (1 to 4 people) their fte, and the vacant fte and vacancy rate it
-- gives (budgeted minus filled), are hidden too: an fte of 1.0 would give the count back.
WITH period AS (SELECT as_of_month FROM staging.reporting_period)

SELECT
    w.establishment_id,
    w.job_family,
    coalesce(j.label_fr, w.job_family) AS job_family_label,
    shown_count(w.headcount) AS headcount,
    shown_beside(w.fte, w.headcount) AS fte,
    w.budgeted_fte,
    shown_beside(w.vacant_fte, w.headcount) AS vacant_fte,
    shown_beside(shown_rate(w.vacancy_rate, w.budgeted_fte), w.headcount) AS vacancy_rate
FROM marts.workforce_monthly AS w
INNER JOIN period AS p ON p.as_of_month = w.month
LEFT JOIN staging.job_families AS j USING (job_family)
ORDER BY w.establishment_id, w.job_family
