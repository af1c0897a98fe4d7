-- Monthly vacancy per territory: budgeted, filled and vacant fte summed over the
-- establishment x job family cells of the territory (vacant fte is per cell, so an
-- overstaffed cell does not hide a vacancy elsewhere); vacancy rate = vacant / budgeted,
-- not shown when the budget is under 5 fte. Filled and vacant fte and the rate are not shown
-- either when the territory's headcount is hidden (1 to 4 people): its page shows them side by side.
WITH cells AS (
    SELECT
        w.month,
        e.territory_id,
        any_value(t.name) AS name,
        sum(w.headcount) AS headcount,
        sum(w.budgeted_fte) AS budgeted_fte,
        sum(w.fte) AS fte,
        sum(w.vacant_fte) AS vacant_fte
    FROM marts.workforce_monthly AS w
    INNER JOIN staging.establishments AS e USING (establishment_id)
    LEFT JOIN staging.territories AS t USING (territory_id)
    GROUP BY w.month, e.territory_id
),

counted AS (
    -- distinct people when turnover knows the month (a person with two contracts counts once)
    SELECT
        c.*,
        coalesce(u.headcount, c.headcount) AS people
    FROM cells AS c
    LEFT JOIN marts.turnover_12m AS u ON u.scope = 'TERRITORY' AND u.scope_id = c.territory_id AND u.month = c.month
)

SELECT
    month,
    territory_id,
    coalesce(name, territory_id) AS territory_name,
    budgeted_fte,
    shown_beside(fte, people) AS fte,
    shown_beside(vacant_fte, people) AS vacant_fte,
    shown_beside(shown_rate(vacant_fte / nullif(budgeted_fte, 0), budgeted_fte), people) AS vacancy_rate
FROM counted
ORDER BY month, territory_id
