"""Matching a file's headers to the contract's column names, directly or through
the alias file `config/column_aliases.yaml`."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from pipelines.ingest.contract import Extract
from pipelines.ingest.files import ExtractFileError

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


def map_headers(file_name: str, headers: list[str], extract: Extract, aliases: dict) -> HeaderMap:
    """Gives the header map of one file, or raises a file error that says how to fix the header."""
    known = {normalise_header(c): c for c in extract.column_names}
    for column, names in (aliases.get(extract.name) or {}).items():
        for name in names:
            known.setdefault(normalise_header(name), column)

    columns: dict[str, str] = {}
    for header in headers:
        column = known.get(normalise_header(header))
        if column is None:
            continue
        twin = next((h for h, c in columns.items() if c == column), None)
        if twin is not None:
            raise ExtractFileError(
                f"{file_name}: the headers '{twin}' and '{header}' both mean {extract.name}.{column}; "
                "keep one of them."
            )
        columns[header] = column

    if not columns:
        raise ExtractFileError(
            f"{file_name}: no column matches the {extract.name} extract. Expected headers such as "
            f"{', '.join(extract.column_names)}; found {', '.join(repr(h) for h in headers) or 'none'}."
        )
    missing = [c for c in extract.required_columns if c not in columns.values()]
    if missing:
        raise ExtractFileError(
            f"{file_name}: required column(s) missing: {', '.join(missing)}. Found {', '.join(repr(h) for h in headers)}. "
            f"Rename the header, or add its name under '{extract.name}:' in config/column_aliases.yaml."
        )
    return HeaderMap(columns, [h for h in headers if h not in columns])
