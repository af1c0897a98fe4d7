"""Writes `pipelines/reference/drees_departements.csv`: each département's published DREES series.

A development script, run by hand when DREES publishes new figures; nothing Vivier runs reads the
workbooks. It reads DREES's workbook "Le personnel départemental de l'action sociale et
médico-sociale de 2014 à 2020" (enquête Aide sociale, as mirrored in patrickaubert/asdep, licence
EUPL) from the team's shared folder, and keeps, per département and year, the staff of the
département's social action (assistants familiaux apart) and the assistants familiaux it employs,
head counts on 31 December. Each figure keeps its source, sheet and year. A figure DREES does not
publish ("ND", or an empty cell) is left out: the report draws no point for it.

    .venv/bin/python tools/drees_series.py [--workbook PATH] [--out PATH]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = ROOT.parent / "shared" / "data" / "drees" / "personnel-departemental-action-sociale-2014-2020.xlsx"
OUT = ROOT / "pipelines" / "reference" / "drees_departements.csv"

# Short, since it is on every line; the sheet says which table, the year which column.
SOURCE = "DREES, enquête Aide sociale, le personnel départemental de l'action sociale 2014-2020"
# measure -> the workbook's sheet that holds it, head counts on 31 December.
SHEETS = {
    "personnel_hors_assistants_familiaux": "eff - total general hors AF",
    "assistants_familiaux": "eff - pers ass fam",
}
COLUMNS = ("departement", "departement_name", "year", "measure", "value", "source", "sheet")
# A département's row starts with its code: 01..95, 2A, 2B, 20 (Corse, from 2018), 69D and 69M (Rhône and
# the Métropole de Lyon), 971..976. The national totals and the notes below the table do not.
DEPARTEMENT = re.compile(r"^(\d{2,3}|2[AB]|69[DM])$")
HEADER = "Numéro de département"


def tidy_sheet(sheet: pl.DataFrame, sheet_name: str, measure: str) -> pl.DataFrame:
    """Gives one sheet's published figures, one row per département and year, from the sheet as read
    (no header, every cell text): the header row is the one whose first cell is "Numéro de département"."""
    cells = sheet.rename({old: f"c{i}" for i, old in enumerate(sheet.columns)})
    header_at = cells["c0"].to_list().index(HEADER)
    header = cells.row(header_at)
    years = {f"c{i}": int(float(y)) for i, y in enumerate(header) if i >= 2 and y is not None}
    rows = cells.slice(header_at + 1).filter(pl.col("c0").str.strip_chars().str.contains(DEPARTEMENT.pattern))
    return (
        rows.select(
            pl.col("c0").str.strip_chars().alias("departement"),
            pl.col("c1").str.strip_chars().alias("departement_name"),
            *[pl.col(c).alias(str(y)) for c, y in years.items()],
        )
        .unpivot(index=["departement", "departement_name"], variable_name="year", value_name="text")
        # "ND" (not published) and empty cells are left out; a published figure is a whole number.
        .filter(pl.col("text").is_not_null() & pl.col("text").str.strip_chars().str.contains(r"^\d+(\.0+)?$"))
        .select(
            "departement",
            "departement_name",
            pl.col("year").cast(pl.Int32),
            pl.lit(measure).alias("measure"),
            pl.col("text").str.strip_chars().cast(pl.Float64).cast(pl.Int64).alias("value"),
            pl.lit(SOURCE).alias("source"),
            pl.lit(sheet_name).alias("sheet"),
        )
    )


def read_series(workbook: Path) -> pl.DataFrame:
    """Gives the figures of every measure of `SHEETS` read from `workbook`, sorted by département, measure, year."""
    parts = [
        tidy_sheet(pl.read_excel(workbook, sheet_name=sheet, has_header=False, infer_schema_length=0), sheet, measure)
        for measure, sheet in SHEETS.items()
    ]
    return pl.concat(parts).sort("departement", "measure", "year").select(COLUMNS)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workbook", type=Path, default=WORKBOOK, help="DREES's staff workbook (xlsx)")
    parser.add_argument("--out", type=Path, default=OUT, help="the CSV to write")
    args = parser.parse_args(argv)
    if not args.workbook.is_file():
        raise SystemExit(
            f"{args.workbook} is not there: put DREES's workbook 'Le personnel départemental de l'action sociale "
            "et médico-sociale de 2014 à 2020' there, or give its path with --workbook."
        )
    series = read_series(args.workbook)
    series.write_csv(args.out)
    print(f"{args.out}: {series.height} figures, {series['departement'].n_unique()} départements")


if __name__ == "__main__":
    main()
