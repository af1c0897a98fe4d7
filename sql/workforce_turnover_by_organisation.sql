-- Turnover, voluntary turnover and taux de rotation per organisation (the association of the
-- establishments), over the twelve months ending with the as-of month. Counts of 1 to 4 and rates
-- over fewer than 5 people are not shown. Earlier months are not given: twelve-month figures month
-- after month give one month's departures minus those of the same month a year earlier, and with the
-- territories' own (which cross the organisations) a hidden establishment's month back (issue 17).
SELECT
    u.month,
    u.scope_id AS organisation,
    shown_count(u.headcount) AS headcount,
    shown_count(u.exits_12m) AS exits_12m,
    shown_count(u.voluntary_exits_12m) AS voluntary_exits_12m,
    shown_share(u.turnover_rate, u.exits_12m, u.avg_headcount) AS turnover_rate,
    shown_share(u.voluntary_turnover_rate, u.voluntary_exits_12m, u.avg_headcount) AS voluntary_turnover_rate,
    shown_share(u.rotation_rate, u.hires_12m + u.exits_12m, u.headcount_12m_ago) AS rotation_rate
FROM marts.turnover_12m_by_organisation AS u
INNER JOIN staging.reporting_period AS p ON p.as_of_month = u.month
WHERE u.scope = 'ORGANISATION'
ORDER BY u.month, u.scope_id
