"""The directors' report: disclosure-controlled view results in a small DuckDB file, built into a
static Evidence site (`reports/`) by `vivier report` and the `director_report` asset."""
