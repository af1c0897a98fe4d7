"""One kind of bad input of the catalogue (`Case`), and the helpers that build its fixture
from the tiny landing folder of `landing.py`."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl

from tests.quality.landing import EXTRACTS

if TYPE_CHECKING:
    from tests.quality.harness import Loaded

STAFF = EXTRACTS["staff.csv"]
HEADER, *ROWS = STAFF.splitlines()
C5 = ROWS[-1]


@dataclass(frozen=True)
class Case:
    id: str
    kind: str  # what the HR extract contains
    extract: str
    changes: dict[str, str | bytes | None]
    file_error: str | None = None  # the message the extract's files fail with
    rules: tuple[str, ...] = ()  # quarantine rules of the rows quarantined, sorted
    duplicates: int = 0
    check: tuple[str, str] | None = None  # (expectation, severity) of the extract's suite that fails
    before: dict[str, str | bytes | None] | None = None  # the landing folder of the run before, if it matters
    loaded: Callable[[pl.DataFrame], bool] | None = None  # what the loaded rows must show
    # What the extract's load must show beyond its rows: its ingest report (`report`), its quarantine's
    # details, what its DSN files gave (`dsn`: declarations, missing months...).
    outcome: Callable[[Loaded], bool] | None = None
    also: str = ""  # where else it is tested
    # Text a person typed about a person in the fixture (a comment, a name, a NIR typed in the wrong
    # column): found in no table of the warehouse and in no message of Dagster's event log.
    personal: tuple[str, ...] = ()


def staff_rows(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def xlsx(frame: pl.DataFrame, title: str | None = None) -> bytes:
    """Gives a spreadsheet of `frame`, numbers as numbers (as a spreadsheet holds them), under an
    optional title row."""
    import xlsxwriter

    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": True}) as book:
        sheet = book.add_worksheet()
        top = 2 if title else 0
        if title:
            sheet.write(0, 0, title)
        sheet.write_row(top, 0, frame.columns)
        for i, row in enumerate(frame.iter_rows(), start=top + 1):
            sheet.write_row(i, 0, row)
    return buffer.getvalue()


def staff_frame() -> pl.DataFrame:
    return pl.read_csv(io.StringIO(STAFF), separator=";", infer_schema=False)
