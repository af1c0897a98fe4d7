"""tools/drees_series.py: what it keeps of a DREES sheet, and that the shipped CSV is what it reads from
DREES's workbook (skipped where the team's shared folder is not there: the CSV's shape is tested in
tests/report/test_reference.py everywhere)."""

import polars as pl
import pytest

from pipelines.report.reference import DREES, drees_departements
from tools.drees_series import WORKBOOK, read_series, tidy_sheet

# A sheet as DREES lays it out, read with no header, every cell text.
SHEET = pl.DataFrame(
    [
        ["Effectifs au 31/12 - Assistants familiaux", None, None, None],
        ["> retour sommaire", None, None, None],
        ["Numéro de département", "Département", "2019", "2020"],
        ["01", "Ain", "311", "313"],
        ["07", "Ardèche", "274", "ND"],
        ["2A", "Corse-du-Sud", None, None],
        ["69M", "Métropole de Lyon", "254", "246"],
        ["TOTAL estimé France métropolitaine", None, "34834", "34427"],
        ["Source : DREES, enquête Aide sociale.", None, None, None],
    ],
    schema=["a", "b", "c", "d"],
    orient="row",
)


def test_a_sheet_gives_one_figure_per_departement_and_published_year():
    tidy = tidy_sheet(SHEET, "eff - pers ass fam", "assistants_familiaux")
    assert sorted(tidy.select("departement", "year", "value").rows()) == [
        ("01", 2019, 311),
        ("01", 2020, 313),
        ("07", 2019, 274),
        ("69M", 2019, 254),
        ("69M", 2020, 246),
    ]
    # "ND", empty cells and the national totals are left out; every figure says where it comes from.
    assert set(tidy["sheet"]) == {"eff - pers ass fam"} and tidy["source"].str.starts_with("DREES").all()


@pytest.mark.skipif(not WORKBOOK.is_file(), reason="DREES's workbook is read from the team's shared folder")
def test_the_shipped_csv_is_what_the_script_reads_from_the_workbook():
    read = read_series(WORKBOOK)
    shipped = drees_departements()
    assert read.equals(shipped.cast(read.schema)), f"run tools/drees_series.py to rewrite {DREES.name}"
    # One figure checked by hand in the workbook: Hérault (34), sheet "eff - pers ass fam", column 2020.
    herault = read.filter((pl.col("departement") == "34") & (pl.col("measure") == "assistants_familiaux"))
    assert herault.filter(pl.col("year") == 2020)["value"].to_list() == [693]
