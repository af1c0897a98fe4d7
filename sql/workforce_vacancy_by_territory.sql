-- Monthly vacancy per territory: budgeted, filled and vacant fte summed over the
-- establishment x job family cells of the territory (vacant fte is per cell, so an
-- overstaffed cell does not hide a vacancy elsewhere); vacancy rate = vacant / budgeted,
-- not shown when the budget is under 5 fte.
SELECT
    w.month,
    e.territory_id,
    coalesce(t.name, e.territory_id) AS territory_name,
    sum(w.budgeted_fte) AS budgeted_fte,
    sum(w.fte) AS fte,
    sum(w.vacant_fte) AS vacant_fte,
    shown_rate(sum(w.vacant_fte) / nullif(sum(w.budgeted_fte), 0), sum(w.budgeted_fte)) AS vacancy_rate
FROM marts.workforce_monthly AS w
JOIN staging.establishments AS e USING (establishment_id)
LEFT JOIN staging.territories AS t USING (territory_id)
GROUP BY w.month, e.territory_id, t.name
ORDER BY w.month, e.territory_id
