"""From the raw layer to staging: parse every value, check every row against its
extract's rules, and split the rows into loaded, quarantined and exact duplicates.

Nothing is fixed or dropped silently: for every file, rows read = rows loaded +
rows quarantined + exact duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from pipelines.ingest.contract import RULES, Column, Extract
from pipelines.ingest.files import FILE, ROW

TRUE_WORDS = ("true", "oui", "1")
FALSE_WORDS = ("false", "non", "0")
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
FRENCH_DATE = r"^\d{1,2}/\d{1,2}/\d{4}$"
NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)$"

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


def validate(extract: Extract, raw: pl.DataFrame, references: dict[str, pl.Series]) -> Validated:
    """Gives an extract's raw rows split into loaded (typed), quarantined and exact duplicates.

    `references` holds the loaded values of every "extract.column" this
    extract refers to (its establishments, job families, territories, carers)."""
    names = list(extract.column_names)
    raw = raw.with_columns(pl.col(names).cast(pl.String))
    first = first_of_each_row(raw.select(names))
    duplicates = raw.filter(~first).select(FILE, ROW)
    rows = raw.filter(first)

    typed = rows.select([parsed(c).alias(f"_{c.name}") for c in extract.columns])
    checks = _row_checks(extract, references)
    both = pl.concat([rows, typed], how="horizontal")
    # Whether each row breaks each rule, for every row (booleans: cheap); the messages only for the
    # rows that break one, usually none (formatting them for every row took half the time).
    broken = both.select([condition.fill_null(False).alias(f"_broke{i}") for i, (_, condition, _) in enumerate(checks)])
    flags = [pl.col(f"_broke{i}") for i in range(len(checks))]
    bad = broken.select(pl.any_horizontal(flags)).to_series() if flags else pl.repeat(False, rows.height, eager=True)
    found = pl.concat([both.filter(bad), broken.filter(bad)], how="horizontal").with_columns(
        # Every rule a row breaks is said; the first, in the contract's order, names the row's rule.
        pl.concat_list([pl.when(flag).then(message) for flag, (_, _, message) in zip(flags, checks)])
        .list.drop_nulls().alias("_messages"),
        pl.concat_list([pl.when(flag).then(pl.lit(rule)) for flag, (rule, _, _) in zip(flags, checks)])
        .list.drop_nulls().list.first().alias("_rule"),
    )  # fmt: skip

    loaded = pl.concat([typed, rows.select(FILE, ROW)], how="horizontal").filter(~bad)
    loaded = loaded.rename({f"_{n}": n for n in names})
    quarantined = found.select(
        pl.lit(extract.name).alias("extract"),
        pl.col(FILE),
        pl.col(ROW),
        pl.col("_rule").alias("rule"),
        pl.col("_messages").list.join("; ").alias("detail"),
        pl.struct(names).struct.json_encode().alias("record"),
    )
    return Validated(loaded, quarantined.cast(QUARANTINE_SCHEMA), duplicates)


def first_of_each_row(rows: pl.DataFrame) -> pl.Series:
    """Gives, for each row, whether it is the first of the rows with exactly its values."""
    if not rows.height:
        return pl.Series([], dtype=pl.Boolean)
    # is_duplicated on the frame is several times faster than is_first_distinct on a struct of
    # every column; the first of each repeated row is then found among the few repeated ones.
    repeated = rows.is_duplicated()
    if not repeated.any():
        return ~repeated
    where = repeated.arg_true()
    firsts = rows[where].select(pl.struct(rows.columns).is_first_distinct()).to_series()
    return (~repeated).scatter(where, firsts)


def _row_checks(extract: Extract, references: dict[str, pl.Series]) -> list[tuple[str, pl.Expr, pl.Expr]]:
    """Gives (rule, condition, message) triples in the order rows are checked: a row breaks the
    rule where the condition is true, and the message says how."""
    checks: list[tuple[str, pl.Expr, pl.Expr]] = []
    raw, typed = pl.col, lambda name: pl.col(f"_{name}")

    def say(condition: pl.Expr, column: str, text: str | pl.Expr) -> tuple[pl.Expr, pl.Expr]:
        return condition, pl.format("{}: {}", pl.lit(column), text if isinstance(text, pl.Expr) else pl.lit(text))

    def quoted(name: str) -> pl.Expr:
        return pl.format("'{}'", raw(name))

    for c in extract.columns:
        if c.required:
            checks.append(("required", *say(raw(c.name).is_null(), c.name, "is required but empty")))
    for c in extract.columns:
        _, rule, text = PARSERS[c.kind]
        if rule:
            failed = raw(c.name).is_not_null() & typed(c.name).is_null()
            checks.append((rule, *say(failed, c.name, pl.format("{} {}", quoted(c.name), pl.lit(text)))))
    for c in extract.columns:
        if c.codes:
            unknown = typed(c.name).is_not_null() & ~typed(c.name).is_in(c.codes)
            text = pl.format("{} is not one of {}", quoted(c.name), pl.lit(", ".join(c.codes)))
            checks.append(("unknown_code", *say(unknown, c.name, text)))
    for c in extract.columns:
        if c.low is not None or c.high is not None:
            value = typed(c.name)
            outside = pl.lit(False)
            if c.low is not None:
                outside = outside | ((value <= c.low) if c.low_open else (value < c.low))
            if c.high is not None:
                outside = outside | (value > c.high)
            checks.append(("out_of_range", *say(value.is_not_null() & outside, c.name,
                                               pl.format("{} is outside {}", quoted(c.name), pl.lit(_bounds(c))))))  # fmt: skip
    for earlier, later in extract.date_order:
        before = typed(later) < typed(earlier)
        checks.append(("date_order", *say(before, later, pl.format("{} is before {} ({})", quoted(later),
                                                                    pl.lit(earlier), quoted(earlier)))))  # fmt: skip
    for end, reason in extract.reason_required:
        missing = typed(end).is_not_null() & raw(reason).is_null()
        checks.append(("reason_required", *say(missing, reason, f"is required when {end} is set")))
    if extract.key:
        keys = [typed(k) for k in extract.key]
        repeated = pl.all_horizontal([k.is_not_null() for k in keys]) & (pl.len().over(keys) > 1)
        checks.append(("duplicate_key", *say(repeated, "+".join(extract.key),
                                            "the same key appears on rows with different content")))  # fmt: skip
    for c in extract.columns:
        if c.references:
            known = references.get(c.references, pl.Series([], dtype=pl.String))
            unknown = typed(c.name).is_not_null() & ~typed(c.name).is_in(known.implode())
            text = pl.format("{} is not found in {}", quoted(c.name), pl.lit(c.references))
            checks.append(("unknown_reference", *say(unknown, c.name, text)))
    return sorted(checks, key=lambda check: RULES.index(check[0]))


def _bounds(column: Column) -> str:
    low = "" if column.low is None else f"{column.low:g} {'<' if column.low_open else '<='} "
    high = "" if column.high is None else f" <= {column.high:g}"
    return f"{low}{column.name}{high}"


def count_by_file(files: pl.DataFrame, checked: Validated) -> pl.DataFrame:
    """Gives the ingest report of an extract: per file, rows read, loaded, quarantined and duplicated."""

    def counted(frame: pl.DataFrame, name: str) -> pl.DataFrame:
        return frame.group_by(FILE).agg(pl.len().cast(pl.Int64).alias(name))

    return (
        files.join(counted(checked.loaded, "rows_loaded"), on=FILE, how="left")
        .join(counted(checked.quarantined, "rows_quarantined"), on=FILE, how="left")
        .join(counted(checked.duplicates, "exact_duplicates"), on=FILE, how="left")
        .with_columns(pl.col("rows_loaded", "rows_quarantined", "exact_duplicates").fill_null(0))
        .select("extract", FILE, "rows_read", "rows_loaded", "rows_quarantined", "exact_duplicates",
                "blank_rows", "dropped_columns", "file_format", "encoding", "separator")  # fmt: skip
        .sort(FILE)
    )
