-- Monthly turnover, voluntary turnover and taux de rotation per territory, over the
-- twelve months ending with each month (distinct employees of the territory). Counts of
-- 1 to 4 and rates over fewer than 5 people are not shown.
SELECT
    u.month,
    u.scope_id AS territory_id,
    coalesce(t.name, u.scope_id) AS territory_name,
    shown_count(u.headcount) AS headcount,
    shown_count(u.exits_12m) AS exits_12m,
    shown_count(u.voluntary_exits_12m) AS voluntary_exits_12m,
    shown_share(u.turnover_rate, u.exits_12m, u.avg_headcount) AS turnover_rate,
    shown_share(u.voluntary_turnover_rate, u.voluntary_exits_12m, u.avg_headcount) AS voluntary_turnover_rate,
    shown_share(u.rotation_rate, u.hires_12m + u.exits_12m, u.headcount_12m_ago) AS rotation_rate
FROM marts.turnover_12m AS u
LEFT JOIN staging.territories AS t ON t.territory_id = u.scope_id
WHERE u.scope = 'TERRITORY'
ORDER BY u.month, u.scope_id
