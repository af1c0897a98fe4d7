"""Finding an extract's files in the landing folder and reading each one as text.

Every value is read as a string: parsing belongs to `validate`, where a bad
value becomes a quarantined row instead of a failed file.

Messages name files, sheets, rows and columns, never the content of a row: a
cell may be a name or a comment about a person, and messages reach the
terminal and Dagster's event log.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.ingest.aliases import known_headers, load_aliases, normalise_header
from pipelines.ingest.contract import EXTRACTS
from pipelines.text import printable

SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".parquet")
SEPARATORS = (";", ",", "\t")
# Exports often put a title ("Extraction RH du 30/06/2026") and blank lines above the
# header; the header is looked for among this many first lines.
HEADER_SEARCH_LINES = 10
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
UTF8_BOM = b"\xef\xbb\xbf"
# The first two bytes of a character as UTF-8 writes it (a lead byte, a continuation byte).
# Windows-1252 text almost never holds them (an accented capital followed by a symbol of
# 0x80-0xBF), so a file that is not UTF-8 as a whole and has none is Windows-1252 throughout,
# decoded at once; one that has them is decoded line by line, each line checked in full.
UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
# How a number Excel holds is shown as text: in a date column, its date serial (45291).
EXCEL_SERIAL = r"^\d{4,5}(\.\d+)?$"
# The row number a spreadsheet shows for the first data row (the header is row 1).
FIRST_DATA_ROW = 2
ROW = "source_row"
FILE = "source_file"
# Files whose name starts with dsn (any case) are monthly DSN declarations of the staff (contract section 2b).
DSN_PREFIX = "dsn"
NOTES_SHOWN = 10  # line numbers listed in one message


class ExtractFileError(Exception):
    """A file that cannot be read as a table; the message names the file and what is wrong."""


@dataclass(frozen=True)
class HeaderRow:
    """Which of a file's first rows is its header, and why, as a message can say it."""

    index: int  # among the rows searched, from 0: the rows above it are skipped
    names: int  # columns of the extract it names
    why: str  # "row 3 was taken as the header: ..."


@dataclass(frozen=True)
class TextTable:
    """One file (or one sheet of a workbook) read as text: its header as written, its rows,
    and how it was read."""

    path: Path
    headers: list[str]
    rows: pl.DataFrame  # one String column per header, plus `source_row`
    file_format: str
    encoding: str = ""
    separator: str = ""
    blank_rows: int = 0
    lines_above_header: int = 0  # rows above the header, as a spreadsheet numbers rows
    sheet: str = ""  # the sheet, in a workbook where more than one sheet holds cells
    # XLSX: for each header whose column holds numbers, the date Excel gives each cell that
    # it holds as a number or a date, null for a cell of text; aligned with `rows`.
    excel_dates: dict[str, pl.Series] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # warnings for the run's log: what was skipped or guessed
    # The column of the file (from 1) of each header: a column with neither header nor value is
    # left out of `headers`. Empty: the headers are the file's columns in order.
    positions: tuple[int, ...] = ()
    header_why: str = ""  # which row was taken as the header and why, for messages about the header

    @property
    def name(self) -> str:
        """The file's name, with its sheet in brackets when the workbook has several:
        `source_file` of the rows, the quarantine and the ingest report."""
        return f"{self.path.name} [{self.sheet}]" if self.sheet else self.path.name

    @property
    def header_row(self) -> int:
        return self.lines_above_header + 1


def extract_of(file_name: str) -> str | None:
    """Gives the extract a file belongs to by its name's prefix (the longest that matches), or None.
    Reference data (job_families, segur_measures) is replaced only by a file of exactly its name."""
    lowered = file_name.lower()
    if lowered.startswith(DSN_PREFIX):
        return "staff"  # monthly DSN files: the staff extract as the payroll software declares it
    # A payroll export of job codes named job_families_paie.csv is not the list Vivier checks against.
    matches = [
        name
        for name, e in EXTRACTS.items()
        if (lowered.rsplit(".", 1)[0] == name if e.reference_data else lowered.startswith(name))
    ]
    return max(matches, key=len) if matches else None


