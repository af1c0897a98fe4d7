"""From a file read as text to the raw layer: contract columns only, trimmed,
people's identifiers pseudonymised, every row still there."""

from __future__ import annotations

import polars as pl

from pipelines.ingest.contract import Extract
from pipelines.ingest.files import FILE, ROW, TextTable
from pipelines.ingest.headers import map_headers
from pipelines.ingest.pseudonym import pseudonymise

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
