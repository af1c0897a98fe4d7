-- The whole workforce month by month: headcount and turnover of everyone (scope ALL)
-- next to the budget and its vacancy.
WITH vacancy AS (
    SELECT
        month,
        sum(budgeted_fte) AS budgeted_fte,
        sum(fte) AS fte,
        sum(vacant_fte) AS vacant_fte,
        sum(vacant_fte) / nullif(sum(budgeted_fte), 0) AS vacancy_rate
    FROM marts.workforce_monthly
    GROUP BY month
)
SELECT
    coalesce(u.month, v.month) AS month,
    u.headcount,
    u.hires,
    u.exits,
    u.turnover_rate,
    u.voluntary_turnover_rate,
    u.rotation_rate,
    v.budgeted_fte,
    v.fte,
    v.vacant_fte,
    v.vacancy_rate
FROM (SELECT * FROM marts.turnover_12m WHERE scope = 'ALL') AS u
FULL JOIN vacancy AS v ON v.month = u.month
ORDER BY month
