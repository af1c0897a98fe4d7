"""The ingest layer on whole demo landing folders, run through the real Dagster job."""

from __future__ import annotations

import csv
import json
import shutil

import duckdb
import polars as pl
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.ingest.contract import EXTRACTS, LOAD_ORDER
from pipelines.ingest.files import extract_of, landing_files, read_text_table
from pipelines.ingest.headers import load_aliases, map_headers, normalise_header
from pipelines.paths import REFERENCE_DIR
from tests.conftest import query, run_pipeline, snapshot

PERSONAL_HEADERS = {"nom", "prenom", "nir", "adresse", "commentaire"}


def file_rows(landing) -> dict[str, int]:
    """Data rows per landing file, counted without the ingest code: what the generator wrote."""
    return {p.name: n for p, n in ((p, _count_rows(p)) for p in landing_files(landing))}


def _count_rows(path) -> int:
    if path.suffix == ".parquet":
        return pl.read_parquet(path).height
    if path.suffix == ".xlsx":
        return pl.read_excel(path).height
    data = path.read_bytes()
    text = data.decode("utf-8-sig") if _is_utf8(data) else data.decode("cp1252")
    dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=";,\t")
    return sum(1 for row in csv.reader(text.splitlines()[1:], dialect) if any(cell.strip() for cell in row))


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def assert_nothing_lost(landing, warehouse):
    report = {
        r[0]: r[1:]
        for r in query(
            warehouse,
            """SELECT source_file, rows_read, rows_loaded,
        rows_quarantined, exact_duplicates, extract FROM quality.ingest_report""",
        )
    }
    written = file_rows(landing)
    shipped = {f"{name}.csv" for name, e in EXTRACTS.items() if e.reference_data} - set(written)
    assert set(report) == set(written) | shipped
    for name in shipped:
        written[name] = _count_rows(REFERENCE_DIR / name)
    for name, (read, loaded, quarantined, duplicates, extract) in report.items():
        assert read == written[name], name
        assert read == loaded + quarantined + duplicates, name
        staged = query(warehouse, f"SELECT count(*) FROM staging.{extract} WHERE source_file = '{name}'")[0][0]
        held = query(warehouse, f"SELECT count(*) FROM quality.quarantine WHERE source_file = '{name}'")[0][0]
        assert (staged, held) == (loaded, quarantined), name


def test_clean_demo_loads_every_row_of_every_file(small_demo, small_warehouse):
    assert_nothing_lost(small_demo, small_warehouse)
    assert query(small_warehouse, "SELECT count(*) FROM quality.quarantine") == [(0,)]
    for name in LOAD_ORDER:
        if not EXTRACTS[name].reference_data:
            assert query(small_warehouse, f"SELECT count(*) FROM staging.{name}")[0][0] > 0, name


def test_the_as_of_date_is_the_one_the_generator_planted(small_demo, small_warehouse):
    truth = json.loads((small_demo / "_truth" / "truth.json").read_text())
    assert str(query(small_warehouse, "SELECT as_of_date FROM staging.reporting_period")[0][0]) == truth["as_of_date"]


def test_messy_demo_loses_nothing(messy_demo, messy_warehouse):
    assert_nothing_lost(messy_demo, messy_warehouse)


def test_each_planted_defect_lands_in_quarantine_with_its_rule(messy_demo, messy_warehouse):
    defects = pl.read_csv(messy_demo / "_truth" / "defects.csv", infer_schema=False)
    quarantined = {
        (f, r): rule
        for f, r, rule in query(messy_warehouse, "SELECT source_file, source_row, rule FROM quality.quarantine")
    }
    planted = defects.filter(pl.col("expected_rule") != "duplicate")
    assert planted.height > 0
    for row in planted.iter_rows(named=True):
        where = (row["source_file"], int(row["source_row"]))
        assert quarantined.get(where) == row["expected_rule"], (row, quarantined.get(where))
    # Everything else (French headers, dates, decimals, encodings) was read, not quarantined.
    assert len(quarantined) == planted.height

    duplicates = dict(query(messy_warehouse, "SELECT source_file, exact_duplicates FROM quality.ingest_report"))
    expected = defects.filter(pl.col("expected_rule") == "duplicate").group_by("source_file").len()
    assert expected.height > 0
    for name, count in expected.iter_rows():
        assert duplicates[name] == count, name


