"""Loading a landing folder the way the ingest assets do (read, raw, validate, count),
without Dagster, and checking the staging tables with their suites: fast enough to
try every bad input of the catalogue on its own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.ingest.assets import source_files
from pipelines.ingest.contract import EXTRACTS, LOAD_ORDER
from pipelines.ingest.files import ExtractFileError, read_text_table
from pipelines.ingest.headers import load_aliases
from pipelines.ingest.raw import RAW_REPORT_SCHEMA, empty_raw, to_raw
from pipelines.ingest.validate import Validated, count_by_file, validate
from pipelines.quality.checks import check_suite, split
from pipelines.quality.gx import Outcome
from pipelines.quality.suites import load_suites
from pipelines.warehouse import Warehouse

KEY = "catalogue-test-key"


@dataclass
class Loaded:
    """What ingest made of one extract: a file error, or its rows split three ways and its report."""

    error: str | None = None
    checked: Validated | None = None
    report: pl.DataFrame | None = None  # per file: rows_read, rows_loaded, rows_quarantined, exact_duplicates...

    def rules(self) -> list[str]:
        return self.checked.quarantined["rule"].to_list()


def ingest(landing: Path) -> dict[str, Loaded]:
    """Gives each extract of a landing folder as the raw and staging assets would load it."""
    out: dict[str, Loaded] = {}
    for name in LOAD_ORDER:
        extract = EXTRACTS[name]
        try:
            read = [to_raw(read_text_table(p), extract, load_aliases(), KEY) for p in source_files(extract, landing)]
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
        checked = validate(extract, raw, references)
        files = pl.DataFrame([report for _, report in read], schema=RAW_REPORT_SCHEMA)
        out[name] = Loaded(checked=checked, report=count_by_file(files, checked))
    return out


def nothing_lost(loaded: Loaded) -> bool:
    """Tells whether every row read from every file is loaded, quarantined or an exact duplicate."""
    report = loaded.report
    return bool(
        (report["rows_read"] == report["rows_loaded"] + report["rows_quarantined"] + report["exact_duplicates"]).all()
    )


def load_warehouse(loaded: dict[str, Loaded], path: Path) -> Warehouse:
    """Gives a warehouse holding the staging tables of what was loaded (extracts that failed left out)."""
    warehouse = Warehouse(path=str(path))
    warehouse.replace_many({f"staging.{n}": l.checked.loaded for n, l in loaded.items() if l.checked is not None})
    return warehouse


def check_staging(warehouse: Warehouse, extract: str, run_id: str = "test-run") -> list[Outcome]:
    """Gives the outcomes of the staging suite of one extract (all its steps) on the warehouse."""
    suite = next(s for s in load_suites() if s.table == f"staging.{extract}")
    return [o for part in split(suite) if part is not None for o in check_suite(part, warehouse, run_id)]


def failed(outcomes: list[Outcome]) -> dict[str, str]:
    """Gives the failed expectations: name -> severity."""
    return {o.expectation.name: o.expectation.severity for o in outcomes if not o.success}
