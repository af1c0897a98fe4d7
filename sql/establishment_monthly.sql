-- Each establishment month by month: headcount, budget and vacancy, hires, exits, and its
-- 12-month turnover on the as-of month. Counts of 1 to 4 and rates over fewer than 5 people or fte
-- are not shown; nor, beside a hidden headcount, the fte of those people and the vacancy it gives.
-- The turnover of other months is not given: two months' turnover and the headcounts they average
-- give one month's departures minus those of the same month a year earlier, and so a hidden month's
-- departures back (issue 17).
WITH cells AS (
    SELECT
        month,
        establishment_id,
        sum(headcount) AS headcount,
        sum(budgeted_fte) AS budgeted_fte,
        sum(fte) AS fte,
        sum(vacant_fte) AS vacant_fte,
        sum(hires) AS hires,
        sum(exits) AS exits
    FROM marts.workforce_monthly
    GROUP BY month, establishment_id
),

counted AS (
    -- distinct people when turnover knows the month (a person with two contracts counts once)
    SELECT
        c.*,
        coalesce(u.headcount, c.headcount) AS people,
        u.turnover_rate,
        u.voluntary_turnover_rate,
        u.exits_12m,
        u.voluntary_exits_12m,
        u.avg_headcount
    FROM cells AS c
    LEFT JOIN marts.turnover_12m AS u
        ON u.scope = 'ESTABLISHMENT' AND u.scope_id = c.establishment_id AND u.month = c.month
)

SELECT
    month,
    establishment_id,
    shown_count(people) AS headcount,
    budgeted_fte,
    shown_beside(fte, people) AS fte,
    shown_beside(vacant_fte, people) AS vacant_fte,
    shown_beside(shown_rate(vacant_fte / nullif(budgeted_fte, 0), budgeted_fte), people) AS vacancy_rate,
    shown_count(hires) AS hires,
    shown_count(exits) AS exits,
    CASE
        WHEN month = (SELECT p.as_of_month FROM staging.reporting_period AS p)
            THEN shown_share(turnover_rate, exits_12m, avg_headcount)
    END AS turnover_rate,
    CASE
        WHEN month = (SELECT p.as_of_month FROM staging.reporting_period AS p)
            THEN shown_share(voluntary_turnover_rate, voluntary_exits_12m, avg_headcount)
    END AS voluntary_turnover_rate
FROM counted
ORDER BY establishment_id, month
