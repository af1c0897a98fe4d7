-- Foster carers' 12-month risk of leaving, aggregated per territory and for all territories
-- (is_total; never per carer): carers scored, their mean risk, how many are at high or medium
-- risk, and the places at risk (sum of risk x approved places).
SELECT
    grouping(s.territory_id) = 1 AS is_total,
    s.territory_id,
    CASE
        WHEN grouping(s.territory_id) = 1 THEN 'Tous les territoires'
        ELSE coalesce(any_value(t.name), s.territory_id)
    END AS territory_name,
    any_value(s.as_of_date) AS as_of_date,
    shown_count(count(*)) AS carers,
    shown_rate(avg(s.risk_12m), count(*)) AS mean_risk_12m,
    shown_count(count(*) FILTER (WHERE s.risk_band = 'HIGH')) AS high_risk_carers,
    shown_count(count(*) FILTER (WHERE s.risk_band = 'MEDIUM')) AS medium_risk_carers,
    shown_rate(sum(s.places_at_risk), count(*)) AS places_at_risk,
    shown_beside(shown_count(sum(s.approved_places)), count(*)) AS approved_places
FROM ml.carer_attrition_scores AS s
LEFT JOIN staging.territories AS t USING (territory_id)
GROUP BY GROUPING SETS ((s.territory_id), ())
ORDER BY is_total, s.territory_id
