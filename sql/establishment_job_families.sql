-- Each establishment on the as-of month, per job family: headcount, budgeted and vacant fte.
WITH period AS (SELECT as_of_month FROM staging.reporting_period)
SELECT
    w.establishment_id,
    w.job_family,
    coalesce(j.label_fr, w.job_family) AS job_family_label,
    shown_count(w.headcount) AS headcount,
    w.fte,
    w.budgeted_fte,
    w.vacant_fte,
    shown_rate(w.vacancy_rate, w.budgeted_fte) AS vacancy_rate
FROM marts.workforce_monthly AS w
JOIN period AS p ON w.month = p.as_of_month
LEFT JOIN staging.job_families AS j USING (job_family)
ORDER BY w.establishment_id, w.job_family
