"""Compares two Vivier warehouses table for table: the check that a refactoring (issue 15) left
everything the pipeline computes as it was.

    python benchmarks/compare_warehouses.py BEFORE.duckdb AFTER.duckdb

Opens both files read-only in one DuckDB connection and, for every table of every schema on
either side, reports: present on one side only; columns only on one side, of another type or in
another order; row counts; rows that differ. Rows are compared as multisets (order does not
matter, a duplicated row counts): EXCEPT ALL both ways, on the columns both sides have.

Floats (FLOAT, DOUBLE, and a column of two different number types) are compared with a
tolerance, not rounded: equal when |x - y| <= max(1e-12, 1e-9 * max(|x|, |y|)); NaN equals NaN
and NULL equals NULL everywhere. Columns that differ between two runs of the same code on the same
data (run ids, times, a path) are left out of the row comparison, and the output names them.

Exit status 0 when every table is the same, 1 otherwise, 2 when a file cannot be opened. One line
per table, "same" or what differs, with up to 5 examples shown by their key columns only
(source_file and source_row, or the ids, months and categories of a mart), never a whole row.

Two warehouses from one département demo, e.g. the code of a commit (git worktree add) and the
working tree:

    vivier demo-data --scale departement --out /tmp/cmp/landing
    cd /tmp/before && VIVIER_LANDING_DIR=/tmp/cmp/landing VIVIER_WAREHOUSE=/tmp/cmp/before.duckdb \\
        DAGSTER_HOME=/tmp/cmp/dagster_before PYTHONPATH=/tmp/before python -m pipelines.cli run
    (the same from the working tree with after.duckdb and its own DAGSTER_HOME)
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

# Floats are equal when |x - y| <= max(ABS_TOL, REL_TOL * max(|x|, |y|)): sums and means computed
# in another order differ in the last bits (two identical runs: up to 4e-15 relative).
REL_TOL, ABS_TOL = 1e-9, 1e-12

# Tables whose floats differ beyond REL_TOL between two runs of the same code on the same data:
# (relative, absolute) tolerance.
LOOSE_TOLERANCE: dict[str, tuple[float, float]] = {
    # pyfixest's fits (fepois, feols, did2s) iterate to a convergence tolerance, and their result
    # depends on the process (threads): on the département demo, one of four runs of one commit
    # differed from the others by up to 3.5e-6 relative (relative_ci_high 31.4 +- 1.1e-4, a p-value
    # 6e-7) and, for estimates near zero, 5e-9 absolute.
    "marts.segur_effect": (1e-5, 1e-7),
    "marts.segur_event_study": (1e-5, 1e-7),
}

# Columns left out of the row comparison (schema.table.column): every column that differs between
# two runs of the same code on the same demo landing (found so, not guessed). None leaves out the
# whole column; a pattern only the text it matches (replaced by "<volatile>" on both sides).
IGNORED: dict[str, str | None] = {
    # Dagster's run id of the run that checked: new for every run.
    "quality.validation_results.run_id": None,
    # When the check ran: the run's time.
    "quality.validation_results.checked_at": None,
    # When the model was trained: the run's time.
    "ml.model_registry.trained_at": None,
    # Absolute path of the saved model, <warehouse folder>/models/...: differs with the warehouse's folder.
    "ml.model_registry.path": None,
    # The card says when the model was trained ("`<version>` on 2026-12-07 14:04 UTC"): the run's time.
    # The rest of the card is compared.
    "ml.model_card.markdown": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC",
}

# Column names that identify a row when a table has no source_file and source_row: ids, months,
# categories. Only these are printed in examples (a pseudonymised id at most, never a whole row).
KEY_NAMES = frozenset(
    {
        "month", "quarter", "year", "scope", "job_family", "channel", "outcome", "estimator", "rel_month",
        "segur_group", "exit_reason", "age_band", "cohort_month", "cohort_quarter", "effective_date", "model",
        "model_name", "version", "split", "attribute", "group", "suite", "expectation", "extract", "first_month",
    }
)  # fmt: skip
MAX_EXAMPLES = 5
NUMBERS = {
    "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
    "UHUGEINT", "FLOAT", "DOUBLE",
}  # fmt: skip
FLOATS = {"FLOAT", "DOUBLE"}
SIDES = ("before", "after")


@dataclass(frozen=True)
class TableComparison:
    """What differs in one table between the two warehouses (nothing, if `same`)."""

    table: str  # schema.name
    presence: str = "both"  # "both", "before only" or "after only"
    rows_before: int | None = None
    rows_after: int | None = None
    columns_only_before: tuple[str, ...] = ()
    columns_only_after: tuple[str, ...] = ()
    type_changes: tuple[tuple[str, str, str], ...] = ()  # (column, type before, type after)
    column_order_differs: bool = False
    rows_only_before: int = 0  # rows of before not in after, as multisets
    rows_only_after: int = 0
    key_columns: tuple[str, ...] = ()  # what examples show, and what rows are paired by
    changed_columns: tuple[str, ...] = ()  # columns that differ in rows of one key on both sides
    examples: tuple[str, ...] = ()
    ignored_columns: tuple[str, ...] = ()  # left out, or compared with their volatile text masked (IGNORED)

    @property
    def same(self) -> bool:
        return (
            self.presence == "both"
            and not (self.columns_only_before or self.columns_only_after or self.type_changes)
            and not self.column_order_differs
            and self.rows_only_before == 0
            and self.rows_only_after == 0
            and self.rows_before == self.rows_after
        )

    def summary(self) -> str:
        """One line, "same (N rows)" or what differs, then the examples one a line."""
        if self.presence != "both":
            return (
                f"{self.presence} ({counted(self.rows_before if self.presence == 'before only' else self.rows_after)})"
            )
        if self.same:
            return f"same ({counted(self.rows_before)})"
        parts = []
        if self.columns_only_before:
            parts.append(f"columns only before: {', '.join(self.columns_only_before)}")
        if self.columns_only_after:
            parts.append(f"columns only after: {', '.join(self.columns_only_after)}")
        if self.type_changes:
            parts.append("types: " + ", ".join(f"{c} {b} -> {a}" for c, b, a in self.type_changes))
        if self.column_order_differs:
            parts.append("column order differs")
        if self.rows_before != self.rows_after:
            parts.append(f"rows {self.rows_before} -> {self.rows_after}")
        if self.rows_only_before or self.rows_only_after:
            rows = f"{counted(self.rows_only_before)} only before, {self.rows_only_after} only after"
            if self.changed_columns:
                rows += f" (changed: {', '.join(self.changed_columns)})"
            parts.append(rows)
        line = "; ".join(parts)
        if self.examples:
            line += "\n      e.g. " + "\n           ".join(self.examples)
        return line


def counted(rows: int | None) -> str:
    return f"{rows} row" if rows == 1 else f"{rows} rows"


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def close(x: str, y: str, rel: float, abs_: float) -> str:
    """SQL: floats x and y equal within the tolerance (NaN = NaN and NULL = NULL too)."""
    within = f"abs({x} - {y}) <= greatest({abs_!r}, {rel!r} * greatest(abs({x}), abs({y})))"
    return f"({x} IS NOT DISTINCT FROM {y} OR coalesce({within}, false))"


def key_columns(columns: list[str]) -> list[str]:
    """The columns that identify a row, for examples and pairing: source_file and source_row when
    the table has them, otherwise ids (`*_id`) and KEY_NAMES; the first column if none. Callers
    pass no float column: rows are paired by exact key values."""
    if "source_file" in columns and "source_row" in columns:
        return ["source_file", "source_row"]
    keys = [c for c in columns if c.endswith("_id") or c in KEY_NAMES]
    return keys or columns[:1]


def shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def described(keys: list[str], values: tuple) -> str:
    return ", ".join(f"{k}={shown(v)}" for k, v in zip(keys, values, strict=True))


class Comparer:
    def __init__(
        self, con: duckdb.DuckDBPyConnection, ignored: dict[str, str | None], loose: dict[str, tuple[float, float]]
    ):
        self.con, self.ignored, self.loose = con, ignored, loose

    def tables(self, side: str) -> set[str]:
        return {
            f"{s}.{t}"
            for s, t in self.con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ?", [side]
            ).fetchall()
        }

    def columns(self, side: str, table: str) -> list[tuple[str, str]]:
        schema, name = table.split(".", 1)
        return self.con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? "
            "AND table_name = ? ORDER BY column_index",
            [side, schema, name],
        ).fetchall()

    def source(self, side: str, table: str) -> str:
        schema, name = table.split(".", 1)
        return f"{side}.{quoted(schema)}.{quoted(name)}"

    def count(self, side: str, table: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM {self.source(side, table)}").fetchone()[0]

    def compare(self, table: str) -> TableComparison:
        before, after = (dict(self.columns(side, table)) for side in SIDES)
        order = [c for c in before if c in after]
        ignored = tuple(sorted(c for c in set(before) | set(after) if f"{table}.{c}" in self.ignored))
        masks = {c: self.ignored[f"{table}.{c}"] for c in ignored if self.ignored[f"{table}.{c}"] is not None}
        compared = [c for c in order if c not in ignored or c in masks]
        # Two different number types are compared as DOUBLE, any other two different types as text.
        as_type = {
            c: ("DOUBLE" if before[c] in NUMBERS and after[c] in NUMBERS else "VARCHAR")
            for c in compared
            if before[c] != after[c]
        }
        floats = [c for c in compared if as_type.get(c) == "DOUBLE" or (c not in as_type and before[c] in FLOATS)]
        keys = key_columns([c for c in compared if not {before[c], after[c]} & FLOATS])

        def select(column: str) -> str:
            value = f"CAST({quoted(column)} AS {as_type[column]})" if column in as_type else quoted(column)
            if column in masks:
                value = f"regexp_replace(CAST({value} AS VARCHAR), {literal(masks[column])}, '<volatile>', 'g')"
            return f"{value} AS {quoted(column)}"

        selects = {side: ", ".join(select(c) for c in compared) for side in SIDES}
        counts = {side: self.count(side, table) for side in SIDES}
        result = dict(
            table=table,
            rows_before=counts["before"],
            rows_after=counts["after"],
            columns_only_before=tuple(c for c in before if c not in after),
            columns_only_after=tuple(c for c in after if c not in before),
            type_changes=tuple((c, before[c], after[c]) for c in order if before[c] != after[c]),
            column_order_differs=order != [c for c in after if c in before],
            key_columns=tuple(keys),
            ignored_columns=ignored,
        )
        if not compared:
            return TableComparison(**result)
        for side, other in (("before", "after"), ("after", "before")):
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE only_{side} AS SELECT row_number() OVER () AS __row, * FROM "
                f"(SELECT {selects[side]} FROM {self.source(side, table)} "
                f"EXCEPT ALL SELECT {selects[other]} FROM {self.source(other, table)})"
            )
        rel, abs_ = self.loose.get(table, (REL_TOL, ABS_TOL))
        if floats:
            self.drop_close_pairs(compared, floats, rel, abs_)
        only = {side: self.con.execute(f"SELECT count(*) FROM only_{side}").fetchone()[0] for side in SIDES}
        changed, examples = (), ()
        if only["before"] or only["after"]:
            changed, examples = self.examples(compared, keys, floats, rel, abs_)
        return TableComparison(
            **result, rows_only_before=only["before"], rows_only_after=only["after"],
            changed_columns=changed, examples=examples,
        )  # fmt: skip

    def drop_close_pairs(self, compared: list[str], floats: list[str], rel: float, abs_: float) -> None:
        """Removes from only_before and only_after the pairs of rows equal but for floats within the
        tolerance: rows are paired in order of their floats among rows with the same other values."""
        exact = [c for c in compared if c not in floats]
        partition = f"PARTITION BY {', '.join(quoted(c) for c in exact)}" if exact else ""
        numbered = "SELECT *, row_number() OVER ({} ORDER BY {}) AS __n FROM only_{}"
        by = ", ".join(quoted(c) for c in floats)
        on = " AND ".join(["b.__n = a.__n"] + [f"b.{quoted(c)} IS NOT DISTINCT FROM a.{quoted(c)}" for c in exact])
        within = " AND ".join(close(f"b.{quoted(c)}", f"a.{quoted(c)}", rel, abs_) for c in floats)
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE close_pairs AS SELECT b.__row AS b_row, a.__row AS a_row "
            f"FROM ({numbered.format(partition, by, 'before')}) b JOIN ({numbered.format(partition, by, 'after')}) a "
            f"ON {on} WHERE {within}"
        )
        self.con.execute("DELETE FROM only_before WHERE __row IN (SELECT b_row FROM close_pairs)")
        self.con.execute("DELETE FROM only_after WHERE __row IN (SELECT a_row FROM close_pairs)")

    def examples(
        self, compared: list[str], keys: list[str], floats: list[str], rel: float, abs_: float
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Gives the columns that differ between rows of one key on both sides, and up to
        MAX_EXAMPLES differing rows shown by their key columns."""
        if not keys:
            return (), ()
        order = ", ".join(quoted(k) for k in keys)
        key_list = ", ".join(f"b.{quoted(k)}" for k in keys)
        same_key = " AND ".join(f"b.{quoted(k)} IS NOT DISTINCT FROM a.{quoted(k)}" for k in keys)
        values = [c for c in compared if c not in keys]
        changed_columns: tuple[str, ...] = ()
        examples: list[str] = []
        if values:
            differs = {
                c: f"NOT {close(f'b.{quoted(c)}', f'a.{quoted(c)}', rel, abs_)}"
                if c in floats
                else f"b.{quoted(c)} IS DISTINCT FROM a.{quoted(c)}"
                for c in values
            }
            pairs = f"FROM only_before b JOIN only_after a ON {same_key} WHERE {' OR '.join(differs.values())}"
            flags = self.con.execute(
                f"SELECT {', '.join(f'coalesce(bool_or({d}), false)' for d in differs.values())} {pairs}"
            ).fetchone()
            changed_columns = tuple(c for c, flag in zip(values, flags, strict=True) if flag)
            for row in self.con.execute(
                f"SELECT {key_list}, {', '.join(differs.values())} {pairs} ORDER BY {key_list} LIMIT {MAX_EXAMPLES}"
            ).fetchall():
                what = [c for c, flag in zip(values, row[len(keys) :], strict=True) if flag]
                examples.append(f"changed {described(keys, row[: len(keys)])} ({', '.join(what)})")
        for side, other in (("before", "after"), ("after", "before")):
            if len(examples) >= MAX_EXAMPLES:
                break
            for row in self.con.execute(
                f"SELECT {', '.join(quoted(k) for k in keys)} FROM only_{side} b "
                f"WHERE NOT EXISTS (SELECT 1 FROM only_{other} a WHERE {same_key}) "
                f"ORDER BY {order} LIMIT {MAX_EXAMPLES - len(examples)}"
            ).fetchall():
                examples.append(f"{side} only {described(keys, row)}")
        return changed_columns, tuple(examples)


