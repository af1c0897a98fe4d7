-- Rows held in quarantine per extract and rule, counts only (never the rows themselves).
SELECT extract, rule, count(*) AS rows_quarantined
FROM quality.quarantine
GROUP BY extract, rule
ORDER BY extract, rule
