-- The whole workforce month by month: headcount and turnover of everyone (scope ALL)
-- next to the budget and its vacancy. Disclosure control: counts of 1 to 4 people and rates
-- over fewer than 5 are NULL (macros of pipelines/report/disclosure.py), and so are the fte of
-- a hidden headcount and the vacancy it gives.
WITH vacancy AS (
    SELECT
        month,
        sum(headcount) AS headcount,
        sum(budgeted_fte) AS budgeted_fte,
        sum(fte) AS fte,
        sum(vacant_fte) AS vacant_fte
    FROM marts.workforce_monthly
    GROUP BY month
)

SELECT
    coalesce(u.month, v.month) AS month,
    shown_count(u.headcount) AS headcount,
    shown_count(u.hires) AS hires,
    shown_count(u.exits) AS exits,
    shown_share(u.turnover_rate, u.exits_12m, u.avg_headcount) AS turnover_rate,
    shown_share(u.voluntary_turnover_rate, u.voluntary_exits_12m, u.avg_headcount) AS voluntary_turnover_rate,
    shown_share(u.rotation_rate, u.hires_12m + u.exits_12m, u.headcount_12m_ago) AS rotation_rate,
    v.budgeted_fte,
    shown_beside(v.fte, coalesce(u.headcount, v.headcount)) AS fte,
    shown_beside(v.vacant_fte, coalesce(u.headcount, v.headcount)) AS vacant_fte,
    shown_beside(
        shown_rate(v.vacant_fte / nullif(v.budgeted_fte, 0), v.budgeted_fte),
        coalesce(u.headcount, v.headcount)
    ) AS vacancy_rate
FROM (
    SELECT *
    FROM marts.turnover_12m
    WHERE scope = 'ALL'
) AS u
FULL JOIN vacancy AS v ON v.month = u.month
ORDER BY month
