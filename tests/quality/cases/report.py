"""The report and vivier targets: names are data, never markup or formulas (issue 13, sections 2 and 3).

Territory and establishment ids and names reach the directors' report, and carer ids the list
of `vivier targets`. Each case here loads as data, unchanged (or pseudonymised, for a carer id);
what the report or the list makes of it is tested where `also` says."""

from __future__ import annotations

import re

import polars as pl

from tests.quality.case import Case
from tests.quality.landing import EXTRACTS
from tests.report.hostile import ESTABLISHMENT_ID, ESTABLISHMENT_NAME, TERRITORY_ID, TERRITORY_NAME


def quoted(value: str) -> str:
    """Gives `value` as a cell of a `;` CSV file: between double quotes, each one doubled."""
    return '"' + value.replace('"', '""') + '"'


def renamed(old: str, new: str, name: tuple[str, str] | None = None) -> dict[str, str]:
    """Gives the changes that write the id `old` as `new` in every file of the tiny landing folder
    that holds it (as a whole `;` cell), and, given (file, name), the name of its row in that file."""
    changes = {}
    for file, text in EXTRACTS.items():
        lines = []
        for line in text.splitlines():
            cells = [new if cell == old else cell for cell in line.split(";")]
            if name and file == name[0] and cells[0] == new:
                cells[1] = quoted(name[1])
            lines.append(";".join(cells))
        if lines != text.splitlines():
            changes[file] = "\n".join(lines) + "\n"
    return changes


PSEUDONYM = re.compile(r"[0-9a-f]{16}")
ALSO_SITE = "tests/report/test_site.py::test_hostile_names_are_shown_as_typed_and_run_nothing (page built, no dialog)"

CASES: list[Case] = [
    Case(
        "markup_and_apostrophe_in_a_territory",
        f"A territory named {TERRITORY_NAME!r} under the id {TERRITORY_ID!r}",
        "territories",
        renamed("T1", TERRITORY_ID, ("territories.csv", TERRITORY_NAME)),
        loaded=lambda f: f.filter(pl.col("territory_id") == TERRITORY_ID)["name"].to_list() == [TERRITORY_NAME],
        also=ALSO_SITE + "; tests/report/test_safe_js.py (tooltips escaped)",
    ),
    Case(
        "markup_and_apostrophe_in_an_establishment",
        f"An establishment named {ESTABLISHMENT_NAME!r} under the id {ESTABLISHMENT_ID!r}",
        "establishments",
        renamed("E1", ESTABLISHMENT_ID, ("establishments.csv", ESTABLISHMENT_NAME)),
        loaded=lambda f: (
            f.filter(pl.col("establishment_id") == ESTABLISHMENT_ID)["name"].to_list() == [ESTABLISHMENT_NAME]
        ),
        also=ALSO_SITE,
    ),
    Case(
        "formula_as_a_carer_id",
        "A carer id a spreadsheet would run as a formula ('=2+3'), in carers, placements and events",
        "foster_carers",
        renamed("F2", "=2+3"),
        loaded=lambda f: f.height == 2 and all(PSEUDONYM.fullmatch(i) for i in f["carer_id"]),
        personal=("=2+3",),
        also="tests/carers/test_targets.py::test_cells_a_spreadsheet_would_run_as_formulas_are_written_as_text",
    ),
]
