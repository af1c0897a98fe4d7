-- Monthly vacancy per organisation (the association an establishment belongs to):
-- budgeted, filled and vacant fte summed over its cells; vacancy rate = vacant / budgeted,
-- not shown when the budget is under 5 fte.
SELECT
    w.month,
    e.organisation,
    sum(w.budgeted_fte) AS budgeted_fte,
    sum(w.fte) AS fte,
    sum(w.vacant_fte) AS vacant_fte,
    shown_rate(sum(w.vacant_fte) / nullif(sum(w.budgeted_fte), 0), sum(w.budgeted_fte)) AS vacancy_rate
FROM marts.workforce_monthly AS w
JOIN staging.establishments AS e USING (establishment_id)
GROUP BY w.month, e.organisation
ORDER BY w.month, e.organisation
