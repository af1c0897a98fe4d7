-- What happened to each file of the last load: rows read, loaded, quarantined and exact
-- duplicates (file names are the HR team's, not people's).
SELECT
    extract,
    source_file,
    rows_read,
    rows_loaded,
    rows_quarantined,
    exact_duplicates
FROM quality.ingest_report
ORDER BY extract, source_file
