"""From the raw layer to staging: parse every value, check every row against its
extract's rules, and split the rows into loaded, quarantined and exact duplicates.

Nothing is fixed or dropped silently: for every file, rows read = rows loaded +
rows quarantined + exact duplicates.

Nothing a person typed is kept either: a value that breaks its column's rule (not
a date, not a number, not one of the codes, out of range, not found in another
extract) may be free text about a person ("Démission - conflit avec M. Dupont"),
so it is kept only as its length and kinds of characters, in raw as in quarantine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from pipelines.ingest.contract import RULES, Column, Extract
from pipelines.ingest.files import FILE, ROW

TRUE_WORDS = ("true", "oui", "1")
FALSE_WORDS = ("false", "non", "0")
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
FRENCH_DATE = r"^\d{1,2}/\d{1,2}/\d{4}$"
NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)$"
# The raw layer's column naming, row by row, the values replaced by their description and the
# rule each broke: "fte: out_of_range; start_date: invalid_date" (null when there is none).
INVALID = "invalid_values"
FIRST = "_first_copy"  # in `validate`: whether a row is the first of its exact copies
CHARACTER_KINDS = (
    ("letters", r"\p{L}"),
    ("digits", r"\p{N}"),
    ("spaces", r"\s"),
    ("other characters", r"[^\p{L}\p{N}\s]"),
)

QUARANTINE_SCHEMA = {
    "extract": pl.String,
    "source_file": pl.String,
    "source_row": pl.Int64,
    "rule": pl.String,
    "detail": pl.String,
    "record": pl.String,
}


@dataclass(frozen=True)
class Validated:
    loaded: pl.DataFrame  # typed contract columns + source_file, source_row
    quarantined: pl.DataFrame  # QUARANTINE_SCHEMA
    duplicates: pl.DataFrame  # source_file, source_row of exact duplicate rows


def parse_date(value: pl.Expr) -> pl.Expr:
    """Gives a date from YYYY-MM-DD or DD/MM/YYYY text; null for anything else, 31/02 included."""
    return (
        pl.when(value.str.contains(ISO_DATE))
        .then(value.str.strptime(pl.Date, "%Y-%m-%d", strict=False))
        .when(value.str.contains(FRENCH_DATE))
        .then(value.str.strptime(pl.Date, "%d/%m/%Y", strict=False))
    )


def parse_decimal(value: pl.Expr) -> pl.Expr:
    """Gives a number from text with a decimal point or comma (spaces between thousands allowed)."""
    plain = value.str.replace_all(r"[\s\u00a0\u202f]", "").str.replace(",", ".", literal=True)
    return pl.when(plain.str.contains(NUMBER)).then(plain.cast(pl.Float64, strict=False))


def parse_integer(value: pl.Expr) -> pl.Expr:
    """Gives a whole number ("3" or "3,0"); null for "2,5" or text."""
    number = parse_decimal(value)
    return pl.when(number == number.round(0)).then(number.cast(pl.Int64, strict=False))


def parse_boolean(value: pl.Expr) -> pl.Expr:
    """Gives true/false from true/false, oui/non or 1/0, in any case."""
    word = value.str.to_lowercase()
    return pl.when(word.is_in(TRUE_WORDS)).then(True).when(word.is_in(FALSE_WORDS)).then(False)


PARSERS = {
    "date": (parse_date, "invalid_date", "is not a date (write YYYY-MM-DD or DD/MM/YYYY)"),
    "decimal": (parse_decimal, "invalid_number", "is not a number (write 0.8 or 0,8)"),
    "integer": (parse_integer, "invalid_number", "is not a whole number"),
    "boolean": (parse_boolean, "invalid_boolean", "is not a yes/no value (write true/false, oui/non or 1/0)"),
    "code": (lambda v: v.str.to_uppercase(), None, ""),
    "id": (lambda v: v, None, ""),
    "text": (lambda v: v, None, ""),
}


def parsed(column: Column) -> pl.Expr:
    """Gives the typed value of a raw text column."""
    return PARSERS[column.kind][0](pl.col(column.name)).alias(column.name)


def describe(value: pl.Expr) -> pl.Expr:
    """Gives a value as its length and kinds of characters ("12 characters: letters, digits, spaces"),
    never as its text: enough to find it in the file, nothing of what it says."""
    length = value.str.len_chars()
    unit = pl.when(length == 1).then(pl.lit("character")).otherwise(pl.lit("characters"))
    kinds = (
        pl.concat_list([pl.when(value.str.contains(pattern)).then(pl.lit(name)) for name, pattern in CHARACTER_KINDS])
        .list.drop_nulls()
        .list.join(", ")
    )
    return pl.format("{} {}: {}", length, unit, kinds)


def value_rules(column: Column) -> dict[str, str]:
    """Gives the rules a value of the column can break on its own (its type, its codes, its
    bounds), each with what the message says of such a value."""
    _, parse_rule, text = PARSERS[column.kind]
    rules = {parse_rule: text} if parse_rule else {}
    if column.codes:
        rules["unknown_code"] = f"is not one of {', '.join(column.codes)}"
    if column.low is not None or column.high is not None:
        rules["out_of_range"] = f"is outside {_bounds(column)}"
    return rules


def broken_value_rule(column: Column) -> pl.Expr | None:
    """Gives, for each value of a raw text column, the rule it breaks on its own, or null."""
    rules = value_rules(column)
    if not rules:
        return None
    value = pl.col(column.name)
    typed = parsed(column)
    conditions = []
    if PARSERS[column.kind][1]:
        conditions.append((value.is_not_null() & typed.is_null(), PARSERS[column.kind][1]))
    if column.codes:
        conditions.append((typed.is_not_null() & ~typed.is_in(column.codes), "unknown_code"))
    if "out_of_range" in rules:
        outside = pl.lit(False)
        if column.low is not None:
            outside = outside | ((typed <= column.low) if column.low_open else (typed < column.low))
        if column.high is not None:
            outside = outside | (typed > column.high)
        conditions.append((typed.is_not_null() & outside, "out_of_range"))
    (first, rule), *others = conditions
    chain = pl.when(first).then(pl.lit(rule))
    for condition, rule in others:
        chain = chain.when(condition).then(pl.lit(rule))
    return chain.alias(column.name)


def describe_invalid_values(extract: Extract, rows: pl.DataFrame) -> pl.DataFrame:
    """Gives the rows with every value that breaks its column's own rule replaced by its length and
    kinds of characters, and the `invalid_values` column naming, per row, those columns and rules.

    The raw layer is written this way: such a value may be free text about a person, and
    what is left (file, row, column, rule, length, kinds) is what finding and fixing it needs."""
    rules = [rule for c in extract.columns if not c.pseudonymised and (rule := broken_value_rule(c)) is not None]
    rows = rows.with_columns(pl.col(extract.column_names).cast(pl.String), pl.lit(None, pl.String).alias(INVALID))
    if not rules:
        return rows
    # Lazy, so that each column is parsed once for its several rules (common subexpressions).
    broken = rows.lazy().select(rules).collect()
    checked = broken.columns
    any_broken = broken.select(pl.any_horizontal(pl.all().is_not_null())).to_series()
    if not any_broken.any():
        return rows
    # Only the few rows at fault are described (a regex per kind of character), then put back.
    where = any_broken.arg_true()
    at_fault = pl.concat(
        [rows[where].select(*checked, _i=pl.lit(where)), broken[where].select(pl.all().name.suffix("_rule"))],
        how="horizontal",
    )
    described = at_fault.select(
        "_i",
        *[pl.when(pl.col(f"{c}_rule").is_not_null()).then(describe(pl.col(c))).alias(c) for c in checked],
        pl.concat_list([pl.format("{}: {}", pl.lit(c), pl.col(f"{c}_rule")) for c in checked])
        .list.drop_nulls()
        .list.join("; ")
        .alias(INVALID),
    )
    return rows.with_row_index("_i").update(described, on="_i").drop("_i")


def validate(extract: Extract, raw: pl.DataFrame, references: dict[str, pl.Series]) -> Validated:
    """Gives an extract's raw rows split into loaded (typed), quarantined and exact duplicates.

    `raw` is the raw layer (`to_raw`: values that break their column's rule already described,
    and named in `invalid_values`); rows made by hand are described here first. `references`
    holds the loaded values of every "extract.column" this extract refers to (its
    establishments, job families, territories, carers)."""
    names = list(extract.column_names)
    raw = raw.with_columns(pl.col(names).cast(pl.String))
    if INVALID not in raw.columns:
        raw = describe_invalid_values(extract, raw)
    typed = raw.select([parsed(c).alias(f"_{c.name}") for c in extract.columns])
    first = first_of_each_row(pl.concat([typed, raw.select(_unique_if_invalid())], how="horizontal"))
    duplicates = raw.filter(~first).select(FILE, ROW)

    # Exact duplicates stay in the frame, flagged (FIRST): the rules are checked on first copies only and
    # the frames are filtered once at the end. Filtering them out first copied the raw and typed rows
    # (1.3 GB for the national applications extract). A row with a described value is never a
    # duplicate, so `any_invalid` is the same with or without them.
    checks = _row_checks(extract, references, any_invalid=raw[INVALID].null_count() < raw.height)
    both = pl.concat([raw, typed], how="horizontal").with_columns(first.alias(FIRST))
    # Whether each row breaks each rule, for every row (booleans: cheap); the messages only for the
    # rows that break one, usually none (formatting them for every row took half the time).
    broken = both.select(
        [(check.condition.fill_null(False) & pl.col(FIRST)).alias(f"_broke{i}") for i, check in enumerate(checks)]
    )
    flags = [pl.col(f"_broke{i}") for i in range(len(checks))]
    bad = broken.select(pl.any_horizontal(flags)).to_series() if flags else pl.repeat(False, raw.height, eager=True)
    found = pl.concat([both.filter(bad), broken.filter(bad)], how="horizontal").with_columns(
        # Every rule a row breaks is said; the first, in the contract's order, names the row's rule.
        pl.concat_list([pl.when(flag).then(check.message) for flag, check in zip(flags, checks, strict=True)])
        .list.drop_nulls()
        .alias("_messages"),
        pl.concat_list([pl.when(flag).then(pl.lit(check.rule)) for flag, check in zip(flags, checks, strict=True)])
        .list.drop_nulls()
        .list.first()
        .alias("_rule"),
    )
    # A value not found in another extract is described too (ids are pseudonyms already).
    unknown = {
        check.column: flags[i]
        for i, check in enumerate(checks)
        if check.rule == "unknown_reference" and not extract.column(check.column).pseudonymised
    }
    record = [
        pl.when(unknown[n]).then(describe(pl.col(n))).otherwise(pl.col(n)).alias(n) if n in unknown else pl.col(n)
        for n in names
    ]

    loaded = pl.concat([typed, raw.select(FILE, ROW)], how="horizontal").filter(first & ~bad)
    loaded = loaded.rename({f"_{n}": n for n in names})
    quarantined = found.select(
        pl.lit(extract.name).alias("extract"),
        pl.col(FILE),
        pl.col(ROW),
        pl.col("_rule").alias("rule"),
        pl.col("_messages").list.join("; ").alias("detail"),
        pl.struct(record).struct.json_encode().alias("record"),
    )
    return Validated(loaded, quarantined.cast(QUARANTINE_SCHEMA), duplicates)


def raw_as_quarantined(extract: Extract, raw: pl.DataFrame, quarantined: pl.DataFrame) -> pl.DataFrame | None:
    """Gives the raw rows with each code that quarantine describes because no other extract knows it
    (an establishment, territory or job family) described in raw too, or None when there is none.

    Such a code may be free text typed in the wrong column, but whether it is known is found
    only once the other extract is loaded, after raw was written: the staging step puts raw
    right, so that no layer keeps it as typed."""
    columns = [c.name for c in extract.columns if c.references and not c.pseudonymised]
    if not columns or not quarantined.filter(pl.col("detail").str.contains("is not found in")).height:
        return None
    records = (
        quarantined.select(
            FILE, ROW, pl.col("record").str.json_decode(pl.Struct({n: pl.String for n in extract.column_names}))
        )
        .unnest("record")
        .select(FILE, ROW, *columns)
    )
    masked = raw.update(records, on=[FILE, ROW], how="left", include_nulls=True)
    return None if masked.select(columns).equals(raw.select(columns)) else masked


def _unique_if_invalid() -> pl.Expr:
    """A row with a described value is never an exact duplicate: what it held is no longer known,
    so two such rows cannot be told equal; each copy is quarantined, with its file and row."""
    return pl.when(pl.col(INVALID).is_not_null()).then(pl.int_range(pl.len())).alias("_unique")


def first_of_each_row(rows: pl.DataFrame) -> pl.Series:
    """Gives, for each row, whether it is the first of the rows with exactly its values."""
    if not rows.height:
        return pl.Series([], dtype=pl.Boolean)
    # One 64-bit hash per row finds the rows that may be repeated (equal rows have equal hashes); the
    # first of each repeated row is then found exactly among those few. is_duplicated on the whole
    # frame encodes every row first: 2.5 GB more for the national applications extract (issue 19).
    repeated = rows.hash_rows().is_duplicated()
    if not repeated.any():
        return ~repeated
    where = repeated.arg_true()
    firsts = rows[where].select(pl.struct(rows.columns).is_first_distinct()).to_series()
    return (~repeated).scatter(where, firsts)


@dataclass(frozen=True)
class Check:
    """A rule of the contract on a row: broken where `condition` is true, as `message` says."""

    rule: str
    column: str
    condition: pl.Expr
    message: pl.Expr


def _row_checks(extract: Extract, references: dict[str, pl.Series], any_invalid: bool = True) -> list[Check]:
    """Gives the checks of a row, in the order rows are checked. The rules a value breaks on its own
    are read from `invalid_values` (the value itself is described there already)."""
    checks: list[Check] = []
    raw, typed = pl.col, lambda name: pl.col(f"_{name}")

    def check(rule: str, column: str, condition: pl.Expr, text: str | pl.Expr) -> Check:
        message = pl.format("{}: {}", pl.lit(column), text if isinstance(text, pl.Expr) else pl.lit(text))
        return Check(rule, column, condition, message)

    def quoted(name: str) -> pl.Expr:
        return pl.format("'{}'", raw(name))

    for c in extract.columns:
        if c.required:
            checks.append(check("required", c.name, raw(c.name).is_null(), "is required but empty"))
    for c in extract.columns:
        if c.pseudonymised or not any_invalid:
            continue
        for rule, text in value_rules(c).items():
            listed = raw(INVALID).str.contains(rf"(?:^|; ){re.escape(c.name)}: {rule}(?:;|$)")
            checks.append(check(rule, c.name, listed, pl.format("the value ({}) {}", raw(c.name), pl.lit(text))))
    for earlier, later in extract.date_order:
        before = typed(later) < typed(earlier)
        checks.append(
            check(
                "date_order",
                later,
                before,
                pl.format("{} is before {} ({})", quoted(later), pl.lit(earlier), quoted(earlier)),
            )
        )
    for end, reason in extract.reason_required:
        missing = typed(end).is_not_null() & raw(reason).is_null()
        checks.append(check("reason_required", reason, missing, f"is required when {end} is set"))
    if extract.key:
        keys = [typed(k) for k in extract.key]
        # Among first copies only: an exact duplicate is not a second row with the key.
        repeated = pl.all_horizontal([k.is_not_null() for k in keys]) & (pl.col(FIRST).sum().over(keys) > 1)
        checks.append(
            check(
                "duplicate_key", "+".join(extract.key), repeated, "the same key appears on rows with different content"
            )
        )
    for c in extract.columns:
        if c.references:
            known = references.get(c.references, pl.Series([], dtype=pl.String))
            unknown = typed(c.name).is_not_null() & ~typed(c.name).is_in(known.implode())
            shown = quoted(c.name) if c.pseudonymised else pl.format("the value ({})", describe(raw(c.name)))
            checks.append(
                check(
                    "unknown_reference",
                    c.name,
                    unknown,
                    pl.format("{} is not found in {}", shown, pl.lit(c.references)),
                )
            )
    return sorted(checks, key=lambda c: RULES.index(c.rule))


def _bounds(column: Column) -> str:
    low = "" if column.low is None else f"{column.low:g} {'<' if column.low_open else '<='} "
    high = "" if column.high is None else f" <= {column.high:g}"
    return f"{low}{column.name}{high}"


def count_by_file(files: pl.DataFrame, checked: Validated) -> pl.DataFrame:
    """Gives the ingest report of an extract: per file, rows read, loaded, quarantined and duplicated
    (`block_report` then counts DSN files in contract blocks)."""

    def counted(frame: pl.DataFrame, name: str) -> pl.DataFrame:
        return frame.group_by(FILE).agg(pl.len().cast(pl.Int64).alias(name))

    return (
        files.join(counted(checked.loaded, "rows_loaded"), on=FILE, how="left")
        .join(counted(checked.quarantined, "rows_quarantined"), on=FILE, how="left")
        .join(counted(checked.duplicates, "exact_duplicates"), on=FILE, how="left")
        .with_columns(pl.col("rows_loaded", "rows_quarantined", "exact_duplicates").fill_null(0))
        # DSN files only (contract blocks, contract section 2b): blocks of other natures, blocks of
        # declarations replaced or cancelled. 0 for the files of an extract.
        .with_columns(pl.lit(0, pl.Int64).alias("not_employment"), pl.lit(0, pl.Int64).alias("replaced"))
        .select(
            "extract",
            FILE,
            "rows_read",
            "rows_loaded",
            "rows_quarantined",
            "exact_duplicates",
            "not_employment",
            "replaced",
            "blank_rows",
            "dropped_columns",
            "file_format",
            "encoding",
            "separator",
        )
        .sort(FILE)
    )
