-- The expectations that failed the last time each table was checked: table, check, severity and
-- how many rows broke it (rows of a file, not people). A night rebuilds and checks only the tables
-- whose inputs changed (issue 19), so the last check of a table may be older than the last run.
WITH latest AS (
    SELECT
        suite,
        arg_max(run_id, checked_at) AS run_id
    FROM quality.validation_results
    GROUP BY suite
)

SELECT
    v.suite AS checked_table,
    v.expectation,
    v.severity,
    v.unexpected_count
FROM quality.validation_results AS v
INNER JOIN latest USING (suite, run_id)
WHERE NOT v.success
ORDER BY v.severity, v.suite, v.expectation
