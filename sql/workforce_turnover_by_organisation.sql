-- Monthly turnover, voluntary turnover and taux de rotation per organisation (the
-- association of the establishments), over the twelve months ending with each month.
SELECT
    month,
    scope_id AS organisation,
    headcount,
    avg_headcount,
    exits_12m,
    voluntary_exits_12m,
    turnover_rate,
    voluntary_turnover_rate,
    rotation_rate
FROM marts.turnover_12m_by_organisation
WHERE scope = 'ORGANISATION'
ORDER BY month, scope_id
