"""From a file read as text to the raw layer: contract columns only, trimmed,
people's identifiers pseudonymised, every row still there."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.ingest.contract import Extract
from pipelines.ingest.files import FILE, ROW, TextTable
from pipelines.ingest.headers import map_headers
from pipelines.ingest.pseudonym import pseudonymise

# A spreadsheet date cell formatted as a number shows its serial: days since 1899-12-30
# (Excel's day 0), 45291 for 2023-12-31. Four or five digits: 1902 to 2173.
EXCEL_SERIAL = r"^(\d{4,5})(\.\d+)?$"
EXCEL_DAY_ZERO = dt.date(1899, 12, 30)

RAW_REPORT_SCHEMA = {
    "extract": pl.String,
    "source_file": pl.String,
    "file_format": pl.String,
    "encoding": pl.String,
    "separator": pl.String,
    "rows_read": pl.Int64,
    "blank_rows": pl.Int64,
    "dropped_columns": pl.String,
}


def empty_raw(extract: Extract) -> pl.DataFrame:
    """Gives the raw table of an extract with no file: its columns, no rows."""
    return pl.DataFrame(
        schema={**{c: pl.String for c in extract.column_names}, FILE: pl.String, ROW: pl.Int64}
    )


def excel_serial_to_date(column: str) -> pl.Expr:
    """Gives a spreadsheet date column with Excel serial numbers (45291) written as dates (2023-12-31).

    Only for XLSX files, where a number in a date column is the date Excel holds, shown
    with a number format; in a CSV "45291" stays text, and is quarantined as no date."""
    serial = pl.col(column).str.extract(EXCEL_SERIAL, 1).cast(pl.Int64)
    as_date = (pl.lit(EXCEL_DAY_ZERO) + pl.duration(days=serial)).dt.strftime("%Y-%m-%d")
    return pl.when(serial.is_not_null()).then(as_date).otherwise(pl.col(column)).alias(column)


def to_raw(table: TextTable, extract: Extract, aliases: dict, key: str) -> tuple[pl.DataFrame, dict]:
    """Gives one file's rows in the raw layer's shape, and the file's line of the ingest report."""
    header_map = map_headers(table.path.name, table.headers, extract, aliases)
    present = {column: header for header, column in header_map.columns.items()}
    text = pl.col(pl.String).str.strip_chars()
    rows = (
        table.rows.select(
            [pl.col(present[c]).alias(c) if c in present else pl.lit(None, pl.String).alias(c)
             for c in extract.column_names]
            + [pl.lit(table.path.name).alias(FILE), pl.col(ROW).cast(pl.Int64)]
        )  # fmt: skip
        .with_columns(text)
        .with_columns(pl.when(text == "").then(None).otherwise(text).name.keep())
    )
    if table.file_format == "xlsx":
        rows = rows.with_columns([excel_serial_to_date(c.name) for c in extract.columns if c.kind == "date"])
    rows = pseudonymise(rows, [c.name for c in extract.columns if c.pseudonymised], key)
    report = {
        "extract": extract.name,
        "source_file": table.path.name,
        "file_format": table.file_format,
        "encoding": table.encoding,
        "separator": table.separator,
        "rows_read": rows.height,
        "blank_rows": table.blank_rows,
        "dropped_columns": ", ".join(header_map.dropped),
    }
    return rows, report
