-- Monthly turnover, voluntary turnover and taux de rotation per organisation (the
-- association of the establishments), over the twelve months ending with each month.
-- Counts of 1 to 4 and rates over fewer than 5 people are not shown.
SELECT
    month,
    scope_id AS organisation,
    shown_count(headcount) AS headcount,
    shown_count(exits_12m) AS exits_12m,
    shown_count(voluntary_exits_12m) AS voluntary_exits_12m,
    shown_share(turnover_rate, exits_12m, avg_headcount) AS turnover_rate,
    shown_share(voluntary_turnover_rate, voluntary_exits_12m, avg_headcount) AS voluntary_turnover_rate,
    shown_share(rotation_rate, hires_12m + exits_12m, headcount_12m_ago) AS rotation_rate
FROM marts.turnover_12m_by_organisation
WHERE scope = 'ORGANISATION'
ORDER BY month, scope_id
