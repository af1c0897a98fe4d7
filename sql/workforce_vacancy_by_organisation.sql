-- Monthly vacancy per organisation (the association an establishment belongs to):
-- budgeted, filled and vacant fte summed over its cells; vacancy rate = vacant / budgeted,
-- not shown when the budget is under 5 fte. Filled and vacant fte and the rate are not shown
-- either when the organisation's headcount is hidden (1 to 4 people).
WITH cells AS (
    SELECT
        w.month,
        e.organisation,
        sum(w.headcount) AS headcount,
        sum(w.budgeted_fte) AS budgeted_fte,
        sum(w.fte) AS fte,
        sum(w.vacant_fte) AS vacant_fte
    FROM marts.workforce_monthly AS w
    INNER JOIN staging.establishments AS e USING (establishment_id)
    GROUP BY w.month, e.organisation
),

counted AS (
    -- distinct people when turnover knows the month (a person with two contracts counts once)
    SELECT
        c.*,
        coalesce(u.headcount, c.headcount) AS people
    FROM cells AS c
    LEFT JOIN marts.turnover_12m_by_organisation AS u
        ON u.scope = 'ORGANISATION' AND u.scope_id = c.organisation AND u.month = c.month
)

SELECT
    month,
    organisation,
    budgeted_fte,
    shown_beside(fte, people) AS fte,
    shown_beside(vacant_fte, people) AS vacant_fte,
    shown_beside(shown_rate(vacant_fte / nullif(budgeted_fte, 0), budgeted_fte), people) AS vacancy_rate
FROM counted
ORDER BY month, organisation
