-- Each establishment month by month: headcount, budget and vacancy, hires, exits and
-- 12-month turnover. Counts of 1 to 4 and rates over fewer than 5 people or fte are not shown.
WITH cells AS (
    SELECT
        month,
        establishment_id,
        sum(budgeted_fte) AS budgeted_fte,
        sum(fte) AS fte,
        sum(vacant_fte) AS vacant_fte,
        sum(hires) AS hires,
        sum(exits) AS exits
    FROM marts.workforce_monthly
    GROUP BY month, establishment_id
)
SELECT
    c.month,
    c.establishment_id,
    shown_count(u.headcount) AS headcount,
    c.budgeted_fte,
    c.fte,
    c.vacant_fte,
    shown_rate(c.vacant_fte / nullif(c.budgeted_fte, 0), c.budgeted_fte) AS vacancy_rate,
    shown_count(c.hires) AS hires,
    shown_count(c.exits) AS exits,
    shown_share(u.turnover_rate, u.exits_12m, u.avg_headcount) AS turnover_rate,
    shown_share(u.voluntary_turnover_rate, u.voluntary_exits_12m, u.avg_headcount) AS voluntary_turnover_rate
FROM cells AS c
LEFT JOIN marts.turnover_12m AS u
    ON u.scope = 'ESTABLISHMENT' AND u.scope_id = c.establishment_id AND u.month = c.month
ORDER BY c.establishment_id, c.month