def is_dsn_file(path: Path) -> bool:
    """Tells whether a landing file is a monthly DSN file (its name starts with dsn, in any case)."""
    return path.name.lower().startswith(DSN_PREFIX)


def landing_files(landing_dir: Path) -> list[Path]:
    """Gives the files of the landing folder (not its sub-folders, not hidden files), by name."""
    if not landing_dir.is_dir():
        return []
    return sorted(p for p in landing_dir.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))


def find_files(landing_dir: Path, extract: str) -> list[Path]:
    """Gives the landing files of one extract, in name order."""
    return [p for p in landing_files(landing_dir) if extract_of(p.name) == extract]


def read_text_tables(path: Path) -> list[TextTable]:
    """Gives a CSV, XLSX or Parquet file as tables of strings, numbered as a spreadsheet numbers
    rows: one table, or one per sheet that holds cells in a workbook (which of them hold the
    extract is for `headers.extract_tables` to say)."""
    name = printable(path.name)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ExtractFileError(
            f"{name}: files of type '{printable(suffix) or 'none'}' are not read. "
            "Save the extract as .csv, .xlsx or .parquet."
        )
    if path.stat().st_size == 0:
        raise ExtractFileError(f"{name}: the file is empty (0 bytes). Export it again with its header row.")
    extract = extract_of(path.name)
    known = known_headers(EXTRACTS[extract], load_aliases()) if extract else {}
    try:
        with path.open("rb"):  # a file Vivier may not read fails here, whichever library reads it next
            pass
        if suffix == ".csv":
            tables = [_read_csv(path, known, extract or "")]
        elif suffix == ".xlsx":
            tables = _read_xlsx(path, known, extract or "")
        else:
            tables = [_read_parquet(path)]
    except ExtractFileError:
        raise
    except PermissionError:
        raise ExtractFileError(
            f"{name}: the user running Vivier is not allowed to read this file (or another program holds it "
            "locked). Give that user read access: make it the file's owner (chown), or put it in the file's "
            "group and let the group read it (chmod g+r); not every user of the machine, as the file holds "
            "personal data."
        ) from None
    except Exception as error:  # polars, fastexcel and pyarrow each raise their own kinds
        # Their messages can quote the lines they failed on (a row of the file): only the kind is said.
        raise ExtractFileError(
            f"{name}: cannot be read as a {suffix[1:].upper()} table ({type(error).__name__}): the file is "
            f"damaged or is not a {suffix[1:].upper()} file. Open it in the program that made it and save it "
            f"again as {suffix}."
        ) from None
    return [_drop_blank_rows(table) for table in tables]


def read_text_table(path: Path) -> TextTable:
    """Gives a file of one table (a CSV, a Parquet file, a workbook with one sheet of cells) as a
    table of strings; a workbook with several sheets of cells is refused, as it is not one table."""
    tables = read_text_tables(path)
    if len(tables) > 1:
        names = ", ".join(f"'{printable(t.sheet)}'" for t in tables)
        raise ExtractFileError(
            f"{printable(path.name)}: the workbook has {len(tables)} sheets with cells ({names}); keep the one to "
            "read, or save it as .csv."
        )
    return tables[0]


