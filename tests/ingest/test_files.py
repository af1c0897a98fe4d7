import datetime as dt
import pathlib

import polars as pl
import pytest

from pipelines.ingest.contract import EXTRACTS
from pipelines.ingest.files import ExtractFileError, decode, extract_of, find_files, read_text_table, read_text_tables
from pipelines.ingest.headers import known_headers, load_aliases, map_headers, normalise_header
from pipelines.ingest.pseudonym import pseudonym
from pipelines.ingest.raw import excel_serial_to_date, to_raw
from pipelines.text import printable
from tests.quality.cases.files import workbook

TERRITORIES = "territory_id;name\nT1;Hérault Ouest\nT2;Cœur d'Hérault\n"


def test_files_are_matched_to_extracts_by_prefix():
    assert extract_of("staff_2025-06.xlsx") == "staff"
    assert extract_of("STAFF.csv") == "staff"
    assert extract_of("carer_events_2024.parquet") == "carer_events"
    assert extract_of("carer_enquiries.csv") == "carer_enquiries"
    assert extract_of("notes.csv") is None


def test_sub_folders_and_other_extracts_are_not_files_of_an_extract(tmp_path):
    (tmp_path / "_truth").mkdir()
    (tmp_path / "_truth" / "staff.csv").write_text("x")
    for name in ("staff_b.csv", "staff_a.csv", "placements.csv"):
        (tmp_path / name).write_text("x")
    assert [p.name for p in find_files(tmp_path, "staff")] == ["staff_a.csv", "staff_b.csv"]


@pytest.mark.parametrize(
    ("encoding", "separator"),
    [("utf-8", ";"), ("utf-8-sig", ","), ("cp1252", ";"), ("cp1252", "\t"), ("utf-8", "\t")],
)
def test_csv_in_every_accepted_encoding_and_separator_reads_the_same(tmp_path, encoding, separator):
    path = tmp_path / "territories.csv"
    path.write_bytes(TERRITORIES.replace(";", separator).encode(encoding))
    table = read_text_table(path)
    assert table.headers == ["territory_id", "name"]
    assert table.rows["name"].to_list() == ["Hérault Ouest", "Cœur d'Hérault"]
    assert table.rows["source_row"].to_list() == [2, 3]


def test_blank_lines_are_not_rows_and_rows_keep_their_line_numbers(tmp_path):
    path = tmp_path / "territories.csv"
    path.write_text("territory_id,name\nT1,A\n\nT2,B\n")
    table = read_text_table(path)
    assert table.rows["source_row"].to_list() == [2, 4]
    assert table.blank_rows == 1


def test_a_header_only_file_reads_as_no_rows(tmp_path):
    path = tmp_path / "territories.csv"
    path.write_text("territory_id,name\n")
    assert read_text_table(path).rows.height == 0


def test_xlsx_dates_and_numbers_read_as_contract_text(tmp_path):
    path = tmp_path / "staff.xlsx"
    pl.DataFrame(
        {"Matricule": ["A1"], "Date d'entrée": [dt.date(2024, 1, 31)], "ETP": [0.8], "Places": [3.0]}
    ).write_excel(path)
    table = read_text_table(path)
    assert table.rows.row(0, named=True) == {
        "source_row": 2,
        "Matricule": "A1",
        "Date d'entrée": "2024-01-31",
        "ETP": "0.8",
        "Places": "3",
    }


def test_parquet_reads_as_text(tmp_path):
    path = tmp_path / "carer_events.parquet"
    pl.DataFrame({"carer_id": ["C1"], "event_date": [dt.date(2024, 5, 2)], "days": [2]}).write_parquet(path)
    assert read_text_table(path).rows.row(0, named=True) == {
        "source_row": 2,
        "carer_id": "C1",
        "event_date": "2024-05-02",
        "days": "2",
    }


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("staff.txt", b"a,b\n1,2\n", "staff.txt: files of type '.txt' are not read"),
        ("staff.csv", b"", "staff.csv: the file is empty"),
        ("staff.xlsx", b"this is not a spreadsheet", "staff.xlsx: cannot be read as a XLSX table"),
        ("staff.parquet", b"PAR1 broken", "staff.parquet: cannot be read as a PARQUET table"),
        ("staff.csv", b"\n\nx", "staff.csv: the first line is empty"),
        ("staff.csv", b"a,a\n1,2\n", "staff.csv: columns 1 and 2 of the header"),
        ("staff.csv", b"a,b\n1,2,3\n", "staff.csv: cannot be read as a CSV table"),
    ],
)
def test_unreadable_files_say_which_file_and_why(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ExtractFileError, match=message.replace("(", r"\(").replace(".", r"\.")):
        read_text_table(path)


