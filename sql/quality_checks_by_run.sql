-- Data-quality checks run by run: expectations checked and failed, by severity. These count
-- checks, not people: no disclosure control is needed.
SELECT
    run_id,
    min(checked_at)::DATE AS checked_on,
    min(checked_at) AS checked_at,
    count(*) AS expectations,
    count(*) FILTER (WHERE NOT success) AS failed,
    count(*) FILTER (WHERE NOT success AND severity = 'blocking') AS blocking_failed,
    count(*) FILTER (WHERE NOT success AND severity = 'warning') AS warnings_failed
FROM quality.validation_results
GROUP BY run_id
ORDER BY checked_at