def decode(data: bytes) -> tuple[str, str, list[int]]:
    """Gives the text of a CSV file, its encoding (UTF-8 with or without BOM, else Windows-1252),
    and the lines (numbered from 1) of a UTF-8 file that had to be read as Windows-1252.

    A line pasted from another program into a UTF-8 file can be Windows-1252: decoding the
    whole file as Windows-1252 would garble every other accent of it, so such a file is
    decoded line by line. Raises UnicodeDecodeError for a byte that neither reads."""
    bom = data.startswith(UTF8_BOM)
    if bom:
        data = data[len(UTF8_BOM) :]
    utf8 = "utf-8-sig" if bom else "utf-8"
    try:
        return data.decode("utf-8"), utf8, []
    except UnicodeDecodeError:
        pass
    if not UTF8_MULTIBYTE.search(data):
        try:
            return data.decode("cp1252"), "cp1252", []
        except UnicodeDecodeError as error:
            shift = len(UTF8_BOM) if bom else 0
            raise UnicodeDecodeError("cp1252", data, shift + error.start, shift + error.end, error.reason) from None
    lines, foreign, offset = [], [], len(UTF8_BOM) if bom else 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                lines.append(line.decode("cp1252"))
            except UnicodeDecodeError as error:  # positions in the file, as for a whole-file decode
                raise UnicodeDecodeError(
                    "cp1252", data, offset + error.start, offset + error.end, error.reason
                ) from None
            foreign.append(number)
        offset += len(line) + 1
    return "\n".join(lines), f"{utf8}+cp1252", foreign


def find_header(lines: list[list[str]], known: Mapping[str, str] | None = None, extract: str = "") -> HeaderRow:
    """Gives which of a file's first rows is the header, and why.

    The row that names the most columns of the extract (`known`: normalised header -> column)
    is the header, the first of them on a tie: neither a group row above the header ("Agent;
    Agent;...;Paie") nor a data row made wide by a comment full of separators names any. When
    no row names one, the header is the first row that fills at least half as many cells as
    the fullest (a title above it fills one or two); row 1 when no row fills two."""
    known = known or {}
    searched = len(lines)
    names = [len({known[n] for cell in cells if cell and (n := normalise_header(cell)) in known}) for cells in lines]
    best = max(names, default=0)
    if best:
        index = names.index(best)
        why = f"it names the most columns of the {extract} extract among the first {searched} rows ({best})"
        return HeaderRow(index, best, f"row {index + 1} was taken as the header: {why}")
    filled = [sum(1 for cell in cells if cell and cell.strip()) for cells in lines]
    most = max(filled, default=0)
    index = next((i for i, n in enumerate(filled) if n >= max(2, most / 2)), 0)
    if most < 2:
        why = f"none of the first {searched} rows fills two cells"
    elif filled[index] == most:
        why = f"it fills the most cells among the first {searched} rows ({most})"
    else:
        why = (
            f"it is the first of the first {searched} rows to fill at least half as many cells as the fullest "
            f"(row {filled.index(most) + 1} fills {most})"
        )
    if extract:
        why += f", and none names a column of the {extract} extract"
    return HeaderRow(index, 0, f"row {index + 1} was taken as the header: {why}")


# ------------------------------------------------------------------------------------------ CSV


