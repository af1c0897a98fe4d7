-- What happened to each file of the last load: rows read, loaded, quarantined and exact
-- duplicates (file names are the HR team's, not people's). For a monthly DSN file a row is a
-- contract block, and `set_aside` counts those of other natures (internships...) or of
-- declarations replaced or cancelled: read = loaded + quarantined + duplicates + set aside.
SELECT
    extract,
    source_file,
    rows_read,
    rows_loaded,
    rows_quarantined,
    exact_duplicates,
    not_employment + replaced AS set_aside
FROM quality.ingest_report
ORDER BY extract, source_file
