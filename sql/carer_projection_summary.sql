-- Five-year projection of foster carers and approved places (all territories): expected
-- with recruitment at its recent pace and without any recruitment, and expected departures.
SELECT
    year,
    year_end,
    sum(active_carers_today) AS active_carers_today,
    sum(approved_places_today) AS approved_places_today,
    sum(expected_active_carers) AS expected_active_carers,
    sum(expected_approved_places) AS expected_approved_places,
    sum(expected_active_carers_without_recruitment) AS expected_active_carers_without_recruitment,
    sum(expected_approved_places_without_recruitment) AS expected_approved_places_without_recruitment,
    sum(expected_retirements) AS expected_retirements,
    sum(expected_other_leavers) AS expected_other_leavers,
    sum(expected_recruits) AS expected_recruits,
    sum(recruits_needed) AS recruits_needed
FROM marts.carer_projection
GROUP BY year, year_end
ORDER BY year
