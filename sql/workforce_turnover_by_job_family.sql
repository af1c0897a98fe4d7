-- Turnover per job family over the twelve months ending with the as-of month, beside the
-- same figure a year earlier. Counts of 1 to 4 and rates over fewer than 5 people are not shown.
WITH period AS (SELECT as_of_month FROM staging.reporting_period)

SELECT
    u.scope_id AS job_family,
    coalesce(j.label_fr, u.scope_id) AS job_family_label,
    shown_count(u.headcount) AS headcount,
    shown_count(u.exits_12m) AS exits_12m,
    shown_count(u.voluntary_exits_12m) AS voluntary_exits_12m,
    shown_share(u.turnover_rate, u.exits_12m, u.avg_headcount) AS turnover_rate,
    shown_share(u.voluntary_turnover_rate, u.voluntary_exits_12m, u.avg_headcount) AS voluntary_turnover_rate,
    shown_share(b.turnover_rate, b.exits_12m, b.avg_headcount) AS turnover_rate_year_before
FROM marts.turnover_12m AS u
CROSS JOIN period AS p
LEFT JOIN marts.turnover_12m AS b
    ON b.scope = u.scope AND b.scope_id = u.scope_id AND b.month = p.as_of_month - INTERVAL 12 MONTH
LEFT JOIN staging.job_families AS j ON j.job_family = u.scope_id
WHERE u.scope = 'JOB_FAMILY' AND u.month = p.as_of_month
ORDER BY u.turnover_rate DESC NULLS LAST