def _read_csv(path: Path, known: Mapping[str, str], extract: str) -> TextTable:
    name = printable(path.name)
    data = path.read_bytes()
    if data.startswith(UTF16_BOMS) or (len(data) > 8 and data[1:200:2].count(0) > 0.9 * len(data[1:200:2])):
        raise ExtractFileError(
            f"{name}: the file is UTF-16 text (Excel's 'Unicode text'), which is not read. "
            "Save it as 'CSV UTF-8' or 'CSV (separator: semicolon)'."
        )
    try:
        text, encoding, foreign = decode(data)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ExtractFileError(
            f"{name}: the text is neither UTF-8 nor Windows-1252 (line {line} holds the byte "
            f"0x{data[error.start]:02x}, which neither uses): it is probably not a text file. "
            "Export the extract again as CSV."
        ) from None
    notes = []
    if foreign:
        shown = ", ".join(map(str, foreign[:NOTES_SHOWN])) + (", ..." if len(foreign) > NOTES_SHOWN else "")
        notes.append(
            f"{name}: {len(foreign)} line(s) are Windows-1252 in a file otherwise UTF-8 (line {shown}); they "
            "were read as Windows-1252. Check their accents, and export the file again in one encoding."
        )
    # Excel for Mac ends lines with a carriage return alone.
    line_end = "\r" if "\n" not in text and "\r" in text else "\n"
    if line_end == "\r":
        text = text.replace("\r", "\n")

    separator, records, starts, found = _first_records(text, known, extract)
    skipped = found.index
    header = records[skipped] if records else []
    if not any(cell.strip() for cell in header):
        raise ExtractFileError(f"{name}: the first line is empty; it should hold the column names.")
    lines_above = starts[skipped]  # lines of text above the header: more than rows if a value spans lines
    body = text.split("\n", lines_above)[-1] if lines_above else text
    plain = encoding == "utf-8" and not lines_above and line_end == "\n"
    rows = _parse_csv(path, body, separator, len(header), skipped, plain, found.why)
    headers, positions, rows = _name_columns(path, header, rows, skipped + 1, found.why)
    _check_not_cut_short(path, body, separator, len(header), rows)
    if skipped:
        notes.insert(0, f"{name}: {skipped} row(s) above the header (a title, blank lines) were skipped.")
    return TextTable(
        path,
        headers,
        rows,
        "csv",
        encoding,
        _name(separator),
        lines_above_header=skipped,
        notes=tuple(notes),
        positions=positions,
        header_why=found.why,
    )


def _parse_csv(
    path: Path, body: str, separator: str, columns: int, skipped: int, plain: bool, header_why: str
) -> pl.DataFrame:
    """Gives the rows of a CSV body (its header first) as strings, numbered from the data row."""

    def read(truncate: bool = False) -> pl.DataFrame:
        return pl.read_csv(
            path if plain else io.BytesIO(body.encode("utf-8")),
            separator=separator,
            infer_schema=False,
            has_header=True,
            row_index_name=ROW,
            row_index_offset=FIRST_DATA_ROW + skipped,
            raise_if_empty=False,
            truncate_ragged_lines=truncate,
            glob=False,  # a file named "staff[1].csv" is that file, not a pattern
        )

    name = printable(path.name)
    try:
        return read()
    except pl.exceptions.ComputeError as error:
        message = str(error)  # never shown: it quotes the lines it failed on
    if "not properly escaped" in message:
        raise ExtractFileError(
            f'{name}: a quoted value is never closed (a " without its closing "): the file was probably '
            "cut short during export, or a value holds a stray quote. Export the file again."
        )
    if "more fields" in message:
        row, cells = _first_row_too_wide(body, separator, columns, skipped)
        if row is None:  # the extra cells are all empty: separators at the ends of lines
            return read(truncate=True)
        raise ExtractFileError(
            f"{name}: cannot be read as a CSV table: row {row} has {cells} cells and the header {columns}. "
            f"A value probably holds the separator '{_name(separator)}' without quotes around it: put that "
            f"value in quotes, or export the file again. {_sentence(header_why)}"
        )
    raise ExtractFileError(
        f"{name}: cannot be read as a CSV table: the rows do not follow the header. Open it in a spreadsheet "
        "and save it again as CSV."
    )


def _first_row_too_wide(body: str, separator: str, columns: int, skipped: int) -> tuple[int | None, int]:
    """Gives the number of the first row with a filled cell beyond the header's columns, and
    its count of cells; (None, 0) when every cell beyond them is empty."""
    with _large_fields():
        for i, cells in enumerate(csv.reader(_lines(body), delimiter=separator)):
            if len(cells) > columns and any(c.strip() for c in cells[columns:]):
                return FIRST_DATA_ROW + skipped + i - 1, len(cells)
    return None, 0


