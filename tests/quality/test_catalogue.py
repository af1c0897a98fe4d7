"""Every kind of bad input of the catalogue, on its own: the outcome it must have, and
nothing lost (rows read = loaded + quarantined + exact duplicates, for every file)."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from tests.quality.catalogue import CATALOGUE, Case
from tests.quality.harness import check_staging, failed, ingest, load_warehouse, nothing_lost, run_ingest
from tests.quality.landing import write_landing

DOC = Path(__file__).resolve().parents[2] / "docs" / "bad-inputs.md"


def test_the_catalogue_holds_at_least_25_kinds_each_in_the_doc():
    assert len(CATALOGUE) >= 25
    # The doc says how many there are.
    assert f"\n{len(CATALOGUE)} kinds:" in DOC.read_text(encoding="utf-8")
    assert len({c.id for c in CATALOGUE}) == len(CATALOGUE)
    doc = DOC.read_text(encoding="utf-8")
    assert [c.id for c in CATALOGUE if f"`{c.id}`" not in doc] == []


def test_the_tiny_landing_folder_loads_cleanly(tmp_path):
    loaded = ingest(write_landing(tmp_path / "landing"))
    assert {n: load.error for n, load in loaded.items() if load.error} == {}
    assert {n: load.rules() for n, load in loaded.items() if load.rules()} == {}
    assert all(nothing_lost(load) for load in loaded.values())


@pytest.mark.parametrize("case", CATALOGUE, ids=lambda c: c.id)
def test_bad_input(case: Case, tmp_path):
    loaded = ingest(write_landing(tmp_path / "landing", case.changes))
    mine = loaded[case.extract]

    if case.file_error:
        assert mine.error is not None and case.file_error in mine.error, mine.error
        # Refused whole, not loaded in part; the file is named, so the person knows which to export again
        # (a DSN file's name starts with dsn, not with its extract's).
        named = mine.error.split(":")[0]
        assert named.startswith(case.extract) or any(named.startswith(name) for name in case.changes), named
        others = {n: load for n, load in loaded.items() if n != case.extract and load.error is None}
        assert all(nothing_lost(load) for load in others.values())
        return

    assert {n: load.error for n, load in loaded.items() if load.error} == {}
    assert all(nothing_lost(load) for load in loaded.values()), {n: load.report for n, load in loaded.items()}
    assert sorted(mine.rules()) == sorted(case.rules), mine.checked.quarantined
    assert {n: load.rules() for n, load in loaded.items() if n != case.extract and load.rules()} == {}
    assert mine.checked.duplicates.height == case.duplicates
    if case.rules:
        detail = mine.checked.quarantined["detail"].to_list()
        assert all(d for d in detail)  # every quarantined row says what is wrong with it
    if case.loaded is not None:
        assert case.loaded(mine.checked.loaded), mine.checked.loaded
    if case.outcome is not None:
        assert case.outcome(mine), (mine.report, mine.checked.quarantined)
    if case.check is None:
        return

    warehouse_path = tmp_path / "w.duckdb"
    if case.before is not None:
        before = ingest(write_landing(tmp_path / "before", case.before))
        check_staging(load_warehouse(before, warehouse_path), case.extract, run_id="run-before")
    outcomes = check_staging(load_warehouse(loaded, warehouse_path), case.extract)
    name, severity = case.check
    found = failed(outcomes)
    assert found.get(name) == severity, found
    assert [n for n, s in found.items() if s == "blocking" and n != name] == []


def test_a_clean_extract_meets_every_expectation_but_month_coverage(tmp_path):
    loaded = ingest(write_landing(tmp_path / "landing"))
    warehouse = load_warehouse(loaded, tmp_path / "w.duckdb")
    # Every extract of the tiny folder is checked: a loop over none would pass.
    assert sorted(loaded) == [
        "applications",
        "budgeted_posts",
        "carer_enquiries",
        "carer_events",
        "establishments",
        "foster_carers",
        "job_families",
        "job_postings",
        "pcs_job_families",
        "placements",
        "segur_measures",
        "staff",
        "territories",
    ]
    for extract in loaded:
        found = failed(check_staging(warehouse, extract))
        # A handful of rows cannot fill 12 months: the tiny folder only breaks that one.
        assert [n for n in found if not n.startswith("last_12_months")] == [], (extract, found)


def test_quarantined_rows_keep_no_personal_value(tmp_path):
    case = next(c for c in CATALOGUE if c.id == "end_before_start")
    loaded = ingest(write_landing(tmp_path / "landing", case.changes))
    record = loaded["staff"].checked.quarantined["record"][0]
    fields = pl.Series([record]).str.json_decode()
    # the matricule is pseudonymised, quarantine included (16 hex digits, not "A10x")
    assert re.fullmatch(r"[0-9a-f]{16}", fields.struct.field("employee_id")[0])
    assert "A10" not in record
    assert fields.struct.field("end_date")[0] == "2019-03-31"


# The identifiers of people, contracts, postings, applications, placements and enquiries that the
# tiny landing folder and the cases use (A100, C5, P2, AP3, F1, K2, PL3, Q1, M0000001-1...):
# pseudonymised at ingest, so never in the warehouse nor in Dagster's log. Establishment (E1)
# and territory (T1) ids stay as they are (contract section 2).
RAW_ID = re.compile(r"(?<![A-Za-z0-9])(?:(?:A|C|P|AP|F|K|PL|Q)\d{1,3}|M\d{4,}(?:-\d+)?)(?![A-Za-z0-9])")


@pytest.mark.parametrize("case", CATALOGUE, ids=lambda c: c.id)
def test_nothing_personal_is_stored_or_logged(case: Case, tmp_path):
    """The case through Dagster's ingest assets: every column of every table written, and every
    event Dagster stores for the run (messages, metadata, errors), hold no raw identifier and
    none of the case's personal strings."""
    landing = write_landing(tmp_path / "landing", case.changes)
    tables, event_log = run_ingest(landing, tmp_path / "w.duckdb")

    def found(text: str) -> list[str]:
        return sorted(set(RAW_ID.findall(text)) | {p for p in case.personal if p in text})

    in_tables = {name: found(text) for name, text in tables.items() if found(text)}
    assert in_tables == {}
    assert found(event_log) == []
