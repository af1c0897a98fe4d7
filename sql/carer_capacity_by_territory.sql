-- Foster care month by month per territory: carers in post, approved and occupied places.
SELECT
    c.month,
    c.territory_id,
    coalesce(t.name, c.territory_id) AS territory_name,
    shown_count(c.active_carers) AS active_carers,
    -- the places of a hidden number of carers (1 to 4) would give it back
    shown_beside(shown_count(c.approved_places), c.active_carers) AS approved_places,
    shown_beside(shown_count(c.occupied_places), c.active_carers) AS occupied_places,
    shown_beside(
        shown_share(c.occupied_places / nullif(c.approved_places, 0), c.occupied_places, c.approved_places),
        c.active_carers
    ) AS occupancy_rate,
    shown_count(c.new_carers) AS new_carers,
    shown_count(c.leavers) AS leavers
FROM marts.carer_capacity_monthly AS c
LEFT JOIN staging.territories AS t USING (territory_id)
ORDER BY c.month, c.territory_id