def test_headers_match_whatever_the_case_accents_and_spaces():
    assert normalise_header("Date d'Entrée ") == normalise_header("date_d_entree") == "datedentree"
    assert normalise_header("\ufeffEmployee ID") == "employeeid"


def test_french_headers_map_through_the_alias_file_and_others_are_dropped():
    headers = [
        "Matricule",
        "N° contrat",
        "Date de naissance",
        "Métier",
        "Établissement",
        "Type de contrat",
        "ETP",
        "Date d'entrée",
        "Nom",
        "NIR",
        "Contract_Type ",
    ]
    with pytest.raises(ExtractFileError, match="'Type de contrat' and 'Contract_Type ' both mean staff.contract_type"):
        map_headers("staff.csv", headers, EXTRACTS["staff"], load_aliases())
    header_map = map_headers("staff.csv", headers[:-1], EXTRACTS["staff"], load_aliases())
    assert header_map.columns["Matricule"] == "employee_id"
    assert header_map.columns["Date d'entrée"] == "start_date"
    assert header_map.dropped == ["Nom", "NIR"]


def test_a_missing_required_column_names_it_and_the_fix():
    with pytest.raises(
        ExtractFileError, match=r"staff.csv: required column\(s\) missing: fte, start_date.*column_aliases"
    ):
        map_headers(
            "staff.csv",
            ["employee_id", "contract_id", "birth_date", "job_family", "establishment_id", "contract_type"],
            EXTRACTS["staff"],
            {},
        )


def test_a_file_of_another_table_is_refused():
    with pytest.raises(ExtractFileError, match="no column matches the staff extract"):
        map_headers("staff.csv", ["foo", "bar"], EXTRACTS["staff"], {})


# ------------------------------------------------------------------ issue 13: files read whole


def test_file_names_are_printed_with_control_characters_escaped(tmp_path):
    assert printable("staff_\x1b[2J\rRun succeeded.csv") == "staff_\\x1b[2J\\rRun succeeded.csv"
    assert printable("Établissement\u202egpj.csv") == "Établissement\\u202egpj.csv"
    assert printable("Cœur d'Hérault\u00a0Ouest.xlsx") == "Cœur d'Hérault\u00a0Ouest.xlsx"
    path = tmp_path / "staff_\x1b[2J.csv"
    path.write_bytes(b"")
    with pytest.raises(ExtractFileError) as error:
        read_text_table(path)
    assert str(error.value).startswith("staff_\\x1b[2J.csv: the file is empty")


def test_a_utf8_file_with_one_windows_1252_line_keeps_every_accent(tmp_path):
    data = "territory_id;name\nT1;Hérault Ouest\n".encode() + "T2;Cœur d'Hérault\n".encode("cp1252")
    assert decode(data) == ("territory_id;name\nT1;Hérault Ouest\nT2;Cœur d'Hérault\n", "utf-8+cp1252", [3])
    path = tmp_path / "territories.csv"
    path.write_bytes(data)
    table = read_text_table(path)
    assert table.rows["name"].to_list() == ["Hérault Ouest", "Cœur d'Hérault"]
    assert table.encoding == "utf-8+cp1252"
    assert table.notes == (
        "territories.csv: 1 line(s) are Windows-1252 in a file otherwise UTF-8 (line 3); they were read as "
        "Windows-1252. Check their accents, and export the file again in one encoding.",
    )


def test_a_byte_that_neither_encoding_reads_names_its_line_not_its_text(tmp_path):
    path = tmp_path / "territories.csv"
    path.write_bytes("territory_id;name\nT1;Hérault\n".encode() + b"T2;Dupont \x81\n")
    with pytest.raises(ExtractFileError) as error:
        read_text_table(path)
    assert str(error.value) == (
        "territories.csv: the text is neither UTF-8 nor Windows-1252 (line 3 holds the byte 0x81, which neither "
        "uses): it is probably not a text file. Export the extract again as CSV."
    )


