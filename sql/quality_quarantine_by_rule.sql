-- Rows held in quarantine per extract and rule, counts only (never the rows themselves), with
-- the rule in French. Rows of files, not people: shown as they are.
SELECT
    extract,
    rule,
    CASE rule
        WHEN 'required' THEN 'Valeur obligatoire manquante'
        WHEN 'invalid_date' THEN 'Date illisible'
        WHEN 'invalid_number' THEN 'Nombre illisible'
        WHEN 'invalid_boolean' THEN 'Oui/non illisible'
        WHEN 'unknown_code' THEN 'Code inconnu'
        WHEN 'out_of_range' THEN 'Valeur hors limites'
        WHEN 'date_order' THEN 'Fin avant le début'
        WHEN 'reason_required' THEN 'Motif de fin manquant'
        WHEN 'duplicate_key' THEN 'Identifiant en double'
        WHEN 'unknown_reference' THEN 'Référence inconnue'
        ELSE rule
    END AS rule_label,
    count(*) AS rows_quarantined
FROM quality.quarantine
GROUP BY extract, rule
ORDER BY extract, rule
