-- Monthly turnover, voluntary turnover and taux de rotation per territory, over the
-- twelve months ending with each month (distinct employees of the territory).
SELECT
    u.month,
    u.scope_id AS territory_id,
    t.name AS territory_name,
    u.headcount,
    u.avg_headcount,
    u.exits_12m,
    u.voluntary_exits_12m,
    u.turnover_rate,
    u.voluntary_turnover_rate,
    u.rotation_rate
FROM marts.turnover_12m AS u
LEFT JOIN staging.territories AS t ON t.territory_id = u.scope_id
WHERE u.scope = 'TERRITORY'
ORDER BY u.month, u.scope_id
