"""Expectation suites as data: what each warehouse table must meet, how bad a failure
is, and what the person who owns the data should do about it.

One file per table in `expectations/` defines its `SUITE`. Nothing here imports
Great Expectations (it takes seconds): an expectation is a GX expectation type and
its arguments, turned into a GX suite only when its check runs (`pipelines.quality.gx`).
An expectation may add columns to the rows it is checked on (`columns`: SQL over
the table `t`), which is how rules that read another table, or a condition, become
plain GX expectations on one batch.

Severity: `blocking` where a failure would make downstream numbers wrong (keys,
required fields, references); `warning` otherwise. Run-time values are GX
parameters (`{"$PARAMETER": name}`), given at each run by `parameters()` in
`pipelines.quality.checks` (`min_row_count`); "today" is DuckDB's `current_date`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.ingest.contract import EXTRACTS
from pipelines.ingest.period import EVENT_DATES
from pipelines.months import PERIOD_TABLE
from pipelines.paths import EXPECTATIONS_DIR

BLOCKING = "blocking"
WARNING = "warning"
PERIOD = PERIOD_TABLE
# The fix of an invariant that only the code computing a mart can break.
MART_BUG = "a bug in the mart: report it, with the run's date."
SUITES_DIR = EXPECTATIONS_DIR
# Where a staging row came from, as a spreadsheet shows it: examples point there, never at a person.
SOURCE_ROW = "t.source_file || ' row ' || t.source_row"
# A half-exported file: fewer rows than this share of the last run's.
ROW_COUNT_TOLERANCE = 0.8
EARLIEST_EVENT = dt.date(1950, 1, 1)
# Dates of things that have happened: none may be after today (a planned end date may).
EVENT_COLUMNS = {extract: (column,) for extract, column in EVENT_DATES.items()} | {
    "job_postings": ("opened_date", "closed_date"),
    "carer_enquiries": ("enquiry_date", "application_date", "decision_date"),
    "foster_carers": ("approval_date", "initial_training_done_date"),
}


def parameter(name: str) -> dict:
    """Gives a GX suite parameter, filled in at run time."""
    return {"$PARAMETER": name}


@dataclass(frozen=True)
class Expectation:
    """One GX expectation, named as a predicate, with what to fix when it fails."""

    name: str
    type: str  # GX expectation type, e.g. expect_column_values_to_be_unique
    kwargs: Mapping[str, Any]
    severity: str
    fix: str
    columns: Mapping[str, str] = field(default_factory=dict)  # column -> SQL over `t`, added to the batch
    reads: tuple[str, ...] = ()  # other tables that SQL reads ("staging.foster_carers")

    @property
    def column_names(self) -> list[str]:
        """Gives the columns of the batch the expectation is about, as GX names them."""
        named = [self.kwargs[k] for k in ("column", "column_A", "column_B") if k in self.kwargs]
        return named + list(self.kwargs.get("column_list", []))


def blocking(name: str, type: str, fix: str, *, columns=None, reads=(), **kwargs) -> Expectation:
    return Expectation(name, type, kwargs, BLOCKING, fix, dict(columns or {}), tuple(reads))


def warning(name: str, type: str, fix: str, *, columns=None, reads=(), **kwargs) -> Expectation:
    return Expectation(name, type, kwargs, WARNING, fix, dict(columns or {}), tuple(reads))


@dataclass(frozen=True)
class Suite:
    """The expectations of one warehouse table, checked on one batch of its rows."""

    table: str  # "staging.staff": also the suite's name and the Dagster asset checked
    expectations: tuple[Expectation, ...]
    # SQL naming a row in examples: its file and row, or its key (never a person).
    row: str = SOURCE_ROW
    # Columns whose values never appear in examples (pseudonyms, birth dates), nor any column named after one.
    private: tuple[str, ...] = ()
    description: str = ""
    source: str = ""  # the file that defines it, set by load_suites

    def __post_init__(self) -> None:
        object.__setattr__(self, "expectations", tuple(self.expectations))
        names = [e.name for e in self.expectations]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ValueError(f"suite {self.table}: expectation names used twice: {', '.join(duplicated)}")
        _ = self.columns  # raises on two definitions of one added column

    @property
    def name(self) -> str:
        return self.table

    @property
    def asset_key(self) -> list[str]:
        return self.table.split(".")

    @property
    def severities(self) -> list[str]:
        return [s for s in (BLOCKING, WARNING) if any(e.severity == s for e in self.expectations)]

    @property
    def reads(self) -> list[str]:
        """Gives the other tables the suite reads: its check waits for them."""
        return sorted({t for e in self.expectations for t in e.reads} - {self.table})

    @property
    def columns(self) -> dict[str, str]:
        columns: dict[str, str] = {}
        for e in self.expectations:
            for name, sql in e.columns.items():
                if columns.setdefault(name, sql) != sql:
                    raise ValueError(f"suite {self.table}: column {name} is added twice, differently")
        return columns

    def batch_sql(self) -> str:
        """Gives the query of the rows the suite checks: the table's columns its expectations name, the
        added columns, and `_row`, the row's id in the table. Only those: every column read costs time in
        DuckDB, pandas and GX; the few failing rows are named apart (`row_names_sql`)."""
        added = self.columns
        named = dict.fromkeys(c for e in self.expectations for c in e.column_names if c not in added)
        select = [f"t.{c}" for c in named] + [f"{sql} AS {name}" for name, sql in added.items()]
        # In the table's order: a window (keys_are_unique) gives its rows in any order, and the examples of
        # failing rows must be the same from one run to the next.
        return "SELECT " + ",\n       ".join([*select, "t.rowid AS _row"]) + f"\nFROM {self.table} t\nORDER BY _row"

    def row_names_sql(self) -> str:
        """Gives the query of the names of some rows (`row`), by their ids in the table (a list parameter)."""
        return f"SELECT t.rowid, {self.row} FROM {self.table} t WHERE list_contains(?, t.rowid)"

    def is_private(self, column: str) -> bool:
        return any(p in column for p in self.private)


# ---------------------------------------------------------------------------- helpers for suite files


def row_count_is_stable(table: str) -> Expectation:
    return warning(
        "row_count_is_stable",
        "expect_table_row_count_to_be_between",
        f"{table} has far fewer rows than at the last run (below {ROW_COUNT_TOLERANCE:.0%}): a file exported "
        "in part, or a missing file? Export it again, whole; if the drop is real, the next run compares with this one.",
        min_value=parameter("min_row_count"),
    )


def has_rows(table: str) -> Expectation:
    return warning(
        "has_rows",
        "expect_table_row_count_to_be_between",
        f"{table} is empty: put its extract in the landing folder, with its rows.",
        min_value=1,
    )


def is_found_in(
    column: str, table: str, target: str | None = None, severity: str = BLOCKING, when: str = "", fix: str = ""
) -> Expectation:
    """Gives the expectation that every value of `column` is found in `table`.`target`
    (referential integrity), on the rows where the SQL condition `when` holds."""
    target = target or column
    condition = f"t.{column} IS NOT NULL" + (f" AND ({when})" if when else "")
    unknown = f"{column}_not_in_{table.split('.')[-1]}"
    missing = f"NOT EXISTS (SELECT 1 FROM {table} r WHERE r.{target} = t.{column})"
    sql = f"CASE WHEN {condition} AND {missing} THEN t.{column} END"
    make = blocking if severity == BLOCKING else warning
    return make(
        f"{column}_is_found_in_{table.split('.')[-1]}",
        "expect_column_values_to_be_null",
        fix or f"Add the missing {target} to {table.split('.')[-1]}, or correct {column}.",
        columns={unknown: sql},
        reads=(table,),
        column=unknown,
    )


def is_not_before(
    later: str, earlier: str, severity: str = WARNING, fix: str = "", *, columns=None, reads=()
) -> Expectation:
    """Gives the expectation that `later` is on or after `earlier` where both are set."""
    make = blocking if severity == BLOCKING else warning
    return make(
        f"{later}_is_not_before_{earlier}",
        "expect_column_pair_values_a_to_be_greater_than_b",
        fix or f"Correct {earlier} or {later}: {later} cannot come before {earlier}.",
        columns=columns,
        reads=reads,
        column_A=later,
        column_B=earlier,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
    )


def never(name: str, sql: str, fix: str, severity: str = WARNING, reads=()) -> Expectation:
    """Gives the expectation that a SQL expression over `t` (null when the row is fine, else
    what is wrong with it) is null on every row: a rule GX has no expectation for."""
    make = blocking if severity == BLOCKING else warning
    return make(name, "expect_column_values_to_be_null", fix, columns={name: sql}, reads=reads, column=name)


def faults(
    name: str, conditions: dict[str, str], fix: str, severity: str = WARNING, reads=(), show=None
) -> Expectation:
    """Gives the expectation that no row breaks any of `conditions` (column -> SQL over `t`,
    true when the column is at fault). Each failing row shows its faults, "fte 1.5; sex X",
    as `show(column)` gives them (SQL; by default the column and its value, "null" for none:
    a fault shown as nothing would not be counted)."""
    show = show or (lambda c: f"'{c} ' || coalesce(CAST(t.{c} AS VARCHAR), 'null')")
    parts = [f"CASE WHEN {condition} THEN {show(c)} END" for c, condition in conditions.items()]
    return never(name, f"NULLIF(concat_ws('; ', {', '.join(parts)}), '')", fix, severity=severity, reads=reads)


def is_outside_the_window(column: str) -> str:
    """Gives the SQL condition that a month of `t` is outside the reporting window (staging.reporting_period)."""
    return f"t.{column} NOT BETWEEN (SELECT first_month FROM {PERIOD}) AND (SELECT as_of_month FROM {PERIOD})"


def contract_codes(extract: str, column: str) -> tuple[str, ...]:
    """Gives the codes contract section 2 allows in a column of an extract."""
    return next(c.codes for c in EXTRACTS[extract].columns if c.name == column)


def is_not_in(column: str, codes) -> str:
    """Gives the SQL condition that a code of `t` is not one of `codes`."""
    return f"t.{column} NOT IN ({', '.join(repr(c) for c in codes)})"


def is_not_a_share(column: str) -> str:
    """Gives the SQL condition that a number of `t` is outside [0, 1], or NaN."""
    return f"t.{column} < 0 OR t.{column} > 1 OR isnan(t.{column})"


def is_not_the_ratio(column: str, numerator: str, denominator: str) -> str:
    """Gives the SQL condition that a rate of `t` is not numerator / denominator (null when either is null, or
    the denominator is 0)."""
    return (
        f"(t.{column} IS NULL) <> (t.{numerator} IS NULL OR coalesce(t.{denominator}, 0) = 0) "
        f"OR abs(t.{column} - t.{numerator} / nullif(t.{denominator}, 0)) > 1e-9"
    )


def keys_are_unique(columns: tuple[str, ...], fix: str) -> list[Expectation]:
    """Gives the blocking expectations that a key is filled and unique.

    Uniqueness is a rule of the whole table, so it is counted in SQL over the whole table (issue 19), not by
    GX in pandas: the key's columns are not read into pandas at all (at national scale, 11 million
    establishment ids and job families as Python strings). It finds what GX's own uniqueness expectations
    find (tests/quality/test_gx.py): every copy of a repeated key is at fault, and a key with every part
    empty is left to `keys_are_filled`. A failing row says on how many rows its key is, never the key: a key
    may be a pseudonym."""
    key = ", ".join(f"t.{c}" for c in columns)
    given = " OR ".join(f"t.{c} IS NOT NULL" for c in columns)
    copies = f"count(*) OVER (PARTITION BY {key})"
    repeated = f"CASE WHEN ({given}) AND {copies} > 1 THEN 'key on ' || {copies} || ' rows' END"
    return [
        faults("keys_are_filled", {c: f"t.{c} IS NULL" for c in columns}, fix, BLOCKING, show=lambda c: f"'{c}'"),
        never("keys_are_unique", repeated, fix, BLOCKING),
    ]


def months_are_covered(table: str, column: str, months: int = 12, at_least: int | None = None) -> Expectation:
    """Gives the expectation that the last `months` months of `column` (up to its latest date)
    each have rows; `at_least` lowers that for sparse extracts. A month missing in the middle
    is a monthly file missing, or an export that skipped a period."""
    recent = f"recent_{column}_month"
    sql = (
        f"CASE WHEN date_trunc('month', t.{column}) > date_trunc('month', (SELECT max({column}) FROM {table})) "
        f"- INTERVAL {months} MONTH THEN date_trunc('month', t.{column}) END"
    )
    return warning(
        f"last_{months}_months_of_{column}_have_rows",
        "expect_column_unique_value_count_to_be_between",
        f"Some of the last {months} months have no {column} in {table}: is a monthly file missing, or did "
        "the export skip a period? Add the missing months.",
        columns={recent: sql},
        column=recent,
        min_value=at_least or months,
    )


def age_is_plausible(birth: str, on: str, low: int, high: int, who: str) -> Expectation:
    age = f"age_at_{on}"
    return warning(
        f"{age}_is_plausible",
        "expect_column_values_to_be_between",
        f"The age of the {who} at {on} should be {low} to {high}: correct {birth} or {on}.",
        columns={age: f"date_diff('year', t.{birth}, t.{on})"},
        column=age,
        min_value=low,
        max_value=high,
    )


def staging_suite(extract: str, *more: Expectation, description: str = "") -> Suite:
    """Gives the suite of a staging table: the contract's rules for the extract, then `more`."""
    spec = EXTRACTS[extract]
    return Suite(
        f"staging.{extract}",
        (*contract_expectations(extract), *more),
        private=private_columns(extract),
        description=description or spec.description,
    )


