-- The expectations that failed in the latest run: table, check, severity and how many rows
-- broke it (rows of a file, not people).
WITH latest AS (
    SELECT run_id
    FROM quality.validation_results
    ORDER BY checked_at DESC
    LIMIT 1
)

SELECT
    v.suite AS checked_table,
    v.expectation,
    v.severity,
    v.unexpected_count
FROM quality.validation_results AS v
INNER JOIN latest USING (run_id)
WHERE NOT v.success
ORDER BY v.severity, v.suite, v.expectation
