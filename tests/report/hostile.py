"""Hostile names for the report's tests (issue 13): a territory and an establishment whose ids hold
an apostrophe and whose names hold markup, quotes, apostrophes and backticks, put into a landing
folder in place of one territory and one establishment, in every file that names them."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import polars as pl

# Shown as HTML, either name would run its script; shown as text, a director reads it as typed.
TERRITORY_ID = "VAL-D'OISE"
TERRITORY_NAME = "<img src=x onerror=alert('territoire')> Val-d'Oise \"Nord\" `95`"
ESTABLISHMENT_ID = "MECS-L'ETOILE"
ESTABLISHMENT_NAME = "<svg onload=alert('etablissement')> MECS L'Étoile \"Les Pins\" `B`"

BOM = b"\xef\xbb\xbf"


def rename(landing: Path, old_id: str, new_id: str, table: str, new_name: str) -> int:
    """Replaces the id `old_id` by `new_id` in every cell of every file of `landing` that holds it
    exactly, and gives the row of `table` (territories or establishments) the name `new_name`.
    Files keep their format, encoding and separator. Gives the number of cells changed."""
    changed = 0
    for path in sorted(landing.iterdir()):
        if path.suffix == ".csv":
            changed += _rename_csv(path, old_id, new_id, new_name if path.name.startswith(table) else None)
        elif path.suffix == ".xlsx":
            changed += _rename_xlsx(path, old_id, new_id)
        elif path.suffix == ".parquet":
            frame = pl.read_parquet(path)
            strings = [c for c, t in frame.schema.items() if t == pl.String]
            found = sum(int((frame[c] == old_id).sum()) for c in strings)
            if found:
                frame.with_columns(pl.col(c).replace(old_id, new_id) for c in strings).write_parquet(path)
            changed += found
    return changed


def _rename_csv(path: Path, old_id: str, new_id: str, new_name: str | None) -> int:
    data = path.read_bytes()
    encoding = "utf-8"
    try:
        text = data.removeprefix(BOM).decode("utf-8")
    except UnicodeDecodeError:
        encoding = "cp1252"
        text = data.decode(encoding)
    separator = max(";,\t", key=text.split("\n", 1)[0].count)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    changed = 0
    for row in rows[1:]:
        if row and row[0] == old_id and new_name is not None:
            row[1] = new_name  # territories and establishments: the name follows the id
        for i, value in enumerate(row):
            if value == old_id:
                row[i] = new_id
                changed += 1
    if changed:
        out = io.StringIO(newline="")
        ends = "\r\n" if b"\r\n" in data[:100_000] else "\n"
        csv.writer(out, delimiter=separator, lineterminator=ends).writerows(rows)
        path.write_bytes((BOM if data.startswith(BOM) else b"") + out.getvalue().encode(encoding))
    return changed


def _rename_xlsx(path: Path, old_id: str, new_id: str) -> int:
    """Renames the id in the spreadsheet's shared strings (text cells); numbers are left alone."""
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    pattern = re.compile(rf"(<t(?: [^>]*)?>){re.escape(escape(old_id))}(</t>)")
    strings = parts.get("xl/sharedStrings.xml", b"").decode("utf-8")
    renamed, changed = pattern.subn(lambda m: m[1] + escape(new_id) + m[2], strings)
    if changed:
        parts["xl/sharedStrings.xml"] = renamed.encode("utf-8")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
            for name, content in parts.items():
                book.writestr(name, content)
    return changed


def make_hostile(landing: Path, territory: str, establishment: str) -> None:
    """Gives the territory `territory` and the establishment `establishment` of `landing` the hostile
    ids and names above, in every file that names them."""
    assert rename(landing, territory, TERRITORY_ID, "territories", TERRITORY_NAME) > 1
    assert rename(landing, establishment, ESTABLISHMENT_ID, "establishments", ESTABLISHMENT_NAME) > 1
