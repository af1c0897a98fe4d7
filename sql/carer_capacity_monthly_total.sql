-- Foster care month by month, all territories: carers in post, approved and occupied places,
-- arrivals and departures of carers.
SELECT
    month,
    shown_count(sum(active_carers)) AS active_carers,
    -- the places of a hidden number of carers (1 to 4) would give it back
    shown_beside(shown_count(sum(approved_places)), sum(active_carers)) AS approved_places,
    shown_beside(shown_count(sum(occupied_places)), sum(active_carers)) AS occupied_places,
    shown_beside(
        shown_share(sum(occupied_places) / nullif(sum(approved_places), 0), sum(occupied_places), sum(approved_places)),
        sum(active_carers)
    ) AS occupancy_rate,
    shown_count(sum(new_carers)) AS new_carers,
    shown_count(sum(leavers)) AS leavers
FROM marts.carer_capacity_monthly
GROUP BY month
ORDER BY month
