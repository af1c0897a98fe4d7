"""Files read whole: sheets, encodings, dates typed as text, CSV forms (issue 13, sections 1 and 4)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import polars as pl

from tests.quality.case import C5, HEADER, ROWS, STAFF, Case, staff_rows
from tests.quality.landing import EXTRACTS

CARERS = EXTRACTS["foster_carers.csv"]
CARERS_HEADER, *CARER_ROWS = CARERS.splitlines()
COMMENT = "Démission - conflit avec M. Dupont,\ntél 06 12 34 56 78"


@dataclass(frozen=True)
class Formula:
    """A formula cell and the value Excel last computed for it (an error such as #N/A)."""

    formula: str
    result: str


def workbook(sheets: dict[str, list[list]]) -> bytes:
    """Gives a workbook of one sheet per name, cells as given: text as text (a spreadsheet cell
    typed "2019" is text), numbers as numbers, datetimes as date cells, `Formula` as formulas."""
    import xlsxwriter

    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        date = book.add_format({"num_format": "dd/mm/yyyy"})
        for name, rows in sheets.items():
            sheet = book.add_worksheet(name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if isinstance(value, Formula):
                        sheet.write_formula(r, c, value.formula, None, value.result)
                    elif isinstance(value, dt.datetime):
                        sheet.write_datetime(r, c, value, date)
                    elif isinstance(value, (int, float)):
                        sheet.write_number(r, c, value)
                    elif value:
                        sheet.write_string(r, c, value)
    return buffer.getvalue()


def staff_cells(*contracts: str, change: dict[tuple[str, str], object] | None = None) -> list[list]:
    """Gives the header and the rows of the tiny staff extract (those of `contracts`, or all) as
    spreadsheet cells: numbers as numbers, dates as text; `change` sets (contract, column) cells."""
    frame = pl.read_csv(io.StringIO(STAFF), separator=";", infer_schema=False)
    rows = []
    for row in frame.iter_rows(named=True):
        if contracts and row["contract_id"] not in contracts:
            continue
        cells = {k: (float(v) if k in ("fte", "monthly_gross_pay") and v else v or "") for k, v in row.items()}
        for (contract, column), value in (change or {}).items():
            if contract == row["contract_id"]:
                cells[column] = value
        rows.append(list(cells.values()))
    return [frame.columns, *rows]


def at_row(frame: pl.DataFrame, row: int) -> dict:
    """Gives the loaded row of a spreadsheet row (ids are pseudonymised: rows are found by number)."""
    return frame.row(by_predicate=pl.col("source_row") == row, named=True)


NOTES = [["Export du 30/06/2025"], ["Contact paie : Mme Martin, poste 4512"]]
WITH_COMMENT = HEADER + ";Commentaire"


def parquet_with_float_ids(*contracts: str) -> bytes:
    """Gives the rows of `contracts` as pandas writes them to Parquet when an integer column has a
    missing value: ids and numbers as floats (matricule 101 is 101.0), dates as dates."""
    frame = pl.read_csv(io.StringIO(STAFF.replace("A101", "101")), separator=";", try_parse_dates=True)
    buffer = io.BytesIO()
    frame.filter(pl.col("contract_id").is_in(contracts)).with_columns(
        pl.col("employee_id", "fte", "monthly_gross_pay").cast(pl.Float64)
    ).write_parquet(buffer)
    return buffer.getvalue()


# A note typed in the header row, beside the contract's columns.
HEADER_NOTE = "Remplaçante de Mme Kowalczyk 0699887766"
# A comment typed without quotes in the row of C2, holding the separator 21 times.
SEPARATED_COMMENT = "; ".join(["absente", "voir Mme Kowalczyk"] * 11)
GROUP_ROW = "Agent;Agent;Agent;Agent;Contrat;Contrat;Contrat;Contrat;Contrat;Contrat;Contrat;Paie"

CASES: list[Case] = [
    # ------------------------------------------------------------------ workbooks of several sheets
    Case(
        "xlsx_rows_over_two_sheets",
        "A workbook whose contracts span two sheets ('2016-2020', '2021-2026') beside a 'Notes' sheet",
        "staff",
        {
            "staff.csv": None,
            "staff_2025.xlsx": workbook(
                {"2016-2020": staff_cells("C1", "C4"), "2021-2026": staff_cells("C2", "C3", "C5"), "Notes": NOTES}
            ),
        },
        loaded=lambda f: (
            f.height == 5
            and sorted(set(f["source_file"])) == ["staff_2025.xlsx [2016-2020]", "staff_2025.xlsx [2021-2026]"]
        ),
        personal=("Martin",),
        also="tests/ingest/test_sheets.py: the sheet not read is named in the run's log, rows keep their sheet",
    ),
    Case(
        "xlsx_sheet_without_required_column",
        "A workbook whose second sheet lacks a required column (fte)",
        "staff",
        {
            "staff.csv": None,
            "staff_2025.xlsx": workbook(
                {
                    "2016-2020": staff_cells("C1", "C4"),
                    "2021-2026": [[c for i, c in enumerate(r) if i != 7] for r in staff_cells("C2", "C3", "C5")],
                }
            ),
        },
        file_error="staff_2025.xlsx [2021-2026]: required column(s) missing: fte",
        also="tests/ingest/test_sheets.py",
    ),
    Case(
        "xlsx_no_sheet_of_the_extract",
        "A workbook none of whose sheets has the extract's header",
        "staff",
        {
            "staff.csv": None,
            "staff_2025.xlsx": workbook({"Synthèse": [["Effectif", "ETP total"], [5, 4.1]], "Notes": NOTES}),
        },
        file_error="staff_2025.xlsx: no sheet of the workbook has a header of the staff extract "
        "(sheets 'Synthèse', 'Notes'",
        personal=("Martin",),
        also="tests/ingest/test_sheets.py",
    ),
    # ------------------------------------------------------------------ spreadsheet cells typed as text
    Case(
        "xlsx_excel_error_cells",
        "Excel error cells (#N/A in an optional pay, #DIV/0! in fte) in the sheet of "
        "the extract, and #N/A in a notes sheet",
        "staff",
        {
            "staff.csv": None,
            "staff_2025.xlsx": workbook(
                {
                    "Contrats": staff_cells(
                        change={
                            ("C2", "monthly_gross_pay"): Formula("=NA()", "#N/A"),
                            ("C3", "fte"): Formula("=1/0", "#DIV/0!"),
                        }
                    ),
                    "Notes": [["Remarques"], [Formula("=NA()", "#N/A")]],
                }
            ),
        },
        file_error="2 cell(s) hold an Excel error instead of a value: row 3, column 'monthly_gross_pay': #N/A; "
        "row 4, column 'fte': #DIV/0!",
        also="tests/ingest/test_files.py::test_excel_error_cells_are_named_not_read_as_empty",
    ),
    Case(
        "xlsx_date_typed_as_text",
        "A spreadsheet date typed as text ('2019', and '45291' as text) beside a date held as a number",
        "staff",
        {
            "staff.csv": None,
            "staff_2025.xlsx": workbook(
                {
                    "Feuil1": staff_cells(
                        change={("C5", "start_date"): "2019", ("C2", "start_date"): "45291", ("C4", "end_date"): 45747}
                    )
                }
            ),
        },
        rules=("invalid_date", "invalid_date"),
        loaded=lambda f: str(at_row(f, 5)["end_date"]) == "2025-03-31",  # C4, the number 45747
        also="tests/ingest/test_files.py::test_xlsx_text_in_a_date_cell_is_not_an_excel_serial",
    ),
    # ------------------------------------------------------------------ encodings
    Case(
        "utf8_with_one_windows_1252_line",
        "A UTF-8 file with one line pasted from a Windows-1252 file",
        "establishments",
        {
            "establishments.csv": EXTRACTS["establishments.csv"]
            .replace("Maison des Tilleuls", "Maison de l'Étoile")
            .encode("utf-8")
            .replace("Département".encode(), "Département".encode("cp1252"))
        },
        loaded=lambda f: (
            sorted(f["name"]) == ["Maison de l'Étoile", "Service d'accueil familial"]
            and sorted(f["organisation"]) == ["Association A", "Département"]
        ),
        also="tests/ingest/test_files.py::test_a_utf8_file_with_one_windows_1252_line_keeps_every_accent",
    ),
    # ------------------------------------------------------------------ CSV forms
    Case(
        "multiline_comment_in_last_row",
        "A comment over two lines in the last row, no line break after it",
        "staff",
        {"staff.csv": staff_rows(*(r + ";" for r in ROWS[:-1]), header=WITH_COMMENT) + C5 + f';"{COMMENT}"'},
        loaded=lambda f: f.height == 5,
        personal=("Dupont", "06 12 34 56 78"),
        also="tests/ingest/test_files.py::test_a_quoted_value_over_several_lines_in_the_last_row",
    ),
    Case(
        "header_cell_wrapped",
        "A header cell wrapped by Excel ('Date\\nd'entrée'), under a title line",
        "staff",
        {
            "staff.csv": "Effectifs au 30/06/2025\n"
            + staff_rows(*ROWS, header=HEADER.replace(";start_date;", ';"Date\nd\'entrée";'))
        },
        loaded=lambda f: f["source_row"].to_list() == [3, 4, 5, 6, 7] and f["start_date"].null_count() == 0,
        also="tests/ingest/test_files.py::test_a_header_cell_over_two_lines",
    ),
    Case(
        "mac_line_ends",
        "Lines ended by a carriage return alone (Excel for Mac)",
        "staff",
        {"staff.csv": STAFF.replace("\n", "\r")},
        loaded=lambda f: f.height == 5,
        also="tests/ingest/test_files.py::test_lines_ended_by_a_carriage_return_alone",
    ),
    Case(
        "trailing_empty_columns",
        "Empty columns at the end of every line (';;;', empty header cells)",
        "staff",
        {"staff.csv": "".join(line + ";;;\n" for line in STAFF.splitlines())},
        loaded=lambda f: f.height == 5,
        also="tests/ingest/test_files.py::test_empty_columns_with_no_header_are_left_out",
    ),
    Case(
        "trailing_separators_on_rows_only",
        "Rows ending with ';;' under a header that does not",
        "staff",
        {"staff.csv": staff_rows(*(r + ";;" for r in ROWS))},
        loaded=lambda f: f.height == 5,
        also="tests/ingest/test_files.py::test_empty_columns_with_no_header_are_left_out",
    ),
    Case(
        "column_without_header",
        "A column of comments with no header",
        "staff",
        {
            "staff.csv": staff_rows(
                *(r + (";appelle Mme Durand" if r.startswith("A102") else ";") for r in ROWS), header=HEADER + ";"
            )
        },
        loaded=lambda f: f.height == 5,
        personal=("Durand",),
        also="tests/ingest/test_files.py::test_a_column_with_values_and_no_header_is_dropped_by_name",
    ),
    Case(
        "field_over_128_kb",
        "A comment of 200 KB in the first row",
        "staff",
        {"staff.csv": staff_rows(ROWS[0] + ";" + "note " * 40_000, *(r + ";" for r in ROWS[1:]), header=WITH_COMMENT)},
        loaded=lambda f: f.height == 5,
        also="tests/ingest/test_files.py::test_a_field_over_128_kb_is_read",
    ),
    Case(
        "group_row_above_the_header",
        "A row of column groups above the header ('Agent;Agent;...;Contrat;...;Paie', as many cells)",
        "staff",
        {"staff.csv": GROUP_ROW + "\n" + STAFF},
        loaded=lambda f: f["source_row"].to_list() == [3, 4, 5, 6, 7],
        also="tests/ingest/test_files.py::test_a_group_row_above_the_header_is_not_taken_as_the_header",
    ),
    Case(
        "id_as_parquet_float",
        "An id written as a decimal number in Parquet (pandas: matricule 101 as 101.0) "
        "beside '101' in a CSV, two contracts in both files",
        "staff",
        {"staff.csv": STAFF.replace("A101", "101"), "staff_2025.parquet": parquet_with_float_ids("C2", "C3")},
        duplicates=2,
        loaded=lambda f: f.height == 5 and f["employee_id"].n_unique() == 4,
        also="tests/ingest/test_files.py::test_a_whole_number_in_a_parquet_float_column_is_written_as_an_integer",
    ),
    # ------------------------------------------------------------------ messages that quote no row
    Case(
        "header_naming_a_person",
        f"A column outside the contract whose header names a person ('{HEADER_NOTE}')",
        "staff",
        {"staff.csv": staff_rows(*(r + ";Dupont;" for r in ROWS), header=HEADER + f";Nom;{HEADER_NOTE}")},
        loaded=lambda f: f.height == 5,
        personal=("Kowalczyk", "0699887766", "Dupont"),
        also="tests/ingest/test_files.py::test_a_dropped_header_is_named_only_when_it_is_a_usual_one",
    ),
    Case(
        "comment_full_of_separators",
        "A comment typed without quotes holding the separator 21 times, in the second row (wider than the header)",
        "staff",
        {
            "staff.csv": staff_rows(
                *(r + (f";{SEPARATED_COMMENT}" if r.startswith("A101;C2") else ";") for r in ROWS), header=WITH_COMMENT
            )
        },
        file_error="staff.csv: cannot be read as a CSV table: row 3 has 34 cells and the header 13",
        personal=("Kowalczyk",),
        also="tests/ingest/test_files.py::test_a_row_made_wide_by_a_comment_is_named_not_taken_as_the_header",
    ),
    Case(
        "header_missing",
        "A carers file exported without its header row (names in it)",
        "foster_carers",
        {"foster_carers.csv": "".join(f"{r};Dupont;Marie\n" for r in CARER_ROWS)},
        file_error="foster_carers.csv: no column matches the foster_carers extract: none of the 14 cells of row 1",
        personal=("Dupont", "Marie"),
        also="tests/ingest/test_files.py::test_a_row_of_data_taken_as_the_header_is_not_quoted",
    ),
    Case(
        "separator_in_a_name",
        "A name holding the separator, unquoted ('Dupont; Marie')",
        "staff",
        {
            "staff.csv": staff_rows(
                *(r + (";Dupont; Marie" if r.startswith("A102") else ";Durand") for r in ROWS), header=HEADER + ";Nom"
            )
        },
        file_error="staff.csv: cannot be read as a CSV table: row 5 has 14 cells and the header 13",
        personal=("Dupont", "Marie", "Durand"),
        also="tests/ingest/test_files.py::test_a_row_wider_than_the_header_is_named_not_quoted",
    ),
    Case(
        "control_characters_in_file_name",
        "A file name holding terminal control characters",
        "staff",
        {"staff.csv": None, "staff_\x1b[2J\rRun succeeded.csv": b""},
        file_error="staff_\\x1b[2J\\rRun succeeded.csv: the file is empty",
        also="tests/ingest/test_files.py::test_file_names_are_printed_with_control_characters_escaped",
    ),
]