def test_a_quoted_value_over_several_lines_in_the_last_row(tmp_path):
    path = tmp_path / "territories.csv"
    path.write_text('territory_id;name;comment\nT1;Nord;"ok"\nT2;Sud;"Démission,\nvoir ""M. X"";\nfin"')
    table = read_text_table(path)
    assert table.rows["comment"].to_list() == ["ok", 'Démission,\nvoir "M. X";\nfin']
    assert table.rows["source_row"].to_list() == [2, 3]
    # Cut short after such a value, the last row still shows it.
    path.write_text('territory_id;name;comment\nT1;"Nord\nEst";"x"\nT2;"Sud\nOuest"')
    with pytest.raises(ExtractFileError, match=r"the last row \(row 3\) stops after 2 of 3 columns"):
        read_text_table(path)


def test_a_header_cell_over_two_lines(tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text('Effectifs au 30/06/2025\nMatricule;"Date\nd\'entrée";ETP\nA1;2024-01-31;1\n')
    table = read_text_table(path)
    assert table.headers == ["Matricule", "Date\nd'entrée", "ETP"]
    assert table.rows.row(0, named=True) == {
        "source_row": 3,
        "Matricule": "A1",
        "Date\nd'entrée": "2024-01-31",
        "ETP": "1",
    }
    assert table.notes == ("staff.csv: 1 row(s) above the header (a title, blank lines) were skipped.",)
    # The line break inside the cell does not hide the alias.
    known = known_headers(EXTRACTS["staff"], load_aliases())
    assert [known.get(normalise_header(h)) for h in table.headers] == ["employee_id", "start_date", "fte"]


def test_lines_ended_by_a_carriage_return_alone(tmp_path):
    path = tmp_path / "territories.csv"
    path.write_bytes(TERRITORIES.replace("\n", "\r").encode("cp1252"))
    table = read_text_table(path)
    assert table.rows.to_dicts() == [
        {"source_row": 2, "territory_id": "T1", "name": "Hérault Ouest"},
        {"source_row": 3, "territory_id": "T2", "name": "Cœur d'Hérault"},
    ]


@pytest.mark.parametrize(
    "content", ["territory_id;name;;;\nT1;Nord;;;\nT2;Sud;;;\n", "territory_id;name\nT1;Nord;;\nT2;Sud;\n"]
)
def test_empty_columns_with_no_header_are_left_out(tmp_path, content):
    path = tmp_path / "territories.csv"
    path.write_text(content)
    table = read_text_table(path)
    assert table.headers == ["territory_id", "name"]
    assert table.rows.to_dicts() == [
        {"source_row": 2, "territory_id": "T1", "name": "Nord"},
        {"source_row": 3, "territory_id": "T2", "name": "Sud"},
    ]


def test_a_column_with_values_and_no_header_is_dropped_by_name(tmp_path):
    path = tmp_path / "territories.csv"
    path.write_text("territory_id;name;\nT1;Nord;appelle Mme Durand\nT2;Sud;\n")
    table = read_text_table(path)
    assert table.headers == ["territory_id", "name", "(no header, column 3)"]
    assert map_headers(table.name, table.headers, EXTRACTS["territories"], {}).dropped == ["(no header, column 3)"]


def test_a_field_over_128_kb_is_read(tmp_path):
    path = tmp_path / "territories.csv"
    path.write_text(f"territory_id;name;comment\nT1;Nord;{'note ' * 40_000}\nT2;Sud;\n")
    table = read_text_table(path)
    assert table.rows["comment"].str.len_chars().to_list() == [200_000, None]


def test_a_row_wider_than_the_header_is_named_not_quoted(tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text("Matricule;Nom\nA1;Durand\n\nA2;Dupont; Marie\n")
    with pytest.raises(ExtractFileError) as error:
        read_text_table(path)
    assert str(error.value) == (
        "staff.csv: cannot be read as a CSV table: row 4 has 3 cells and the header 2. A value probably holds "
        "the separator ';' without quotes around it: put that value in quotes, or export the file again. Row 1 "
        "was taken as the header: it names the most columns of the staff extract among the first 4 rows (1)."
    )


def test_the_separator_is_the_one_of_the_header_not_of_a_title(tmp_path):
    path = tmp_path / "territories.csv"
    path.write_text("Extraction; RH\nterritory_id,name\nT1,Nord\nT2,Sud\n")
    table = read_text_table(path)
    assert (table.separator, table.headers, table.rows["source_row"].to_list()) == (
        ",",
        ["territory_id", "name"],
        [3, 4],
    )


def test_a_row_of_data_taken_as_the_header_is_not_quoted():
    with pytest.raises(ExtractFileError) as error:
        map_headers(
            "foster_carers.csv",
            ["F1", "1970-04-04", "F", "T1", "Dupont", "Marie"],
            EXTRACTS["foster_carers"],
            load_aliases(),
        )
    assert str(error.value) == (
        "foster_carers.csv: no column matches the foster_carers extract: none of the 6 cells of row 1, taken as "
        "the header, is one of its column names. Expected headers such as carer_id, birth_date, sex, territory_id, "
        "employer_kind, approval_date, approved_places, employment_start_date, end_date, end_reason, "
        "initial_training_done_date, distance_to_service_km. If the header row is missing, add it; if the headers "
        "are another software's names, add them under 'foster_carers:' in config/column_aliases.yaml."
    )


def test_a_missing_required_column_lists_only_the_headers_that_matched():
    with pytest.raises(ExtractFileError) as error:
        map_headers(
            "territories.csv",
            ["Code territoire", "T1", "Dupont"],
            EXTRACTS["territories"],
            {"territories": {"territory_id": ["Code territoire"]}},
            header_row=3,
        )
    assert str(error.value) == (
        "territories.csv: required column(s) missing: name. The header (row 3) has 'Code territoire' "
        "(territory_id), and 2 other column(s). Rename the header, or add its name under 'territories:' in "
        "config/column_aliases.yaml."
    )


def test_a_library_error_is_not_quoted(tmp_path):
    path = tmp_path / "staff.parquet"
    path.write_bytes(b"PAR1 Dupont Marie")
    with pytest.raises(ExtractFileError) as error:
        read_text_table(path)
    assert str(error.value) == (
        "staff.parquet: cannot be read as a PARQUET table (ComputeError): the file is damaged or is not a PARQUET "
        "file. Open it in the program that made it and save it again as .parquet."
    )
    assert error.value.__cause__ is None and error.value.__suppress_context__


def test_xlsx_text_in_a_date_cell_is_not_an_excel_serial(tmp_path):
    path = tmp_path / "staff.xlsx"
    path.write_bytes(
        workbook(
            {
                "Feuil1": [
                    ["employee_id", "start_date", "monthly_gross_pay"],
                    ["A1", 45291, 2300],  # a date cell shown as a number: its serial
                    ["A2", "2019", 2300.5],  # text: a year typed, not a date
                    ["A3", "45291", 2400],  # text that looks like a serial: as in a CSV, no date
                    ["A4", dt.datetime(2024, 1, 31), 2500],  # a date cell
                    ["A5", 45291.5, 2600],  # a serial with a time of day
                ]
            }
        )
    )
    table = read_text_table(path)
    present = {"employee_id": "employee_id", "start_date": "start_date", "monthly_gross_pay": "monthly_gross_pay"}
    rows = table.rows.rename(present).with_columns(excel_serial_to_date("start_date", table.excel_dates["start_date"]))
    assert rows["start_date"].to_list() == ["2023-12-31", "2019", "45291", "2024-01-31", "2023-12-31"]
    assert rows["monthly_gross_pay"].to_list() == ["2300", "2300.5", "2400", "2500", "2600"]


def test_a_whole_number_in_a_parquet_float_column_is_written_as_an_integer(tmp_path):
    # pandas writes an integer column with a missing value as floats: matricule 101 is 101.0.
    path = tmp_path / "staff_2025.parquet"
    pl.DataFrame(
        {"employee_id": [101.0, None, 1e15], "fte": [1.0, 0.8, -0.0], "pay": [float("nan"), float("inf"), 2300.5]}
    ).write_parquet(path)
    rows = read_text_table(path).rows
    assert rows["employee_id"].to_list() == ["101", None, "1000000000000000"]
    assert rows["fte"].to_list() == ["1", "0.8", "0"]
    assert rows["pay"].to_list() == ["NaN", "inf", "2300.5"]


def test_one_id_as_a_parquet_float_and_as_csv_text_is_one_pseudonym(tmp_path):
    (tmp_path / "staff.csv").write_text("employee_id;contract_id\n101;C3\n")
    pl.DataFrame({"employee_id": [101.0, None], "contract_id": ["C3", "C9"]}).write_parquet(tmp_path / "staff.parquet")
    ids = [read_text_table(tmp_path / name).rows["employee_id"][0] for name in ("staff.csv", "staff.parquet")]
    assert ids == ["101", "101"]
    assert len({pseudonym(i, "a-key-of-sixteen-characters") for i in ids}) == 1


def test_a_dropped_header_is_named_only_when_it_is_a_usual_one(tmp_path):
    path = tmp_path / "territories.csv"
    path.write_text(
        "territory_id;name;;NOM d'usage;Remplaçante de Mme Kowalczyk 0699887766;N.I.R.\n"
        "T1;Nord;x;Dupont;Marie;2800175123456\n"
    )
    table = read_text_table(path)
    _, report = to_raw(table, EXTRACTS["territories"], {}, "a-key-of-sixteen-characters")
    assert report["dropped_columns"] == ("(no header, column 3), NOM d'usage, column 5 (39 characters), N.I.R.")


@pytest.mark.parametrize("name", ["staff.csv", "staff.xlsx", "staff.parquet"])
def test_a_file_vivier_may_not_read_says_who_must_be_given_access(tmp_path, monkeypatch, name):
    path = tmp_path / name
    path.write_bytes(b"employee_id;contract_id\nA1;C1\n")
    opened = pathlib.Path.open

    def refused(self, *args, **kwargs):  # as for a file of mode 000 to a user other than root
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return opened(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", refused)
    monkeypatch.setattr(pathlib.Path, "read_bytes", lambda self: refused(self).read())
    with pytest.raises(ExtractFileError) as error:
        read_text_table(path)
    assert str(error.value).startswith(f"{name}: the user running Vivier is not allowed to read this file")
    assert "chown" in str(error.value) and "damaged" not in str(error.value)


def test_a_group_row_above_the_header_is_not_taken_as_the_header(tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text(
        "Agent;Agent;Contrat;Contrat;Paie\n"
        "Matricule;Date de naissance;N° contrat;ETP;Salaire brut mensuel\n"
        "A1;1980-03-02;C1;1;2300\nA2;1991-07-15;C2;0,8;2000\n"
    )
    table = read_text_table(path)
    assert table.headers[0] == "Matricule" and table.rows["source_row"].to_list() == [3, 4]
    assert table.header_why == (
        "row 2 was taken as the header: it names the most columns of the staff extract among the first 4 rows (5)"
    )


def test_a_row_made_wide_by_a_comment_is_named_not_taken_as_the_header(tmp_path):
    path = tmp_path / "staff.csv"
    comment = ";".join(f"absente le {day}/03 voir Mme Kowalczyk" for day in range(1, 23))
    path.write_text(f"Matricule;N° contrat;ETP\nA1;C1;1\nA2;C2;0,8;{comment}\nA3;C3;1\n")
    with pytest.raises(ExtractFileError) as error:
        read_text_table(path)
    assert str(error.value).startswith("staff.csv: cannot be read as a CSV table: row 3 has 25 cells and the header 3.")
    assert str(error.value).endswith(
        "Row 1 was taken as the header: it names the most columns of the staff extract among the first 4 rows (3)."
    )
    assert "Kowalczyk" not in str(error.value)


def test_a_repeated_header_says_which_row_was_taken_as_the_header_and_why(tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text("Export RH\nA;B;B\n1;2;3\n")
    with pytest.raises(ExtractFileError) as error:
        read_text_table(path)
    assert str(error.value) == (
        "staff.csv: columns 2 and 3 of the header (row 2) have the same name. Row 2 was taken as the header: it "
        "fills the most cells among the first 3 rows (3), and none names a column of the staff extract. Rename or "
        "delete one of them."
    )


def test_excel_error_cells_are_named_not_read_as_empty(tmp_path):
    # fastexcel reads an error cell as empty: #N/A in the optional pay would load as "no pay",
    # #DIV/0! in fte would be blamed as a missing value. The file is refused, naming each cell.
    from tests.quality.cases.files import CASES

    case = next(c for c in CASES if c.id == "xlsx_excel_error_cells")
    path = tmp_path / "staff_2025.xlsx"
    path.write_bytes(case.changes["staff_2025.xlsx"])
    with pytest.raises(ExtractFileError) as error:
        read_text_tables(path)
    assert str(error.value) == (
        "staff_2025.xlsx [Contrats]: 2 cell(s) hold an Excel error instead of a value: row 3, column "
        "'monthly_gross_pay': #N/A; row 4, column 'fte': #DIV/0!. Such a cell would read as empty. Correct the "
        "formulas (or paste the values) and save the workbook again."
    )
