"""The summary `vivier run` prints at the end: what each extract gave, what went
wrong, and where to look next."""

from __future__ import annotations

import textwrap
from pathlib import Path

import duckdb

from pipelines.ingest.contract import LOAD_ORDER
from pipelines.progress import RunOutcome
from pipelines.text import printable

COLUMNS = ("files", "read", "loaded", "quarantined", "duplicates")
# The as-of rule in the words of contract section 1, `vivier --help` and the README (held by tests/operations/
# test_as_of_rule.py).
AS_OF_RULE = (
    "the last day of the latest month whose last day is on or before the latest event date in the extracts "
    "(contract and placement start dates, application, posting, enquiry and carer-event dates)"
)


def ingest_totals(warehouse: Path) -> dict[str, dict]:
    """Gives, per extract, the files and rows read, loaded, quarantined and duplicated, and columns dropped."""
    if not warehouse.exists():
        return {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'quality'"
            ).fetchall()
        }
        if "ingest_report" not in tables:
            return {}
        rows = con.execute(
            """SELECT extract, count(source_file), sum(rows_read), sum(rows_loaded), sum(rows_quarantined),
                      sum(exact_duplicates), string_agg(NULLIF(dropped_columns, ''), ', '),
                      sum(not_employment), sum(replaced)
               FROM quality.ingest_report GROUP BY extract"""
        ).fetchall()
        staged = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'staging'"
            ).fetchall()
        }
    totals = {r[0]: dict(zip((*COLUMNS, "dropped", "not_employment", "replaced"), r[1:], strict=True)) for r in rows}
    # An extract with no file has a staging table but no line in the report.
    empty = dict.fromkeys(COLUMNS, 0) | {"dropped": None}
    return {name: totals.get(name, empty) for name in LOAD_ORDER if name in totals or name in staged}


def reporting_period(warehouse: Path) -> dict | None:
    """Gives the reporting period the warehouse holds: as-of date, first month, where the as-of date
    comes from, and the event extracts whose dates were those of their last load."""
    if not warehouse.exists():
        return None
    with duckdb.connect(str(warehouse), read_only=True) as con:
        # A missing table must not resolve to a Python variable of the same name.
        con.execute("SET python_enable_replacements = false")
        try:
            cursor = con.execute("SELECT * FROM staging.reporting_period")
        except duckdb.CatalogException:
            return None
        names = [c[0] for c in cursor.description]
        row = cursor.fetchone()
    return dict(zip(names, row, strict=True)) if row else None


def extract_status(name: str, outcome: RunOutcome) -> str | None:
    """Gives why an extract was not loaded in this run ("FAILED", "not run"), or None when it was:
    its tables are then those of its last load, not this run's counts."""
    if f"raw/{name}" in outcome.failures or f"staging/{name}" in outcome.failures:
        return "FAILED"
    if f"raw/{name}" in outcome.skipped or f"staging/{name}" in outcome.skipped:
        return "not run"
    return None


def run_summary(warehouse: Path, outcome: RunOutcome, warnings: list[str]) -> str:
    """Gives the end-of-run summary as text. Every text that comes from a file or a message
    (file names, headers, errors) has its control characters escaped: a file name must not
    clear the terminal or print a line of its own."""
    totals = ingest_totals(warehouse)
    lines = [f"{'extract':<18}" + "".join(f"{c:>12}" for c in COLUMNS) + "  columns dropped"]
    for name in LOAD_ORDER:
        t, status = totals.get(name), extract_status(name, outcome)
        if status:
            # The counts in the warehouse are those of the last load: not shown as this run's.
            kept = "its tables are those of its last load" if t is not None else "never loaded"
            lines.append(f"{name:<18}{status:>12}  ({kept})")
            continue
        if t is None:
            lines.append(f"{name:<18}{'not loaded':>12}")
            continue
        dropped = ", ".join(dict.fromkeys((t["dropped"] or "").split(", "))) or "-"
        lines.append(f"{name:<18}" + "".join(f"{t[c] or 0:>12,}" for c in COLUMNS) + f"  {printable(dropped)}")
        if t.get("not_employment") or t.get("replaced"):
            lines.append(
                f"{'':<18}  DSN: read counts contract blocks; {t['not_employment'] or 0:,} of other natures "
                f"(internships...), {t['replaced'] or 0:,} in declarations replaced or cancelled "
                "(quality.ingest_dsn_files)"
            )
        if t["files"] == 0:
            warnings = [*warnings, f"{name}: no file in the landing folder; loaded as an empty table."]

    warnings = [*warnings, *outcome.warnings]
    if warnings:
        lines += ["", "Warnings:"] + [f"  - {printable(w)}" for w in warnings]
    if outcome.failures:
        lines += ["", "Failed:"] + [f"  - {asset}: {printable(message)}" for asset, message in outcome.failures.items()]
    if outcome.skipped:
        lines += ["", f"Not run because an upstream asset failed: {', '.join(outcome.skipped)}"]

    period = reporting_period(warehouse)
    lines.append("")
    if period and _period_ran(outcome):
        lines += as_of_lines(period)
        # With VIVIER_AS_OF set, the extracts' dates do not make the as-of date.
        not_loaded = [
            n
            for n in (period.get("extracts_not_loaded") or "").split(", ")
            if n and period["as_of_source"] != "VIVIER_AS_OF"
        ]
        if [n for n in not_loaded if n in totals]:
            lines.append(
                f"  {', '.join(n for n in not_loaded if n in totals)}: not loaded in this run; the as-of "
                "date uses the dates of their last load."
            )
        if [n for n in not_loaded if n not in totals]:
            lines.append(
                f"  {', '.join(n for n in not_loaded if n not in totals)}: never loaded; the as-of date is "
                "taken from the other extracts."
            )
    elif period:
        lines.append(
            f"The reporting period was not computed in this run; the warehouse keeps the last one: as-of "
            f"date {period['as_of_date']}, months from {period['first_month']}."
        )
    if any(t["quarantined"] for t in totals.values()):
        lines.append("Quarantined rows, with file, row and rule: SELECT * FROM quality.quarantine")
    lines.append(f"Warehouse: {printable(str(warehouse))}")
    lines.append("Browse assets and runs: `make serve` (or `dagster dev`), then http://127.0.0.1:3000")
    lines.append("Run succeeded." if outcome.success else "Run FAILED: see the messages above.")
    return "\n".join(lines)


def as_of_lines(period: dict) -> list[str]:
    """Gives the summary's lines on the as-of date: the date and the first month reported, then where the date
    comes from (the rule in the same words as `vivier --help` and the README), wrapped and indented."""
    lines = [
        f"As-of date {period['as_of_date']} (the last day reported); months reported from {period['first_month']}."
    ]
    if period["as_of_source"] == "VIVIER_AS_OF":
        return [*lines, "  Set by VIVIER_AS_OF."]
    rule = f"VIVIER_AS_OF is not set, so the as-of date is {AS_OF_RULE}."
    return [
        *lines,
        *textwrap.wrap(rule, width=110, initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False),
        f"  The latest event date is {period['latest_event_date']}.",
    ]


def _period_ran(outcome: RunOutcome) -> bool:
    """Tells whether this run wrote the reporting period (its step is `reporting_period`; a failed
    check of the period, keyed `staging/reporting_period: <check>`, comes after it was written)."""
    return not ({"reporting_period", "staging/reporting_period", "run"} & {*outcome.failures, *outcome.skipped})
