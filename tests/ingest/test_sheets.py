"""Workbooks of several sheets: every sheet with the extract's header is read, each row keeps
its sheet, and a sheet that is not read is named, never passed over in silence."""

import pytest

from pipelines.ingest.contract import EXTRACTS
from pipelines.ingest.files import ExtractFileError, read_text_table, read_text_tables
from pipelines.ingest.headers import extract_tables, load_aliases
from pipelines.ingest.raw import to_raw
from tests.quality.cases.files import NOTES, staff_cells, workbook
from tests.quality.harness import run_ingest
from tests.quality.landing import write_landing

STAFF = EXTRACTS["staff"]
TERRITORY_CELLS = [["territory_id", "name"], ["T1", "Nord"]]


def sheets(tmp_path, **named: list[list]) -> list:
    path = tmp_path / "staff_2025.xlsx"
    path.write_bytes(workbook({name.replace("_", "-"): cells for name, cells in named.items()}))
    return read_text_tables(path)


def test_every_sheet_with_the_extracts_header_is_read_and_rows_keep_their_sheet(tmp_path):
    tables = sheets(
        tmp_path,
        y2016_2020=[["Contrats 2016-2020"], [], *staff_cells("C1", "C4")],
        y2021_2026=staff_cells("C2", "C3", "C5"),
        Notes=NOTES,
    )
    used = extract_tables(tables, STAFF, load_aliases())
    assert [t.name for t in used] == ["staff_2025.xlsx [y2016-2020]", "staff_2025.xlsx [y2021-2026]"]
    assert used[0].notes == (
        "staff_2025.xlsx [y2016-2020]: 2 row(s) above the header (a title, blank lines) were skipped.",
        "staff_2025.xlsx: sheet 'Notes' was not read: none of the 1 cells of its row 1 is a column of the staff "
        "extract. If it holds rows of the extract, give it the extract's header.",
    )
    raw = [to_raw(t, STAFF, load_aliases(), "a-key-of-sixteen-characters") for t in used]
    assert [(r["source_file"], r["rows_read"]) for _, r in raw] == [
        ("staff_2025.xlsx [y2016-2020]", 2),
        ("staff_2025.xlsx [y2021-2026]", 3),
    ]
    assert raw[0][0]["source_row"].to_list() == [4, 5]  # under the title, a blank row and the header
    assert raw[1][0]["source_row"].to_list() == [2, 3, 4]


def test_a_sheet_missing_a_required_column_fails_the_file_naming_the_sheet(tmp_path):
    without_fte = [[c for i, c in enumerate(row) if i != 7] for row in staff_cells("C5")]
    tables = extract_tables(sheets(tmp_path, A=staff_cells("C1"), B=without_fte), STAFF, load_aliases())
    assert len(tables) == 2  # its header names columns of the extract: it is read, and fails
    with pytest.raises(ExtractFileError, match=r"^staff_2025.xlsx \[B\]: required column\(s\) missing: fte\. "):
        to_raw(tables[1], STAFF, load_aliases(), "a-key-of-sixteen-characters")


def test_a_workbook_with_no_sheet_of_the_extract_fails_naming_its_sheets(tmp_path):
    with pytest.raises(ExtractFileError) as error:
        extract_tables(sheets(tmp_path, Territoires=TERRITORY_CELLS, Notes=NOTES), STAFF, load_aliases())
    assert str(error.value) == (
        "staff_2025.xlsx: no sheet of the workbook has a header of the staff extract (sheets 'Territoires', "
        "'Notes'; the header is looked for in the first 10 rows of each). Expected headers such as employee_id, "
        "contract_id, birth_date, sex, job_family, establishment_id, contract_type, fte, start_date, end_date, "
        "exit_reason, monthly_gross_pay."
    )


def test_empty_sheets_are_not_tables_and_one_sheet_keeps_the_file_name(tmp_path):
    tables = sheets(tmp_path, Feuil1=staff_cells(), Feuil2=[], Feuil3=[[""]])
    assert [(t.name, t.sheet, t.rows.height) for t in tables] == [("staff_2025.xlsx", "", 5)]
    assert extract_tables(tables, STAFF, load_aliases()) is tables


def test_a_workbook_of_several_tables_is_not_read_as_one(tmp_path):
    path = tmp_path / "foster_carers.xlsx"
    path.write_bytes(workbook({"2024": TERRITORY_CELLS, "2025": TERRITORY_CELLS}))
    with pytest.raises(ExtractFileError, match=r"the workbook has 2 sheets with cells \('2024', '2025'\)"):
        read_text_table(path)


def test_the_sheet_not_read_is_named_in_the_run_log(tmp_path):
    landing = write_landing(
        tmp_path / "landing",
        {
            "staff.csv": None,
            "staff_2025.xlsx": workbook(
                {"2016-2020": staff_cells("C1", "C4"), "2021-2026": staff_cells("C2", "C3", "C5"), "Notes": NOTES}
            ),
        },
    )
    tables, event_log = run_ingest(landing, tmp_path / "w.duckdb")
    assert "staff_2025.xlsx: sheet 'Notes' was not read: none of the 1 cells of its row 1" in event_log
    assert "staff_2025.xlsx [2016-2020] | 2 | 2 | 0 | 0" in tables["quality.ingest_report"]
    assert "staff_2025.xlsx [2021-2026] | 3 | 3 | 0 | 0" in tables["quality.ingest_report"]


def test_a_row_of_column_groups_above_the_header_is_not_taken_as_the_header(tmp_path):
    groups = ["Agent"] * 4 + ["Contrat"] * 7 + ["Paie"]  # as many cells as the header, and repeated
    (table,) = sheets(tmp_path, Feuil1=[groups, *staff_cells("C1", "C2")])
    assert table.headers == staff_cells()[0]
    assert table.rows["source_row"].to_list() == [3, 4]
    assert table.header_why.startswith("row 2 was taken as the header: it names the most columns of the staff")