def private_columns(extract: str) -> tuple[str, ...]:
    """Gives the columns of an extract whose values never appear in examples: pseudonyms, birth dates."""
    return tuple(c.name for c in EXTRACTS[extract].columns if c.pseudonymised or "birth_date" in c.name)


def contract_expectations(extract: str) -> list[Expectation]:
    """Gives the expectations that restate an extract's contract rules (section 2) on its staging
    table, plus plausible dates, a non-empty table and a stable row count.

    Ingest quarantines the rows that break the contract's rules, so those pass unless ingest
    is bypassed or changed. One expectation per rule, on a column that names the faults of
    each row ("sex X; fte 1.5"), not one per column: GX spends ~15 ms per expectation
    whatever the rows, and a run checks hundreds of columns."""
    spec = EXTRACTS[extract]
    table = f"staging.{extract}"
    private = private_columns(extract)

    def shown(column: str) -> str:
        return f"'{column}'" if column in private else f"'{column} ' || CAST(t.{column} AS VARCHAR)"

    out: list[Expectation] = []
    if not spec.reference_data:
        out += [has_rows(table), row_count_is_stable(table)]
    if spec.key:
        out += keys_are_unique(spec.key, f"Give every row of the {extract} extract its own {' + '.join(spec.key)}.")
    required = {c.name: f"t.{c.name} IS NULL" for c in spec.columns if c.required and c.name not in spec.key}
    if required:
        out.append(
            faults(
                "required_fields_are_filled",
                required,
                f"Fill every required column of the {extract} extract (marked * in contract section 2).",
                BLOCKING,
                show=lambda c: f"'{c}'",
            )
        )
    codes = {c.name: is_not_in(c.name, c.codes) for c in spec.columns if c.codes}
    if codes:
        out.append(faults("codes_are_known", codes, "Use the codes of contract section 2.", show=shown))
    bounds = {}
    for c in spec.columns:
        outside = [
            f"t.{c.name} {'<=' if c.low_open else '<'} {c.low}" if c.low is not None else "",
            f"t.{c.name} > {c.high}" if c.high is not None else "",
        ]
        if any(outside):
            bounds[c.name] = " OR ".join(o for o in outside if o)
    if bounds:
        out.append(
            faults(
                "numbers_are_within_bounds",
                bounds,
                "Correct the numbers outside the contract's bounds (0 < fte <= 1, pay and days >= 0, ...).",
                show=shown,
            )
        )
    dates = {}
    for c in spec.columns:
        if c.kind == "date" and "birth_date" not in c.name:
            latest = "current_date" if c.name in EVENT_COLUMNS.get(extract, ()) else "current_date + INTERVAL 5 YEAR"
            dates[c.name] = f"t.{c.name} < DATE '{EARLIEST_EVENT}' OR t.{c.name} > {latest}"
    if dates:
        out.append(
            faults(
                "dates_are_plausible",
                dates,
                f"Correct the dates before {EARLIEST_EVENT}, or after today for events that have happened "
                "(applications, postings opened, contract starts...), or more than five years ahead.",
                show=shown,
            )
        )
    if spec.date_order:
        before = {later: earlier for earlier, later in spec.date_order}
        order = {later: f"t.{later} < t.{earlier}" for earlier, later in spec.date_order}
        out.append(
            faults(
                "dates_are_in_order",
                order,
                "Correct the dates that come before the date they follow: "
                + ", ".join(f"{a} <= {b}" for a, b in spec.date_order)
                + ".",
                show=lambda c: f"'{c} before {before[c]}'",
            )
        )
    if spec.reason_required:
        reasons = {reason: f"t.{end} IS NOT NULL AND t.{reason} IS NULL" for end, reason in spec.reason_required}
        out.append(
            faults(
                "reasons_are_given",
                reasons,
                "Give the reason of every end: "
                + ", ".join(f"{r} when {e} is set" for e, r in spec.reason_required)
                + ".",
                show=lambda c: f"'no {c}'",
            )
        )
    references = {}
    for c in spec.columns:
        if c.references:
            other, target = c.references.split(".")
            references[c.name] = (
                f"t.{c.name} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM staging.{other} r WHERE r.{target} = t.{c.name})"
            )
    if references:
        reads = tuple(f"staging.{c.references.split('.')[0]}" for c in spec.columns if c.references)
        out.append(
            faults(
                "references_are_found",
                references,
                "Every " + ", ".join(references) + " must be found in "
                f"its own extract ({', '.join(dict.fromkeys(r.split('.')[1] for r in reads))}): add it "
                "there, or correct it.",
                BLOCKING,
                reads=reads,
                show=shown,
            )
        )
    return out


# ---------------------------------------------------------------------------- discovery


def load_suites(directory: Path = SUITES_DIR) -> list[Suite]:
    """Gives the suite of each `expectations/*.py` file, by file name."""
    suites = []
    for path in sorted(directory.glob("*.py")):
        if path.name.startswith("_"):
            continue
        spec = importlib.util.spec_from_file_location(f"vivier_expectations.{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        suite = getattr(module, "SUITE", None)
        if not isinstance(suite, Suite):
            raise TypeError(f"{path}: defines no SUITE (a pipelines.quality.suites.Suite)")
        suites.append(dataclasses.replace(suite, source=f"{directory.name}/{path.name}"))
    return suites
