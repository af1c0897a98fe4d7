"""Finding an extract's files in the landing folder and reading each one as text.

Every value is read as a string: parsing belongs to `validate`, where a bad
value becomes a quarantined row instead of a failed file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.ingest.contract import EXTRACTS

SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".parquet")
SEPARATORS = (";", ",", "\t")
# The row number a spreadsheet shows for the first data row (the header is row 1).
FIRST_DATA_ROW = 2
ROW = "source_row"
FILE = "source_file"


class ExtractFileError(Exception):
    """A file that cannot be read as a table; the message names the file and what is wrong."""


@dataclass(frozen=True)
class TextTable:
    """One file read as text: its header as written, its rows, and how it was read."""

    path: Path
    headers: list[str]
    rows: pl.DataFrame  # one String column per header, plus `source_row`
    file_format: str
    encoding: str = ""
    separator: str = ""
    blank_rows: int = 0


def extract_of(file_name: str) -> str | None:
    """Gives the extract a file belongs to by its name's prefix (the longest that matches), or None."""
    lowered = file_name.lower()
    matches = [name for name in EXTRACTS if lowered.startswith(name)]
    return max(matches, key=len) if matches else None


def landing_files(landing_dir: Path) -> list[Path]:
    """Gives the files of the landing folder (not its sub-folders, not hidden files), by name."""
    if not landing_dir.is_dir():
        return []
    return sorted(p for p in landing_dir.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))


def find_files(landing_dir: Path, extract: str) -> list[Path]:
    """Gives the landing files of one extract, in name order."""
    return [p for p in landing_files(landing_dir) if extract_of(p.name) == extract]


def read_text_table(path: Path) -> TextTable:
    """Gives a CSV, XLSX or Parquet file as a table of strings, numbered as a spreadsheet numbers rows."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ExtractFileError(
            f"{path.name}: files of type '{suffix or 'none'}' are not read. "
            "Save the extract as .csv, .xlsx or .parquet."
        )
    if path.stat().st_size == 0:
        raise ExtractFileError(f"{path.name}: the file is empty (0 bytes). Export it again with its header row.")
    try:
        if suffix == ".csv":
            table = _read_csv(path)
        elif suffix == ".xlsx":
            table = _read_xlsx(path)
        else:
            table = _read_parquet(path)
    except ExtractFileError:
        raise
    except Exception as error:  # polars, fastexcel and pyarrow each raise their own kinds
        raise ExtractFileError(f"{path.name}: cannot be read as a {suffix[1:].upper()} table ({error}).") from error
    return _drop_blank_rows(table)


def decode(data: bytes) -> tuple[str, str]:
    """Gives the text of a CSV file and its encoding: UTF-8 (with or without BOM), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="strict"), "cp1252"


def sniff_separator(header_line: str) -> str:
    """Gives the separator (`;`, `,` or tab) that splits the header line into the most fields."""
    counts = {sep: len(next(csv.reader([header_line], delimiter=sep))) for sep in SEPARATORS}
    return max(SEPARATORS, key=lambda sep: counts[sep])


def _read_csv(path: Path) -> TextTable:
    try:
        text, encoding = decode(path.read_bytes())
    except UnicodeDecodeError as error:
        raise ExtractFileError(f"{path.name}: the text is neither UTF-8 nor Windows-1252 ({error}).") from error
    header_line = text.split("\n", 1)[0].rstrip("\r")
    if not header_line.strip():
        raise ExtractFileError(f"{path.name}: the first line is empty; it should hold the column names.")
    separator = sniff_separator(header_line)
    rows = pl.read_csv(
        io.BytesIO(text.encode("utf-8")) if encoding != "utf-8" else path,
        separator=separator,
        infer_schema=False,
        has_header=True,
        row_index_name=ROW,
        row_index_offset=FIRST_DATA_ROW,
        raise_if_empty=False,
    )
    headers = next(csv.reader([header_line], delimiter=separator))
    _check_header(path, headers, rows)
    return TextTable(path, headers, rows, "csv", encoding, _name(separator))


def _read_xlsx(path: Path) -> TextTable:
    import fastexcel

    rows = fastexcel.read_excel(path.read_bytes()).load_sheet(0, dtypes="string").to_polars()
    # Excel date cells come out as "2024-01-31 00:00:00": keep the date.
    rows = rows.with_columns(
        pl.col(pl.String).str.replace(r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(\.0+)?$", "${1}")
    ).with_row_index(ROW, offset=FIRST_DATA_ROW)
    return TextTable(path, list(rows.columns[1:]), rows, "xlsx")


def _read_parquet(path: Path) -> TextTable:
    rows = pl.read_parquet(path)
    rows = rows.with_columns(
        [pl.col(c).dt.strftime("%Y-%m-%d") for c, t in rows.schema.items() if t in (pl.Date, pl.Datetime)]
    ).with_columns(pl.all().cast(pl.String)).with_row_index(ROW, offset=FIRST_DATA_ROW)
    return TextTable(path, list(rows.columns[1:]), rows, "parquet")


def _check_header(path: Path, headers: list[str], rows: pl.DataFrame) -> None:
    """Polars renames repeated headers; a repeated header is an error the person must see."""
    repeated = sorted({h for h in headers if headers.count(h) > 1})
    if repeated:
        raise ExtractFileError(f"{path.name}: a column name appears twice in the header: {', '.join(repeated)}.")
    if rows.width - 1 != len(headers):
        raise ExtractFileError(f"{path.name}: the header has {len(headers)} columns but the rows have {rows.width - 1}.")


def _drop_blank_rows(table: TextTable) -> TextTable:
    """Blank lines are not records: leave them out, but count them."""
    values = [c for c in table.rows.columns if c != ROW]
    stripped = table.rows.with_columns(pl.col(values).str.strip_chars())
    blank = pl.all_horizontal(pl.col(values).is_null() | (pl.col(values) == "")) if values else pl.lit(True)
    kept = table.rows.filter(~stripped.select(blank).to_series()) if values else table.rows
    return TextTable(
        table.path, table.headers, kept, table.file_format, table.encoding, table.separator,
        blank_rows=table.rows.height - kept.height,
    )  # fmt: skip


def _name(separator: str) -> str:
    return {"\t": "tab"}.get(separator, separator)
