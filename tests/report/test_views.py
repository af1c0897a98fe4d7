"""Every sql/ view on a whole small run: it runs, carries no pseudonym, id or individual row,
shows no count of 1 to 4, and lands in a report database Evidence's Node DuckDB can read."""

import json
import subprocess

import duckdb
import polars as pl
import pytest

from pipelines.paths import REPORTS_DIR, SQL_DIR
from pipelines.report.database import query_views, report_views, write_report_database
from pipelines.warehouse import Warehouse
from tests.conftest import query

# Integer columns that count no people (years, months, ages, posts, checks, file rows).
NOT_PEOPLE = {
    "year",
    "opened_year",
    "rel_month",
    "age_band_start",
    "n_units",
    "n_establishments",
    "n_cell_months",
    "cells",
    "median_months_vacant",
    "longest_months_vacant",
    "establishments",
    "expectations",
    "failed",
    "blocking_failed",
    "warnings_failed",
    "unexpected_count",
    "rows_quarantined",
    "rows_read",
    "rows_loaded",
    "exact_duplicates",
    "measure_net_eur",
    "files",
    "demo_files",
}
PERSON_ID_COLUMNS = {
    "employee_id",
    "carer_id",
    "child_id",
    "contract_id",
    "placement_id",
    "application_id",
    "enquiry_id",
    "posting_id",
}


@pytest.fixture(scope="module")
def results(small_warehouse):
    return query_views(Warehouse(path=str(small_warehouse)), report_views())


def test_each_sql_file_is_a_view_named_as_its_file():
    names = [v.name for v in report_views()]
    assert names == sorted(p.stem for p in SQL_DIR.glob("*.sql")) and len(names) >= 30


def test_no_view_has_a_person_id_column(results):
    found = {name: sorted(PERSON_ID_COLUMNS & set(frame.columns)) for name, frame in results.items()}
    assert {k: v for k, v in found.items() if v} == {}


def test_no_view_carries_a_pseudonym_or_a_raw_id(small_warehouse, results):
    secrets = {
        row[0]
        for row in query(
            small_warehouse,
            """
        SELECT employee_id FROM staging.staff UNION SELECT contract_id FROM staging.staff
        UNION SELECT carer_id FROM staging.foster_carers UNION SELECT child_id FROM staging.placements
        UNION SELECT placement_id FROM staging.placements UNION SELECT application_id FROM staging.applications
        UNION SELECT enquiry_id FROM staging.carer_enquiries""",
        )
    }
    leaks = {}
    for name, frame in results.items():
        text = frame.select(pl.col(pl.String)).unpivot()["value"].drop_nulls().to_list() if frame.width else []
        if hit := secrets.intersection(text):
            leaks[name] = sorted(hit)[:3]
    assert leaks == {}


def test_no_view_shows_a_count_of_1_to_4_people(results):
    small = {}
    for name, frame in results.items():
        for column, dtype in frame.schema.items():
            if dtype.is_integer() and column not in NOT_PEOPLE and frame[column].is_between(1, 4).any():
                small.setdefault(name, []).append(column)
    assert small == {}, "counts of 1 to 4 people must go through shown_count() in the view"


# A count of people, and the figures about the same people that would give it back if shown
# beside it hidden (issue 13: an fte of "1,0" beside a hidden head count).
BESIDE = {
    "headcount": ("fte", "vacant_fte", "vacancy_rate"),
    "active_carers": ("approved_places", "occupied_places", "occupancy_rate"),
    "carers": ("approved_places", "children_placed"),
    "leavers": ("leave_rate", "top_decile_recall", "roc_auc", "pr_auc"),
}


def test_no_figure_is_shown_beside_a_hidden_count(small_warehouse, results):
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        # the small run has cells of 1 to 4 people with an fte: the test has something to find
        assert (
            con.sql(
                "SELECT count(*) FROM marts.workforce_monthly WHERE headcount BETWEEN 1 AND 4 AND fte > 0"
            ).fetchall()[0][0]
            > 0
        )
    shown = {}
    for name, frame in results.items():
        for count, figures in BESIDE.items():
            if count not in frame.columns:
                continue
            for figure in set(figures) & set(frame.columns):
                if frame.filter(pl.col(count).is_null() & pl.col(figure).is_not_null()).height:
                    shown.setdefault(name, []).append(f"{figure} beside a hidden {count}")
    assert shown == {}


def test_the_report_database_opens_in_evidence_node_duckdb(results, tmp_path):
    path = tmp_path / "report.duckdb"
    rows = write_report_database(results, path)
    script = (
        "const {DuckDBInstance} = require('@duckdb/node-api');"
        "(async () => { const db = await DuckDBInstance.create(process.argv[1], {access_mode: 'READ_ONLY'});"
        "const c = await db.connect(); const r = await c.runAndReadAll("
        '"SELECT table_name, estimated_size FROM duckdb_tables() ORDER BY 1");'
        "console.log(JSON.stringify(r.getRows().map(x => x[0]))); })()"
        ".catch(e => { console.error(e.message); process.exit(1); });"
    )
    done = subprocess.run(
        ["node", "-e", script, str(path)],
        cwd=REPORTS_DIR,
        capture_output=True,
        text=True,
        env={"NODE_PATH": str(REPORTS_DIR / "node_modules"), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == sorted(rows)
