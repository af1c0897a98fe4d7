import datetime as dt

import polars as pl
import pytest

from pipelines.ingest.contract import EXTRACTS
from pipelines.ingest.files import ExtractFileError, extract_of, find_files, read_text_table
from pipelines.ingest.headers import load_aliases, map_headers, normalise_header

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
        "source_row": 2, "Matricule": "A1", "Date d'entrée": "2024-01-31", "ETP": "0.8", "Places": "3",
    }  # fmt: skip


def test_parquet_reads_as_text(tmp_path):
    path = tmp_path / "carer_events.parquet"
    pl.DataFrame({"carer_id": ["C1"], "event_date": [dt.date(2024, 5, 2)], "days": [2]}).write_parquet(path)
    assert read_text_table(path).rows.row(0, named=True) == {
        "source_row": 2, "carer_id": "C1", "event_date": "2024-05-02", "days": "2",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("staff.txt", b"a,b\n1,2\n", "staff.txt: files of type '.txt' are not read"),
        ("staff.csv", b"", "staff.csv: the file is empty"),
        ("staff.xlsx", b"this is not a spreadsheet", "staff.xlsx: cannot be read as a XLSX table"),
        ("staff.parquet", b"PAR1 broken", "staff.parquet: cannot be read as a PARQUET table"),
        ("staff.csv", b"\n\nx", "staff.csv: the first line is empty"),
        ("staff.csv", b"a,a\n1,2\n", "staff.csv: a column name appears twice in the header: a"),
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
    headers = ["Matricule", "N° contrat", "Date de naissance", "Métier", "Établissement", "Type de contrat",
               "ETP", "Date d'entrée", "Nom", "NIR", "Contract_Type "]  # fmt: skip
    with pytest.raises(ExtractFileError, match="'Type de contrat' and 'Contract_Type ' both mean staff.contract_type"):
        map_headers("staff.csv", headers, EXTRACTS["staff"], load_aliases())
    header_map = map_headers("staff.csv", headers[:-1], EXTRACTS["staff"], load_aliases())
    assert header_map.columns["Matricule"] == "employee_id"
    assert header_map.columns["Date d'entrée"] == "start_date"
    assert header_map.dropped == ["Nom", "NIR"]


def test_a_missing_required_column_names_it_and_the_fix():
    with pytest.raises(ExtractFileError, match=r"staff.csv: required column\(s\) missing: fte, start_date.*column_aliases"):
        map_headers("staff.csv", ["employee_id", "contract_id", "birth_date", "job_family", "establishment_id",
                                  "contract_type"], EXTRACTS["staff"], {})  # fmt: skip


def test_a_file_of_another_table_is_refused():
    with pytest.raises(ExtractFileError, match="no column matches the staff extract"):
        map_headers("staff.csv", ["foo", "bar"], EXTRACTS["staff"], {})
