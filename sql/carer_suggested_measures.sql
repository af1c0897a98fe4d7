-- The measures the model suggests for carers at medium or high risk, as counts per measure
-- and territory, and per measure for all territories (is_total); never a list of carers.
SELECT
    grouping(s.territory_id) = 1 AS is_total,
    s.territory_id,
    CASE
        WHEN grouping(s.territory_id) = 1 THEN 'Tous les territoires'
        ELSE coalesce(any_value(t.name), s.territory_id)
    END AS territory_name,
    s.suggested_measure,
    CASE s.suggested_measure
        WHEN 'mentoring of new carers'
            THEN 'Préparer la relève (départ en retraite) : tutorat de nouveaux assistants familiaux'
        WHEN 'placement allocation or income guarantee' THEN 'Attribution d''accueils ou garantie de revenu'
        WHEN 'accompaniment protocol' THEN 'Protocole d''accompagnement (après une allégation)'
        WHEN 'more référent visits' THEN 'Visites plus fréquentes du référent'
        WHEN 'placement matching and analysis of practice' THEN 'Appariement des accueils et analyse de la pratique'
        WHEN 'relais (respite carer)' THEN 'Relais (accueil de répit)'
        ELSE s.suggested_measure
    END AS measure_label,
    shown_count(count(*)) AS carers,
    shown_rate(sum(s.places_at_risk), count(*)) AS places_at_risk
FROM ml.carer_attrition_scores AS s
LEFT JOIN staging.territories AS t USING (territory_id)
WHERE s.risk_band IN ('HIGH', 'MEDIUM') AND s.suggested_measure IS NOT NULL
GROUP BY GROUPING SETS ((s.territory_id, s.suggested_measure), (s.suggested_measure))
ORDER BY is_total ASC, s.territory_id ASC, carers DESC NULLS LAST