def test_personal_columns_and_original_ids_appear_nowhere_in_the_warehouse(messy_demo, messy_warehouse):
    secrets: set[str] = set()
    for path in landing_files(messy_demo):
        extract = EXTRACTS[extract_of(path.name)]
        table = read_text_table(path)
        header_map = map_headers(path.name, table.headers, extract, load_aliases())
        for header in table.headers:
            column = header_map.columns.get(header)
            personal = column is None and normalise_header(header) in PERSONAL_HEADERS
            if personal or (column is not None and extract.column(column).pseudonymised):
                secrets |= set(table.rows[header].drop_nulls().str.strip_chars().to_list())
    secrets = {s for s in secrets if len(s) >= 4}
    assert secrets, "the messy demo should carry names, NIR and ids to test against"
    with duckdb.connect(str(messy_warehouse), read_only=True) as con:
        columns = con.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns WHERE data_type = 'VARCHAR'"
        ).fetchall()
        for schema, table, column in columns:
            values = {v for (v,) in con.execute(f'SELECT DISTINCT "{column}" FROM {schema}.{table}').fetchall() if v}
            leaked = values & secrets
            assert not leaked, f"{schema}.{table}.{column} holds {sorted(leaked)[:3]}"
            # NIR and names may also hide inside the quarantined record's JSON
            if column == "record":
                assert not any(s in v for v in values for s in secrets if len(s) >= 13)


def test_running_twice_gives_the_same_warehouse(small_demo, tmp_path):
    warehouse = tmp_path / "vivier.duckdb"
    assert run_pipeline(small_demo, warehouse).success
    first = snapshot(warehouse)
    assert run_pipeline(small_demo, warehouse).success
    assert snapshot(warehouse) == first


def test_unreadable_files_fail_their_asset_name_the_file_and_the_rest_loads(small_demo, tmp_path):
    landing = tmp_path / "landing"
    shutil.copytree(small_demo, landing)
    for extract in ("staff", "placements", "carer_events", "applications"):
        for path in landing.glob(f"{extract}*"):
            path.unlink()
    (landing / "staff.csv").write_bytes(bytes(range(256)) * 4)  # not text
    (landing / "placements.csv").write_text("placement_id,carer_id\np1,c1\n")  # required columns missing
    (landing / "carer_events.csv").write_text("")  # empty
    (landing / "applications.ods").write_text("x")  # a type we do not read

    env = {
        "VIVIER_LANDING_DIR": str(landing),
        "VIVIER_WAREHOUSE": str(tmp_path / "v.duckdb"),
        "DAGSTER_HOME": str(tmp_path / "dagster"),
        "VIVIER_AS_OF": "",
    }
    result = CliRunner().invoke(main, ["run"], env=env)

    assert result.exit_code == 1
    assert "raw/staff: staff.csv: the text is neither UTF-8 nor Windows-1252" in result.output
    assert "placements.csv: required column(s) missing: child_id, child_birth_date, start_date" in result.output
    assert "carer_events.csv: the file is empty" in result.output
    assert "applications.ods: files of type '.ods' are not read" in result.output
    assert "Run FAILED" in result.output
    assert "skip staging/staff" in result.output
    assert "Not run because an upstream asset failed: " in result.output
    loaded = dict(
        query(tmp_path / "v.duckdb", "SELECT extract, sum(rows_loaded) FROM quality.ingest_report GROUP BY 1")
    )
    for extract in ("territories", "establishments", "foster_carers", "budgeted_posts", "carer_enquiries"):
        assert loaded[extract] > 0, extract


def test_help_names_the_commands_and_settings():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for word in ("demo-data", "run", "VIVIER_LANDING_DIR", "VIVIER_PSEUDONYM_KEY", "dagster dev"):
        assert word in result.output
