"""The names a header may give a contract column: the contract's own names and those of the
alias file `config/column_aliases.yaml`, compared once normalised. Read when a file's header
is looked for (`files`) and when it is matched to the contract (`headers`)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

import yaml

from pipelines.ingest.contract import Extract
from pipelines.paths import ALIASES_FILE


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
