-- Exits per calendar year and reason (all job families), in French.
SELECT
    year(e.month) AS year,
    e.exit_reason,
    CASE e.exit_reason
        WHEN 'RESIGNATION' THEN 'Démission'
        WHEN 'MUTUAL_AGREEMENT' THEN 'Rupture conventionnelle'
        WHEN 'END_OF_FIXED_TERM' THEN 'Fin de CDD'
        WHEN 'END_OF_TRIAL' THEN 'Fin de période d''essai'
        WHEN 'RETIREMENT' THEN 'Retraite'
        WHEN 'DISMISSAL' THEN 'Licenciement'
        WHEN 'INTERNAL_TRANSFER' THEN 'Mutation interne'
        WHEN 'DEATH' THEN 'Décès'
        ELSE 'Autre'
    END AS exit_reason_label,
    bool_or(e.voluntary) AS voluntary,
    shown_count(sum(e.exits)) AS exits
FROM marts.exits_by_reason AS e
GROUP BY year(e.month), e.exit_reason
ORDER BY year, e.exit_reason
