"""Matching a file's headers to the contract's column names, directly or through
the alias file `config/column_aliases.yaml`."""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from pipelines.ingest.contract import Extract
from pipelines.ingest.files import ExtractFileError, TextTable
from pipelines.text import printable

ALIASES_FILE = Path(__file__).resolve().parents[2] / "config" / "column_aliases.yaml"


@dataclass(frozen=True)
class HeaderMap:
    """Which header of a file feeds which contract column, and the headers left out."""

    columns: dict[str, str]  # header as written -> contract column
    dropped: list[str]


def normalise_header(text: str) -> str:
    """Gives a header reduced to lower-case letters and digits: no accents, spaces or punctuation."""
    plain = unicodedata.normalize("NFKD", text.replace("\ufeff", ""))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]", "", plain.lower())


@cache
def load_aliases(path: Path = ALIASES_FILE) -> dict[str, dict[str, list[str]]]:
    """Gives the alias file as {extract: {column: [headers]}}."""
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


def known_headers(extract: Extract, aliases: dict) -> dict[str, str]:
    """Gives the headers that name a column of the extract, normalised -> contract column."""
    known = {normalise_header(c): c for c in extract.column_names}
    for column, names in (aliases.get(extract.name) or {}).items():
        for name in names:
            known.setdefault(normalise_header(name), column)
    return known


def map_headers(file_name: str, headers: list[str], extract: Extract, aliases: dict, header_row: int = 1) -> HeaderMap:
    """Gives the header map of one file, or raises a file error that says how to fix the header.

    The header may be a row of data (a file exported without its header): the messages
    quote only the headers that name a column of the contract, never the other cells."""
    known = known_headers(extract, aliases)
    file_name = printable(file_name)
    columns: dict[str, str] = {}
    for header in headers:
        column = known.get(normalise_header(header))
        if column is None:
            continue
        twin = next((h for h, c in columns.items() if c == column), None)
        if twin is not None:
            raise ExtractFileError(
                f"{file_name}: the headers '{printable(twin)}' and '{printable(header)}' both mean "
                f"{extract.name}.{column}; keep one of them."
            )
        columns[header] = column

    if not columns:
        raise ExtractFileError(
            f"{file_name}: no column matches the {extract.name} extract: none of the {len(headers)} cells of row "
            f"{header_row}, taken as the header, is one of its column names. Expected headers such as "
            f"{', '.join(extract.column_names)}. If the header row is missing, add it; if the headers are "
            f"another software's names, add them under '{extract.name}:' in config/column_aliases.yaml."
        )
    missing = [c for c in extract.required_columns if c not in columns.values()]
    if missing:
        found = ", ".join(f"'{printable(h)}' ({c})" for h, c in columns.items())
        raise ExtractFileError(
            f"{file_name}: required column(s) missing: {', '.join(missing)}. The header (row {header_row}) has "
            f"{found}, and {len(headers) - len(columns)} other column(s). "
            f"Rename the header, or add its name under '{extract.name}:' in config/column_aliases.yaml."
        )
    return HeaderMap(columns, [h for h in headers if h not in columns])


def extract_tables(tables: list[TextTable], extract: Extract, aliases: dict) -> list[TextTable]:
    """Gives the tables of a file that hold the extract: the file's one table, or every sheet of
    a workbook whose header names a column of the extract.

    A sheet whose header names none (a legend, notes, a pivot table) is not read, and the
    first table read carries a note naming it for the run's log; a sheet that names some
    columns but misses a required one fails the file (`map_headers`), naming the sheet. A
    workbook with no sheet of the extract fails, naming its sheets."""
    if len(tables) <= 1:
        return tables
    known = known_headers(extract, aliases)
    holds = [any(normalise_header(h) in known for h in t.headers) for t in tables]
    used = [t for t, ok in zip(tables, holds, strict=True) if ok]
    skipped = [t for t, ok in zip(tables, holds, strict=True) if not ok]
    file_name = printable(tables[0].path.name)
    if not used:
        names = ", ".join(f"'{printable(t.sheet)}'" for t in tables)
        raise ExtractFileError(
            f"{file_name}: no sheet of the workbook has a header of the {extract.name} extract (sheets {names}; "
            f"the header is looked for in the first 10 rows of each). Expected headers such as "
            f"{', '.join(extract.column_names)}."
        )
    notes = tuple(
        f"{file_name}: sheet '{printable(t.sheet)}' was not read: none of the "
        f"{len(t.headers)} cells of its row {t.header_row} is a column of the "
        f"{extract.name} extract. If it holds rows of the extract, give it the extract's header."
        for t in skipped
    )
    return [dataclasses.replace(used[0], notes=used[0].notes + notes), *used[1:]]