def compare(
    before: Path,
    after: Path,
    ignored: dict[str, str | None] = IGNORED,
    loose: dict[str, tuple[float, float]] | None = None,
) -> list[TableComparison]:
    """Compares every table of two warehouses (opened read-only), in order of schema and name."""
    with duckdb.connect() as con:
        for side, path in (("before", before), ("after", after)):
            if not Path(path).is_file():
                raise FileNotFoundError(f"{side}: no such file: {path}")
            con.execute(f"ATTACH {literal(str(path))} AS {side} (READ_ONLY)")
        comparer = Comparer(con, ignored, LOOSE_TOLERANCE if loose is None else loose)
        tables = {side: comparer.tables(side) for side in SIDES}
        results = []
        for table in sorted(tables["before"] | tables["after"]):
            if table not in tables["after"]:
                results.append(TableComparison(table, "before only", rows_before=comparer.count("before", table)))
            elif table not in tables["before"]:
                results.append(TableComparison(table, "after only", rows_after=comparer.count("after", table)))
            else:
                results.append(comparer.compare(table))
        return results


def report(results: list[TableComparison], ignored: dict[str, str | None] = IGNORED) -> str:
    """The per-table lines, then what was ignored, the tolerances and the count of tables that differ."""
    width = max((len(r.table) for r in results), default=0)
    lines = [f"{r.table:<{width}}  {r.summary()}" for r in results]
    found = sorted(f"{r.table}.{c}" for r in results for c in r.ignored_columns)
    ignored = [name if ignored.get(name) is None else f"{name} (only text matching {ignored[name]})" for name in found]
    lines.append(f"ignored (differ between two runs of the same code): {', '.join(ignored) or 'none found'}")
    loose = [t for t in LOOSE_TOLERANCE if any(r.table == t for r in results)]
    lines.append(f"floats within {REL_TOL:g} relative ({ABS_TOL:g} absolute)" + (
        "; " + ", ".join(f"{t} within {LOOSE_TOLERANCE[t][0]:g} ({LOOSE_TOLERANCE[t][1]:g})" for t in loose)
        if loose else ""))  # fmt: skip
    differ = [r.table for r in results if not r.same]
    lines.append(f"{len(results)} tables: {len(results) - len(differ)} same, {len(differ)} differ")
    return "\n".join(lines)


def settings() -> str:
    """The ignored columns and the looser tolerances, for --help."""
    ignored = [
        f"  {name}" + ("" if mask is None else f" (only text matching {mask})") for name, mask in IGNORED.items()
    ]
    loose = [f"  {t}: {rel:g} relative, {abs_:g} absolute" for t, (rel, abs_) in LOOSE_TOLERANCE.items()]
    return "\n".join(["ignored columns (IGNORED, reasons in the script):", *ignored,
                      "looser float tolerances (LOOSE_TOLERANCE, iterative fits):", *loose])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, epilog=settings(), formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("before", type=Path, help="the warehouse before the change (a .duckdb file)")
    parser.add_argument("after", type=Path, help="the warehouse after the change")
    args = parser.parse_args(argv)
    try:
        results = compare(args.before, args.after)
    except (FileNotFoundError, duckdb.Error) as error:
        print(f"compare_warehouses: {error}", file=sys.stderr)
        return 2
    print(report(results))
    return 0 if all(r.same for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
