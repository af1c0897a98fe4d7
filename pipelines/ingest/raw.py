"""From a file read as text to the raw layer: contract columns only, trimmed,
identifiers pseudonymised, every row still there, and each value that breaks its
column's rule kept only as its length and kinds of characters (it may be free
text about a person), with the rule it broke in `invalid_values`."""

from __future__ import annotations

import polars as pl

from pipelines.ingest.contract import Extract
from pipelines.ingest.files import EXCEL_SERIAL, FILE, ROW, TextTable
from pipelines.ingest.headers import dropped_as_listed, map_headers
from pipelines.ingest.pseudonym import pseudonymise
from pipelines.ingest.validate import INVALID, describe_invalid_values

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
        schema={**{c: pl.String for c in extract.column_names}, FILE: pl.String, ROW: pl.Int64, INVALID: pl.String}
    )


def excel_serial_to_date(column: str, held: pl.Series) -> pl.Expr:
    """Gives a spreadsheet date column with the serials of the cells Excel holds as numbers
    (45291, a date cell shown with a number format) written as the dates they are (2023-12-31).

    `held` is the date Excel gives each cell of the column (null for a cell of text). A cell
    of text, "2019" or "45291", is not a date to Excel: it stays as typed and is quarantined
    as no date, as in a CSV. Four or five digits are serials of 1902 to 2173."""
    return (
        pl.when(pl.col(column).str.contains(EXCEL_SERIAL) & pl.lit(held).is_not_null())
        .then(pl.lit(held).dt.strftime("%Y-%m-%d"))
        .otherwise(pl.col(column))
        .alias(column)
    )


def to_raw(table: TextTable, extract: Extract, aliases: dict, key: str) -> tuple[pl.DataFrame, dict]:
    """Gives one file's rows in the raw layer's shape, and the file's line of the ingest report."""
    header_map = map_headers(table.name, table.headers, extract, aliases, table.header_row, table.header_why)
    present = {column: header for header, column in header_map.columns.items()}
    text = pl.col(pl.String).str.strip_chars()
    rows = (
        table.rows.select(
            [
                pl.col(present[c]).alias(c) if c in present else pl.lit(None, pl.String).alias(c)
                for c in extract.column_names
            ]
            + [pl.lit(table.name).alias(FILE), pl.col(ROW).cast(pl.Int64)]
        )
        .with_columns(text)
        .with_columns(pl.when(text == "").then(None).otherwise(text).name.keep())
    )
    rows = rows.with_columns(
        [
            excel_serial_to_date(c.name, table.excel_dates[present[c.name]])
            for c in extract.columns
            if c.kind == "date" and present.get(c.name) in table.excel_dates
        ]
    )
    rows = pseudonymise(rows, [c.name for c in extract.columns if c.pseudonymised], key)
    rows = describe_invalid_values(extract, rows)
    report = {
        "extract": extract.name,
        "source_file": table.name,
        "file_format": table.file_format,
        "encoding": table.encoding,
        "separator": table.separator,
        "rows_read": rows.height,
        "blank_rows": table.blank_rows,
        "dropped_columns": ", ".join(dropped_as_listed(table, header_map.dropped)),
    }
    return rows, report
