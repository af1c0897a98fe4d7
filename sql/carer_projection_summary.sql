-- Five-year projection of foster carers and approved places (all territories): expected
-- with recruitment at its recent pace and without any recruitment, and expected departures.
-- Under 5 carers today, every figure is hidden: each is about those few carers.
SELECT
    year,
    year_end,
    shown_count(sum(active_carers_today)) AS active_carers_today,
    shown_beside(sum(approved_places_today), sum(active_carers_today)) AS approved_places_today,
    shown_beside(sum(expected_active_carers), sum(active_carers_today)) AS expected_active_carers,
    shown_beside(sum(expected_approved_places), sum(active_carers_today)) AS expected_approved_places,
    shown_beside(sum(expected_active_carers_without_recruitment), sum(active_carers_today))
        AS expected_active_carers_without_recruitment,
    shown_beside(sum(expected_approved_places_without_recruitment), sum(active_carers_today))
        AS expected_approved_places_without_recruitment,
    shown_beside(sum(expected_retirements), sum(active_carers_today)) AS expected_retirements,
    shown_beside(sum(expected_other_leavers), sum(active_carers_today)) AS expected_other_leavers,
    shown_beside(sum(expected_recruits), sum(active_carers_today)) AS expected_recruits,
    shown_beside(sum(recruits_needed), sum(active_carers_today)) AS recruits_needed
FROM marts.carer_projection
GROUP BY year, year_end
ORDER BY year
