-- Where the report's figures come from, one row: the files of the last load, and how many of them
-- are, byte for byte, the synthetic extracts `vivier demo-data` wrote (pipelines/ingest/origin.py).
-- `synthetic`: the report says that its figures are demonstration data.
WITH files AS (
    SELECT * FROM quality.ingest_files
    -- a warehouse loaded before the ingest recorded it (issue 17): no file known as the demo's
    UNION ALL BY NAME
    SELECT cast(NULL AS BOOLEAN) AS demo_file
    WHERE FALSE
)

SELECT
    count(*) AS files,
    count(*) FILTER (WHERE f.demo_file) AS demo_files,
    coalesce(bool_or(f.demo_file), FALSE) AS synthetic
FROM files AS f
