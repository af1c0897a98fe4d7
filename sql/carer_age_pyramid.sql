-- Foster carers in post on the as-of date by five-year age band (all territories), with
-- their approved places and the children placed with them (hidden beside a hidden count of carers).
SELECT
    age_band,
    age_band_start,
    shown_count(sum(carers)) AS carers,
    shown_beside(shown_count(sum(approved_places)), sum(carers)) AS approved_places,
    shown_beside(shown_count(sum(children_placed)), sum(carers)) AS children_placed,
    shown_share(sum(carers) / sum(sum(carers)) OVER (), sum(carers), sum(sum(carers)) OVER ()) AS share_of_carers
FROM marts.carer_age_profile
GROUP BY age_band, age_band_start
ORDER BY age_band_start
