-- The establishments, each with its page: name, kind, territory and organisation
-- (organisational data, not personal).
SELECT
    e.establishment_id,
    e.name AS establishment_name,
    CASE e.kind
        WHEN 'MECS' THEN 'Maison d''enfants à caractère social'
        WHEN 'EMERGENCY_SHELTER' THEN 'Accueil d''urgence'
        WHEN 'AEMO_SERVICE' THEN 'Service d''AEMO'
        WHEN 'FOSTER_SERVICE' THEN 'Service de placement familial'
        WHEN 'DAY_SERVICE' THEN 'Accueil de jour'
        WHEN 'HEADQUARTERS' THEN 'Siège'
        ELSE 'Autre'
    END AS kind_label,
    e.territory_id,
    coalesce(t.name, e.territory_id) AS territory_name,
    e.organisation
FROM staging.establishments AS e
LEFT JOIN staging.territories AS t USING (territory_id)
ORDER BY e.territory_id, e.name
