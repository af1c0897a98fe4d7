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
# Exports often put a title ("Extraction RH du 30/06/2026") and blank lines above the
# header; the header is looked for among this many first lines.
HEADER_SEARCH_LINES = 10
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
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
    lines_above_header: int = 0


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


def header_index(lines: list[list[str]]) -> int:
    """Gives which of a file's first rows is the header: the first that fills at least half as
    many cells as the fullest row (a title above it fills one or two); 0 when no row fills two."""
    filled = [sum(1 for cell in cells if cell and cell.strip()) for cells in lines]
    most = max(filled, default=0)
    return next((i for i, n in enumerate(filled) if n >= max(2, most / 2)), 0)


def _fields(line: str) -> list[str]:
    """Gives the cells of one CSV line, split by the separator that gives the most."""
    return max((next(csv.reader([line], delimiter=sep)) for sep in SEPARATORS), key=len)


def _read_csv(path: Path) -> TextTable:
    data = path.read_bytes()
    if data.startswith(UTF16_BOMS) or (len(data) > 8 and data[1:200:2].count(0) > 0.9 * len(data[1:200:2])):
        raise ExtractFileError(
            f"{path.name}: the file is UTF-16 text (Excel's 'Unicode text'), which is not read. "
            "Save it as 'CSV UTF-8' or 'CSV (separator: semicolon)'."
        )
    try:
        text, encoding = decode(data)
    except UnicodeDecodeError as error:
        raise ExtractFileError(f"{path.name}: the text is neither UTF-8 nor Windows-1252 ({error}).") from error
    first_lines = text.split("\n", HEADER_SEARCH_LINES)[:HEADER_SEARCH_LINES]
    skipped = header_index([_fields(line.rstrip("\r")) for line in first_lines])
    header_line = first_lines[skipped].rstrip("\r")
    if not header_line.strip():
        raise ExtractFileError(f"{path.name}: the first line is empty; it should hold the column names.")
    separator = sniff_separator(header_line)
    body = text.split("\n", skipped)[-1] if skipped else text
    try:
        rows = pl.read_csv(
            io.BytesIO(body.encode("utf-8")) if encoding != "utf-8" or skipped else path,
            separator=separator,
            infer_schema=False,
            has_header=True,
            row_index_name=ROW,
            row_index_offset=FIRST_DATA_ROW + skipped,
            raise_if_empty=False,
        )
    except pl.exceptions.ComputeError as error:
        if "not properly escaped" not in str(error):
            raise
        raise ExtractFileError(
            f"{path.name}: a quoted value is never closed (a \" without its closing \"): the file was probably "
            "cut short during export, or a value holds a stray quote. Export the file again."
        ) from error
    headers = next(csv.reader([header_line], delimiter=separator))
    _check_header(path, headers, rows)
    _check_not_cut_short(path, text, separator, len(headers), rows)
    return TextTable(path, headers, rows, "csv", encoding, _name(separator), lines_above_header=skipped)


def _check_not_cut_short(path: Path, text: str, separator: str, columns: int, rows: pl.DataFrame) -> None:
    """A last row with fewer cells than the header, and no line break after it, is a file cut
    during export: the rows after it are missing too, so the file is refused, not loaded in part."""
    if not rows.height or text.endswith(("\n", "\r")):
        return
    cells = next(csv.reader([text.rsplit("\n", 1)[-1]], delimiter=separator), [])
    if 0 < len(cells) < columns:
        raise ExtractFileError(
            f"{path.name}: the last row (row {rows[ROW][-1]}) stops after {len(cells)} of {columns} columns, "
            "with no line break after it: the file looks cut short. Export the file again."
        )


def _read_xlsx(path: Path) -> TextTable:
    import fastexcel

    sheet = fastexcel.read_excel(path.read_bytes())
    top = sheet.load_sheet(0, header_row=None, n_rows=HEADER_SEARCH_LINES, skip_rows=0, dtypes="string").to_polars()
    skipped = header_index([list(row) for row in top.iter_rows()])
    rows = sheet.load_sheet(0, header_row=skipped, dtypes="string").to_polars()
    # Excel date cells come out as "2024-01-31 00:00:00": keep the date.
    rows = rows.with_columns(
        pl.col(pl.String).str.replace(r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(\.0+)?$", "${1}")
    ).with_row_index(ROW, offset=FIRST_DATA_ROW + skipped)
    return TextTable(path, list(rows.columns[1:]), rows, "xlsx", lines_above_header=skipped)


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
        blank_rows=table.rows.height - kept.height, lines_above_header=table.lines_above_header,
    )  # fmt: skip


def _name(separator: str) -> str:
    return {"\t": "tab"}.get(separator, separator)
