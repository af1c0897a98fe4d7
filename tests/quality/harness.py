"""Loading a landing folder the way the ingest assets do (read, raw, validate, count),
without Dagster, and checking the staging tables with their suites: fast enough to
try every bad input of the catalogue on its own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
from dagster._serdes import serialize_value

from pipelines.ingest.assets import ingest_assets, source_files
from pipelines.ingest.contract import EXTRACTS, LOAD_ORDER
from pipelines.ingest.dsn_staff import (
    DsnRead,
    block_report,
    dsn_file_reports,
    empty_read,
    read_dsn_landing,
    staff_to_check,
)
from pipelines.ingest.files import ExtractFileError, is_dsn_file, read_text_tables
from pipelines.ingest.headers import extract_tables, load_aliases
from pipelines.ingest.raw import RAW_REPORT_SCHEMA, empty_raw, to_raw
from pipelines.ingest.validate import Validated, count_by_file, validate
from pipelines.quality.checks import check_suite, split
from pipelines.quality.gx import Outcome
from pipelines.quality.suites import load_suites
from pipelines.settings import load_settings
from pipelines.warehouse import Warehouse

KEY = "catalogue-test-key"


@dataclass
class Loaded:
    """What ingest made of one extract: a file error, or its rows split three ways and its report."""

    error: str | None = None
    checked: Validated | None = None
    report: pl.DataFrame | None = None  # per file: rows_read, rows_loaded, rows_quarantined, exact_duplicates...
    dsn: DsnRead | None = None  # staff: what its DSN files gave (contract section 2b)

    def rules(self) -> list[str]:
        return self.checked.quarantined["rule"].to_list()


def ingest(landing: Path) -> dict[str, Loaded]:
    """Gives each extract of a landing folder as the raw and staging assets would load it."""
    out: dict[str, Loaded] = {}
    for name in LOAD_ORDER:
        extract = EXTRACTS[name]
        try:
            files = source_files(extract, landing)
            dsn_files = [p for p in files if is_dsn_file(p)]
            texts = [p for p in files if p not in dsn_files]
            tables = [t for p in texts for t in extract_tables(read_text_tables(p), extract, load_aliases())]
            read = [to_raw(t, extract, load_aliases(), KEY) for t in tables]
            dsn = read_dsn_landing(dsn_files, KEY) if dsn_files else empty_read()
        except ExtractFileError as error:
            out[name] = Loaded(error=str(error))
            continue
        raw = pl.concat([empty_raw(extract)] + [frame for frame, _ in read], how="vertical")
        references = {}
        for column in extract.columns:
            if column.references:
                other, target = column.references.split(".")
                found = out[other].checked
                references[column.references] = found.loaded[target] if found else pl.Series([], dtype=pl.String)
        files = pl.concat(
            [pl.DataFrame([report for _, report in read], schema=RAW_REPORT_SCHEMA), dsn_file_reports(dsn)]
        )
        checked = validate(extract, raw, references)
        if not dsn.rows.is_empty():
            # As the staff's staging step does (`validate_with_dsn`): DSN contracts mapped to an
            # establishment and a job family are validated with the staff files' rows, the others quarantined.
            establishments, pcs = (out[n].checked.loaded for n in ("establishments", "pcs_job_families"))
            fine, refused = staff_to_check(dsn.rows, establishments, pcs, extract)
            checked = validate(extract, pl.concat([raw, fine], how="vertical_relaxed"), references)
            checked = Validated(checked.loaded, pl.concat([checked.quarantined, refused]), checked.duplicates)
        report = count_by_file(files, checked)
        if dsn_files:
            # Counted in contract blocks whenever there are DSN files, even when none gave a staff row
            # (a month cancelled whole, interns only): their blocks are replaced or not_employment.
            report = block_report(report, dsn.rows, dsn.blocks, checked)
        out[name] = Loaded(checked=checked, report=report, dsn=dsn if dsn_files else None)
    return out


def nothing_lost(loaded: Loaded) -> bool:
    """Tells whether every row read from every file is loaded, quarantined or an exact duplicate (and,
    for a DSN file, whose unit is the contract block: or not an employment contract, or in a declaration
    replaced or cancelled)."""
    report = loaded.report
    accounted = (
        report["rows_loaded"]
        + report["rows_quarantined"]
        + report["exact_duplicates"]
        + report["not_employment"]
        + report["replaced"]
    )
    return bool((report["rows_read"] == accounted).all())


def load_warehouse(loaded: dict[str, Loaded], path: Path) -> Warehouse:
    """Gives a warehouse holding the staging tables of what was loaded (extracts that failed left out)."""
    warehouse = Warehouse(path=str(path))
    warehouse.replace_many(
        {f"staging.{n}": load.checked.loaded for n, load in loaded.items() if load.checked is not None}
    )
    return warehouse


def check_staging(warehouse: Warehouse, extract: str, run_id: str = "test-run") -> list[Outcome]:
    """Gives the outcomes of the staging suite of one extract (all its steps) on the warehouse."""
    suite = next(s for s in load_suites() if s.table == f"staging.{extract}")
    return [o for part in split(suite) if part is not None for o in check_suite(part, warehouse, run_id)]


def failed(outcomes: list[Outcome]) -> dict[str, str]:
    """Gives the failed expectations: name -> severity."""
    return {o.expectation.name: o.expectation.severity for o in outcomes if not o.success}


def run_ingest(landing: Path, warehouse: Path) -> tuple[dict[str, str], str]:
    """Runs Dagster's ingest assets (raw, staging, the reporting period) on a landing folder; gives
    every table written, as the text of all its values ("schema.table" -> text), and every event
    Dagster stored for the run, serialised as Dagster stores it."""
    resources = {
        "warehouse": Warehouse(path=str(warehouse)),
        "settings": load_settings(
            {"VIVIER_LANDING_DIR": str(landing), "VIVIER_PSEUDONYM_KEY": KEY, "VIVIER_HISTORY_MONTHS": "24"}
        ),
    }
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(ingest_assets, resources=resources, raise_on_error=False, instance=instance)
        event_log = "\n".join(serialize_value(entry) for entry in instance.all_logs(result.run_id))
    tables = {}
    if warehouse.exists():
        with duckdb.connect(str(warehouse), read_only=True) as con:
            names = con.execute("SELECT table_schema || '.' || table_name FROM information_schema.tables").fetchall()
            for (name,) in names:
                rows = con.execute(f"SELECT * FROM {name}").fetchall()
                tables[name] = "\n".join(" | ".join(map(str, row)) for row in rows)
    return tables, event_log
