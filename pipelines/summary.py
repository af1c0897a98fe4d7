"""The summary `vivier run` prints at the end: what each extract gave, what went
wrong, and where to look next."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.ingest.contract import LOAD_ORDER
from pipelines.progress import RunOutcome

COLUMNS = ("files", "read", "loaded", "quarantined", "duplicates")


def ingest_totals(warehouse: Path) -> dict[str, dict]:
    """Gives, per extract, the files and rows read, loaded, quarantined and duplicated, and columns dropped."""
    if not warehouse.exists():
        return {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'quality'").fetchall()}  # fmt: skip
        if "ingest_report" not in tables:
            return {}
        rows = con.execute(
            """SELECT extract, count(source_file), sum(rows_read), sum(rows_loaded), sum(rows_quarantined),
                      sum(exact_duplicates), string_agg(NULLIF(dropped_columns, ''), ', ')
               FROM quality.ingest_report GROUP BY extract"""
        ).fetchall()
        staged = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'staging'").fetchall()}  # fmt: skip
    totals = {r[0]: dict(zip((*COLUMNS, "dropped"), r[1:], strict=True)) for r in rows}
    # An extract with no file has a staging table but no line in the report.
    empty = dict.fromkeys(COLUMNS, 0) | {"dropped": None}
    return {name: totals.get(name, empty) for name in LOAD_ORDER if name in totals or name in staged}


def reporting_period(warehouse: Path) -> dict | None:
    if not warehouse.exists():
        return None
    with duckdb.connect(str(warehouse), read_only=True) as con:
        # A missing table must not resolve to a Python variable of the same name.
        con.execute("SET python_enable_replacements = false")
        try:
            row = con.execute("SELECT as_of_date, first_month, as_of_source FROM staging.reporting_period").fetchone()
        except duckdb.CatalogException:
            return None
    return dict(zip(("as_of_date", "first_month", "as_of_source"), row, strict=True)) if row else None


def run_summary(warehouse: Path, outcome: RunOutcome, warnings: list[str]) -> str:
    """Gives the end-of-run summary as text."""
    totals = ingest_totals(warehouse)
    lines = [f"{'extract':<18}" + "".join(f"{c:>12}" for c in COLUMNS) + "  columns dropped"]
    for name in LOAD_ORDER:
        t = totals.get(name)
        if t is None:
            lines.append(f"{name:<18}{'not loaded':>12}")
            continue
        dropped = ", ".join(dict.fromkeys((t["dropped"] or "").split(", "))) or "-"
        lines.append(f"{name:<18}" + "".join(f"{t[c] or 0:>12,}" for c in COLUMNS) + f"  {dropped}")
        if t["files"] == 0:
            warnings = [*warnings, f"{name}: no file in the landing folder; loaded as an empty table."]

    warnings = [*warnings, *outcome.warnings]
    if warnings:
        lines += ["", "Warnings:"] + [f"  - {w}" for w in warnings]
    if outcome.failures:
        lines += ["", "Failed:"] + [f"  - {asset}: {message}" for asset, message in outcome.failures.items()]
    if outcome.skipped:
        lines += ["", f"Not run because an upstream asset failed: {', '.join(outcome.skipped)}"]

    period = reporting_period(warehouse)
    lines.append("")
    if period:
        lines.append(f"As-of date {period['as_of_date']} ({period['as_of_source']}); "
                     f"months reported from {period['first_month']}.")  # fmt: skip
    if any(t["quarantined"] for t in totals.values()):
        lines.append("Quarantined rows, with file, row and rule: SELECT * FROM quality.quarantine")
    lines.append(f"Warehouse: {warehouse}")
    lines.append("Browse assets and runs: `make serve` (or `dagster dev`), then http://127.0.0.1:3000")
    lines.append("Run succeeded." if outcome.success else "Run FAILED: see the messages above.")
    return "\n".join(lines)
