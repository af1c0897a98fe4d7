"""Issue 17, item 5, through the sql/ views on hand-made tables: the early departures without the ends
of fixed-term contracts (and never a hidden count read back from them), and the demonstration
banner, shown when the warehouse was loaded from the demo's files and only then."""

import datetime as dt

import duckdb
import pytest

from pipelines.paths import SQL_DIR
from pipelines.report.database import View, query_views, report_views, run_views
from pipelines.warehouse import Warehouse

JUNE = dt.date(2026, 6, 1)


@pytest.fixture
def con():
    with duckdb.connect() as con:
        con.execute("CREATE SCHEMA marts; CREATE SCHEMA staging; CREATE SCHEMA quality")
        yield con


def run(con, name: str) -> list[dict]:
    return run_views(con, [View.from_file(SQL_DIR / f"{name}.sql")])[name].to_dicts()


def cohorts(con, *rows: tuple) -> None:
    """marts.early_attrition: (job family, hires, left within 12 months, of whom at a fixed-term end),
    one cohort a year before the as-of month; the 3- and 6-month counts are 0."""
    con.execute("CREATE TABLE staging.reporting_period AS SELECT DATE '2026-06-01' AS as_of_month")
    con.execute("CREATE TABLE staging.job_families (job_family VARCHAR, label_fr VARCHAR)")
    con.execute("""CREATE TABLE marts.early_attrition (cohort_month DATE, job_family VARCHAR, hires BIGINT,
        observed_3m BOOLEAN, left_within_3m BIGINT, observed_6m BOOLEAN, left_within_6m BIGINT,
        observed_12m BOOLEAN, left_within_12m BIGINT, fixed_term_ends_within_12m BIGINT)""")
    for family, hires, left, fixed_term in rows:
        con.execute(
            "INSERT INTO marts.early_attrition VALUES (DATE '2025-06-01', ?, ?, true, 0, true, 0, true, ?, ?)",
            [family, hires, left, fixed_term],
        )


def test_early_departures_are_also_given_without_the_ends_of_fixed_term_contracts(con):
    # 40 hires, 20 left within a year, 12 of them when their CDD ended: 8 / 40 left otherwise
    cohorts(con, ("AES", 40, 20, 12))
    [row] = run(con, "early_attrition_by_job_family")
    assert (row["attrition_rate_12m"], row["attrition_rate_12m_without_fixed_term_ends"]) == (0.5, 0.2)


@pytest.mark.parametrize(
    ("left", "fixed_term", "shown"),
    [
        (20, 16, None),  # 4 left otherwise: a count of 4, hidden
        (20, 4, None),  # 4 CDD ends: the rate beside that of all departures gives them back, hidden
        (20, 0, 0.5),  # no CDD end: the same rate, nothing to give back
        (20, 20, 0.0),  # every departure a CDD end: 0 left otherwise
        (3, 0, None),  # 3 departures in all: every rate of them hidden
    ],
)
def test_the_rate_without_fixed_term_ends_gives_back_no_count_of_1_to_4(con, left, fixed_term, shown):
    cohorts(con, ("AES", 40, left, fixed_term))
    [row] = run(con, "early_attrition_by_job_family")
    assert row["attrition_rate_12m_without_fixed_term_ends"] == shown


def test_a_warehouse_loaded_before_fixed_term_ends_were_counted_shows_no_rate_without_them(con):
    cohorts(con, ("AES", 40, 20, 12))
    con.execute("ALTER TABLE marts.early_attrition DROP COLUMN fixed_term_ends_within_12m")
    [row] = run(con, "early_attrition_by_job_family")
    assert (row["attrition_rate_12m"], row["attrition_rate_12m_without_fixed_term_ends"]) == (0.5, None)


def ingest_files(con, *files: tuple[str, bool | None]) -> None:
    con.execute("CREATE TABLE quality.ingest_files (extract VARCHAR, source_file VARCHAR, rows_read BIGINT)")
    for name, _ in files:
        con.execute("INSERT INTO quality.ingest_files VALUES (?, ?, 10)", [name.split(".")[0], name])
    if any(demo is not None for _, demo in files):
        con.execute("ALTER TABLE quality.ingest_files ADD COLUMN demo_file BOOLEAN")
        for name, demo in files:
            con.execute("UPDATE quality.ingest_files SET demo_file = ? WHERE source_file = ?", [demo, name])


@pytest.mark.parametrize(
    ("files", "synthetic"),
    [
        ([("staff.csv", True), ("foster_carers.csv", True), ("job_families.csv", False)], True),
        ([("staff.csv", False), ("foster_carers.csv", False), ("job_families.csv", False)], False),
        # real staff dropped into a demo folder: the carers' figures are still synthetic
        ([("staff.csv", False), ("foster_carers.csv", True)], True),
        # a warehouse loaded before the ingest recorded where its files came from
        ([("staff.csv", None), ("foster_carers.csv", None)], False),
    ],
)
def test_the_report_says_its_figures_are_synthetic_when_a_file_loaded_was_the_demos(con, files, synthetic):
    ingest_files(con, *files)
    [row] = run(con, "report_data_origin")
    assert row["synthetic"] is synthetic


def test_the_small_demo_run_is_shown_as_synthetic(small_warehouse):
    views = [v for v in report_views() if v.name == "report_data_origin"]
    [row] = query_views(Warehouse(path=str(small_warehouse)), views)["report_data_origin"].to_dicts()
    assert row["synthetic"] is True and row["demo_files"] >= 10