def _first_records(
    text: str, known: Mapping[str, str], extract: str
) -> tuple[str, list[list[str]], list[int], HeaderRow]:
    """Gives the separator of a CSV text, its first records (a quoted value may span lines), the
    line each starts on (from 0) and its header. The separator is the one (`;`, `,` or tab) whose
    header names the most columns of the extract, then splits the header into the most cells,
    then the most of the first rows into as many."""
    best = None
    for separator in SEPARATORS:
        records, starts = [], []
        reader = csv.reader(_lines(text), delimiter=separator)
        with _large_fields(), contextlib.suppress(csv.Error):
            for _ in range(HEADER_SEARCH_LINES):
                start = reader.line_num
                record = next(reader, None)
                if record is None:
                    break
                records.append(record)
                starts.append(start)
        found = find_header(records, known, extract)
        width = len(records[found.index]) if records else 0
        score = (found.names, width, sum(1 for r in records if len(r) == width))
        if best is None or score > best[0]:
            best = (score, separator, records, starts, found)
    return best[1], best[2], best[3], best[4]


def _lines(text: str) -> Iterator[str]:
    """Gives the lines of a text with their line ends, without copying the text at once."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end == -1:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


@contextlib.contextmanager
def _large_fields() -> Iterator[None]:
    """Lets the csv module read fields of any length (128 KB by default: a long comment is data)."""
    limit = csv.field_size_limit(sys.maxsize)
    try:
        yield
    finally:
        csv.field_size_limit(limit)


def _check_not_cut_short(path: Path, body: str, separator: str, columns: int, rows: pl.DataFrame) -> None:
    """A last row with fewer cells than the header, and no line break after it, is a file cut
    during export: the rows after it are missing too, so the file is refused, not loaded in part."""
    if not rows.height or body.endswith(("\n", "\r")):
        return
    with _large_fields():
        cells = next(csv.reader(_lines(_last_record(body)), delimiter=separator), [])
    if 0 < len(cells) < columns:
        raise ExtractFileError(
            f"{printable(path.name)}: the last row (row {rows[ROW][-1]}) stops after {len(cells)} of {columns} "
            "columns, with no line break after it: the file looks cut short. Export the file again."
        )


def _last_record(text: str) -> str:
    """Gives the last record of a CSV text: its last line, with the lines before it when a quoted
    value spans them. A record starts where the quotes from there to the end pair up (inside a
    quoted value an odd number of quotes lies ahead)."""
    start = len(text)
    while start > 0:
        start = text.rfind("\n", 0, start - 1) + 1
        if text.count('"', start) % 2 == 0:
            return text[start:]
    return text


# ------------------------------------------------------------------------------------------ XLSX


def _read_xlsx(path: Path, known: Mapping[str, str], extract: str) -> list[TextTable]:
    import fastexcel

    reader = fastexcel.read_excel(path.read_bytes())
    sheets = []
    for index, sheet_name in enumerate(reader.sheet_names):
        # Every cell as text, rows as the sheet numbers them (no header taken, no row skipped).
        sheet = reader.load_sheet(index, header_row=None, skip_rows=0, dtypes="string")
        # An error cell (#N/A, #DIV/0!) comes out empty: kept aside, it is not read as "no value".
        batch, errors = sheet.to_arrow_with_errors()
        cells = pl.from_arrow(batch)
        if cells.width and cells.select(pl.any_horizontal(pl.all().str.strip_chars() != "").any()).item():
            sheets.append((index, sheet_name, cells, errors.errors if errors else []))
    if not sheets:
        raise ExtractFileError(f"{printable(path.name)}: no sheet of the workbook holds a cell. Export it again.")
    tables = [
        _sheet_table(path, reader, index, name if len(sheets) > 1 else "", cells, known, extract)
        for index, name, cells, _ in sheets
    ]
    for table, (_, _, _, errors) in zip(tables, sheets, strict=True):
        _refuse_error_cells(table, errors, known)
    return tables


# fastexcel's names of Excel's error values, and how Excel shows them.
EXCEL_ERRORS = {
    "Div0": "#DIV/0!",
    "NA": "#N/A",
    "Value": "#VALUE!",
    "Ref": "#REF!",
    "Name": "#NAME?",
    "Num": "#NUM!",
    "Null": "#NULL!",
    "GettingData": "#GETTING_DATA",
}


def _refuse_error_cells(table: TextTable, errors: list, known: Mapping[str, str]) -> None:
    """Refuses a sheet of the extract whose data rows hold Excel error cells (#N/A, #DIV/0!):
    such a cell reads as empty, so an optional value would be lost in silence and a required
    one blamed as missing. A sheet that names no column of the extract (notes) is left alone."""
    header_row = table.lines_above_header + 1  # as the sheet numbers rows
    mine = {normalise_header(h) for h in table.headers} & set(known)
    found = sorted((e.position[0] + 1, e.position[1], e.detail) for e in errors if e.position[0] + 1 > header_row)
    if not found or not mine:
        return
    columns = table.positions or range(1, len(table.headers) + 1)
    positions = {position: header for header, position in zip(table.headers, columns, strict=False)}
    shown = []
    for row, column, detail in found[:3]:
        kind = next((display for name, display in EXCEL_ERRORS.items() if f"Error({name})" in detail), "an error")
        header = positions.get(column + 1)
        where = (
            f"column '{printable(header)}'" if header and normalise_header(header) in known else f"column {column + 1}"
        )
        shown.append(f"row {row}, {where}: {kind}")
    more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
    raise ExtractFileError(
        f"{printable(table.name)}: {len(found)} cell(s) hold an Excel error instead of a value: {'; '.join(shown)}"
        f"{more}. Such a cell would read as empty. Correct the formulas (or paste the values) and save the "
        "workbook again."
    )


def _sheet_table(
    path: Path, reader, index: int, sheet_name: str, cells: pl.DataFrame, known: Mapping[str, str], extract: str
) -> TextTable:
    """Gives one sheet of cells as a table: the header found as in a CSV file, and for the
    columns holding numbers, the dates Excel holds (a date cell formatted as a number shows
    its serial, 45291; a cell of text, "2019", is not a date to Excel and stays text)."""
    found = find_header([list(row) for row in cells.head(HEADER_SEARCH_LINES).iter_rows()], known, extract)
    skipped = found.index
    header = ["" if cell is None else cell for cell in cells.row(skipped)]
    body = cells.slice(skipped + 1)
    # Excel date cells come out as "2024-01-31 00:00:00": keep the date.
    body = body.with_columns(pl.all().str.replace(r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(\.0+)?$", "${1}"))
    numbers = [c for c in body.columns if body.select(pl.col(c).str.contains(EXCEL_SERIAL).any()).item()]
    dates = {}
    if numbers:
        held = reader.load_sheet(index, header_row=None, skip_rows=0, use_columns=numbers, dtypes="datetime")
        dates = {c: s.slice(skipped + 1) for c, s in zip(numbers, held.to_polars().get_columns(), strict=True)}
    rows = body.with_row_index(ROW, offset=FIRST_DATA_ROW + skipped)
    table_name = f"{path.name} [{sheet_name}]" if sheet_name else path.name
    headers, positions, rows = _name_columns(path, header, rows, skipped + 1, found.why, shown_name=table_name)
    # Keyed by header, as the rows are (a column with no header and no value is gone).
    renamed = dict(zip(body.columns, header, strict=True))
    excel_dates = {renamed[c]: s for c, s in dates.items() if renamed[c] in rows.columns}
    notes = (f"{printable(table_name)}: {skipped} row(s) above the header (a title, blank lines) were skipped.",)
    return TextTable(
        path,
        headers,
        rows,
        "xlsx",
        lines_above_header=skipped,
        sheet=sheet_name,
        excel_dates=excel_dates,
        notes=notes if skipped else (),
        positions=positions,
        header_why=found.why,
    )


# ------------------------------------------------------------------------------------------ Parquet


def _read_parquet(path: Path) -> TextTable:
    rows = pl.read_parquet(path, glob=False)
    rows = (
        rows.with_columns(
            [pl.col(c).dt.strftime("%Y-%m-%d") for c, t in rows.schema.items() if t in (pl.Date, pl.Datetime)]
            + [_whole_as_integer(c) for c, t in rows.schema.items() if t.is_float()]
        )
        .with_columns(pl.all().cast(pl.String))
        .with_row_index(ROW, offset=FIRST_DATA_ROW)
    )
    return TextTable(path, list(rows.columns[1:]), rows, "parquet")


def _whole_as_integer(column: str) -> pl.Expr:
    """Gives a float column as text, a whole number written as an integer ("101", as a spreadsheet
    shows a number cell), others as they are ("0.8"). pandas writes an integer column with a
    missing value as floats: matricule 101 would be "101.0", another person than the "101" of a CSV."""
    value = pl.col(column)
    whole = value.is_finite() & (value == value.round(0)) & (value.abs() < 2.0**63)
    return (
        pl.when(whole)
        .then(value.cast(pl.Int64, strict=False).cast(pl.String))
        .otherwise(value.cast(pl.String))
        .alias(column)
    )


# ------------------------------------------------------------------------------------------ all


def _name_columns(
    path: Path, header: list[str], rows: pl.DataFrame, header_row: int, header_why: str, shown_name: str | None = None
) -> tuple[list[str], tuple[int, ...], pl.DataFrame]:
    """Gives the headers of a table as written, the column of the file each is in, and its rows
    with one column per header.

    A column with no header is an export's trailing separators when it holds no value: it is
    left out. One that holds values is kept as "(no header, column N)", so it is dropped and
    listed like any column the contract does not know. A repeated header is an error the
    person must see; it names the columns, not the header, which could be a row of data, and
    says why that row was taken as the header."""
    name = printable(shown_name or path.name)
    if rows.width - 1 != len(header):
        raise ExtractFileError(f"{name}: the header has {len(header)} columns but the rows have {rows.width - 1}.")
    cells = [c for c in rows.columns if c != ROW]
    names, positions, keep = [], [], [ROW]
    for i, (cell, column) in enumerate(zip(header, cells, strict=True), start=1):
        if cell.strip():
            names.append(cell)
        elif rows.select(pl.col(column).str.strip_chars().fill_null("").ne("").any()).item():
            names.append(f"(no header, column {i})")
        else:
            continue
        positions.append(i)
        keep.append(column)
    seen: dict[str, int] = {}
    for i, cell in enumerate(header, start=1):
        if cell.strip() and cell in seen:
            raise ExtractFileError(
                f"{name}: columns {seen[cell]} and {i} of the header (row {header_row}) have the same name. "
                f"{_sentence(header_why)} Rename or delete one of them."
            )
        seen.setdefault(cell, i)
    return names, tuple(positions), rows.select(keep).rename(dict(zip(keep[1:], names, strict=True)))


def _drop_blank_rows(table: TextTable) -> TextTable:
    """Blank lines are not records: leave them out, but count them."""
    values = [c for c in table.rows.columns if c != ROW]
    if not values:
        return dataclasses.replace(table, rows=table.rows.clear(), blank_rows=table.rows.height)
    blank = pl.all_horizontal(pl.col(values).str.strip_chars().fill_null("") == "")
    keep = ~table.rows.select(blank).to_series()
    return dataclasses.replace(
        table,
        rows=table.rows.filter(keep),
        blank_rows=int((~keep).sum()),
        excel_dates={c: s.filter(keep) for c, s in table.excel_dates.items()},
    )


def _sentence(text: str) -> str:
    """Gives a clause as a sentence of a message: a capital, a full stop; nothing for nothing."""
    return f"{text[:1].upper()}{text[1:]}." if text else ""


def _name(separator: str) -> str:
    return {"\t": "tab"}.get(separator, separator)
