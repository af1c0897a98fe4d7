"""Monthly DSN files as real exports and copies leave them (issue 16, contract section 2b): files cut
or not DSN, encodings and line ends, declarations replaced, cancelled, missing or empty, and contracts
that cannot be staff rows. Each is the tiny landing folder with establishments.csv given a `siret`
column and a hand-built DSN file of a few lines (tests/ingest/dsn_builder.py) beside staff.csv.

For DSN files the unit is the contract block: read = loaded + quarantined + exact duplicates +
not_employment + replaced, per file (`nothing_lost`)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.ingest.pseudonym import pseudonym
from tests.ingest.dsn_builder import (
    FIRST_NAMES,
    NIR,
    SIRET_E1,
    SIRET_E2,
    SIRET_HQ,
    SIRET_UNKNOWN,
    SURNAME,
    contract,
    declaration,
    dsn,
    pay,
    person,
)
from tests.quality.case import Case, xlsx
from tests.quality.harness import KEY, Loaded
from tests.quality.landing import EXTRACTS

ESTABLISHMENTS_WITH_SIRET = f"""establishment_id;name;kind;territory_id;organisation;siret
E1;Maison des Tilleuls;MECS;T1;Association A;{SIRET_E1}
E2;Service d'accueil familial;FOSTER_SERVICE;T2;Département;{SIRET_E2}
"""
WITH_HEAD_OFFICE = ESTABLISHMENTS_WITH_SIRET + f"E3;Siège;HEADQUARTERS;T1;Association A;{SIRET_HQ}\n"
# What a DSN names a person by: never in a table nor in Dagster's log (the matricules A2xx and contract
# numbers C2xx are caught by the catalogue's scan for raw identifiers).
PERSONAL = (NIR, SURNAME, FIRST_NAMES, "rue des Lilas")
ALSO = "tests/ingest/test_dsn.py"


def latin1(text: str) -> bytes:
    return text.encode("iso-8859-1")


def may(*people: list[str], siret: str = SIRET_E1, kind: str = "01", nature: str = "01", month: str = "052025") -> str:
    """A file of one declaration of `siret` for May 2025."""
    return dsn(declaration(siret, month, *people, kind=kind, nature=nature))


def c200(**contract_values) -> list[str]:
    """A200's contract C200, a full-time CDI as an educator at E1 since March 2025."""
    return person("A200", contract("C200", "01032025", **contract_values))


ONE = may(c200())  # 42 lines: 10 of the header, 9 of the declaration, 9 of A200, 12 of C200, 2 of the totals


# C5 of staff.csv as the DSN declares it: the same contract once typed (E2 as its place of work; May is its
# first whole month, paid 2400).
def c5(amount: str = "2400.00", **contract_values) -> list[str]:
    return person(
        "A103",
        contract(
            "C5", "14042025", pcs="434b", title="Assistante de service social", workplace=SIRET_E2, **contract_values
        ),
        pay("C5", "01052025", "31052025", amount),
        birth="20011988",
    )


def dsn_case(id: str, kind: str, files: dict[str, str | bytes], establishments: str | None = None, **outcome) -> Case:
    """A case of the DSN files `files` (text written ISO-8859-1) beside the tiny folder."""
    changes: dict[str, str | bytes | None] = {"establishments.csv": establishments or ESTABLISHMENTS_WITH_SIRET}
    changes |= {name: latin1(text) if isinstance(text, str) else text for name, text in files.items()}
    return Case(id, kind, "staff", changes, personal=PERSONAL + outcome.pop("personal", ()), also=ALSO, **outcome)


def contract_of(frame: pl.DataFrame, number: str) -> dict:
    found = frame.filter(pl.col("contract_id") == pseudonym(number, KEY))
    assert found.height == 1, (number, found)
    return found.row(0, named=True)


def report_of(loaded: Loaded, name: str) -> dict:
    return loaded.report.row(by_predicate=pl.col("source_file") == name, named=True)


def dsn_file(loaded: Loaded, name: str) -> dict:
    return loaded.dsn.files.row(by_predicate=pl.col("source_file") == name, named=True)


def details(loaded: Loaded) -> str:
    return "\n".join(loaded.checked.quarantined["detail"])


TOTALS = "S90.G00.90.001,'"

CASES: list[Case] = [
    # ------------------------------------------------------------------ files that cannot be read
    dsn_case(
        "dsn_cut_count_does_not_match",
        "A DSN file whose closing block counts more lines than it has (cut, or lines deleted by hand)",
        {"dsn_2025-05.txt": dsn(declaration(SIRET_E1, "052025", c200()), count=60)},
        file_error="cut short or edited: its closing block counts 60 lines, the file has 42",
    ),
    dsn_case(
        "dsn_cut_at_a_line_end",
        "A DSN file cut at a line end: no closing S90 block",
        {"dsn_2025-05.txt": "".join(ONE.splitlines(keepends=True)[:35])},
        file_error="cut short: the closing S90.G00.90 block",
    ),
    dsn_case(
        "dsn_cut_inside_a_line",
        "A DSN file cut inside its last block (a copy stopped mid-file)",
        {"dsn_2025-05.txt": ONE[: ONE.index(TOTALS) + len(TOTALS) + 1]},
        file_error="cut short",
    ),
    dsn_case(
        "dsn_csv_renamed",
        "A CSV export saved as dsn_*.txt",
        {"dsn_export.txt": EXTRACTS["staff.csv"]},
        file_error="dsn_export.txt: not a DSN file",
    ),
    dsn_case(
        "dsn_empty_file",
        "An empty dsn file (0 bytes): the transfer failed",
        {"dsn_2025-05.txt": b""},
        file_error="dsn_2025-05.txt: not a DSN file",
    ),
    dsn_case(
        "dsn_spreadsheet_named_dsn",
        "A spreadsheet named dsn_*.xlsx (a payroll report, not the declaration)",
        {"dsn_2025.xlsx": xlsx(pl.DataFrame({"Matricule": ["A200"], "Nom": [SURNAME]}))},
        file_error="dsn_2025.xlsx: not a DSN file",
    ),
    dsn_case(
        "dsn_line_edited_in_a_spreadsheet",
        "A DSN file opened and saved in a spreadsheet: a value lost its quotes",
        {"dsn_2025-05.txt": ONE.replace(f"S21.G00.30.002,'{SURNAME}'", f"S21.G00.30.002,{SURNAME}")},
        # The line is named by its number (10 header lines, 9 of the declaration, the NIR, then the name), not quoted.
        file_error="dsn_2025-05.txt, line 21: not a DSN line",
    ),
    # ------------------------------------------------------------------ files read despite their form
    dsn_case(
        "dsn_utf8",
        "A DSN file in UTF-8 instead of ISO-8859-1 (accented job title)",
        {"dsn_2025-05.txt": may(c200(pcs="434a", title="Directrice d'établissement")).encode("utf-8")},
        # Decoded as ISO-8859-1 the title would not match its row and the code would give CHEF_DE_SERVICE.
        loaded=lambda f: contract_of(f, "C200")["job_family"] == "DIRECTION",
    ),
    dsn_case(
        "dsn_iso_8859_1_accents",
        "A DSN file in ISO-8859-1 (the norm's encoding) with an accented job title in capitals",
        {"dsn_2025-05.txt": may(c200(pcs="434a", title="DIRECTRICE D'ÉTABLISSEMENT"))},
        loaded=lambda f: contract_of(f, "C200")["job_family"] == "DIRECTION",
    ),
    dsn_case(
        "dsn_utf8_with_bom",
        "A DSN file in UTF-8 with a byte-order mark (re-saved by a Windows editor)",
        {"dsn_2025-05.txt": b"\xef\xbb\xbf" + ONE.encode("utf-8")},
        loaded=lambda f: contract_of(f, "C200")["establishment_id"] == "E1",
    ),
    dsn_case(
        "dsn_crlf_line_ends",
        "A DSN file with Windows line ends (CRLF)",
        {"dsn_2025-05.txt": ONE.replace("\n", "\r\n")},
        loaded=lambda f: contract_of(f, "C200")["job_family"] == "EDUCATEUR_SPECIALISE",
    ),
    dsn_case(
        "dsn_apostrophes_in_values",
        "Apostrophes inside quoted values (N'Diaye, Directrice d'établissement)",
        {
            "dsn_2025-05.txt": may(
                person(
                    "A200",
                    contract("C200", "01032025", pcs="434a", title="Directrice d'établissement"),
                    surname="N'Diaye",
                )
            )
        },
        loaded=lambda f: contract_of(f, "C200")["job_family"] == "DIRECTION",
        personal=("N'Diaye",),
    ),
    dsn_case(
        "dsn_file_name_in_capitals",
        "A DSN file named in capitals with the .DSN extension (DSN_2025-05.DSN)",
        {"DSN_2025-05.DSN": ONE},
        loaded=lambda f: contract_of(f, "C200")["source_file"] == "DSN_2025-05.DSN",
    ),
    dsn_case(
        "dsn_neant_declaration",
        "A declaration with no contract (normale néant, type 02): nobody employed that month",
        {"dsn_2025-05.txt": may(kind="02")},
        outcome=lambda m: (
            report_of(m, "dsn_2025-05.txt")["rows_read"] == 0
            and dsn_file(m, "dsn_2025-05.txt")["declarations_in_force"] == 1
        ),
    ),
    dsn_case(
        "dsn_nir_in_the_matricule",
        "A NIR typed in the matricule rubric (S21.G00.30.019)",
        {"dsn_2025-05.txt": may(person(NIR, contract("C200", "01032025")))},
        loaded=lambda f: contract_of(f, "C200")["employee_id"] == pseudonym(NIR, KEY),
    ),
    dsn_case(
        "dsn_no_matricule",
        "No matricule: the person is known by the NIR alone",
        {"dsn_2025-05.txt": may(person(None, contract("C200", "01032025")))},
        loaded=lambda f: contract_of(f, "C200")["employee_id"] == pseudonym(NIR, KEY),
    ),
    dsn_case(
        "dsn_head_office_declares",
        "All staff declared from the head office's SIRET, each contract naming its place of work",
        {"dsn_2025-05.txt": may(person("A200", contract("C200", "01032025", workplace=SIRET_E2)), siret=SIRET_HQ)},
        establishments=WITH_HEAD_OFFICE,
        loaded=lambda f: contract_of(f, "C200")["establishment_id"] == "E2",
    ),
    dsn_case(
        "dsn_siret_typed_with_spaces",
        "SIRETs typed with spaces in establishments.csv ('123 456 789 00011')",
        {"dsn_2025-05.txt": ONE},
        establishments=ESTABLISHMENTS_WITH_SIRET.replace(SIRET_E1, "123 456 789 00011"),
        loaded=lambda f: contract_of(f, "C200")["establishment_id"] == "E1",
    ),
    dsn_case(
        "dsn_intern",
        "An intern (convention de stage, nature 29) declared with the staff",
        {
            "dsn_2025-05.txt": may(
                c200(), person("A201", contract("C201", "05052025", nature="29"), nir="2990575123456")
            )
        },
        loaded=lambda f: f.filter(pl.col("contract_id") == pseudonym("C201", KEY)).is_empty(),
        outcome=lambda m: (
            (report_of(m, "dsn_2025-05.txt")["not_employment"], report_of(m, "dsn_2025-05.txt")["rows_loaded"])
            == (1, 1)
        ),
    ),
    dsn_case(
        "dsn_replaced_declaration",
        "A month declared twice: the second declaration (type 03) replaces the first whole",
        {
            "dsn_2025-05.txt": may(c200(), person("A201", contract("C201", "01032025"))),
            "dsn_2025-05_v2.txt": may(c200(modalite="20", quotite="17.50"), kind="03"),
        },
        loaded=lambda f: (
            float(contract_of(f, "C200")["fte"]) == 0.5
            and f.filter(pl.col("contract_id") == pseudonym("C201", KEY)).is_empty()
        ),
        outcome=lambda m: (
            (
                report_of(m, "dsn_2025-05.txt")["replaced"],
                report_of(m, "dsn_2025-05_v2.txt")["rows_loaded"],
            )
            == (2, 1)
        ),
    ),
    dsn_case(
        "dsn_cancelled_declaration",
        "A declaration cancelled whole (type 04) by a later file",
        {"dsn_2025-05.txt": ONE, "dsn_2025-05_annulation.txt": may(kind="04")},
        loaded=lambda f: f.filter(pl.col("source_file").str.starts_with("dsn")).is_empty(),
        outcome=lambda m: (
            report_of(m, "dsn_2025-05.txt")["replaced"] == 1
            and dsn_file(m, "dsn_2025-05_annulation.txt")["declarations_cancelled"] == 1
        ),
    ),
    dsn_case(
        "dsn_sick_leave_notice",
        "A sick-leave notice (nature 04) beside the monthly declaration",
        {"dsn_2025-05.txt": ONE, "dsn_2025-05_arret.txt": may(c200(end=("20052025", "059")), nature="04")},
        loaded=lambda f: contract_of(f, "C200")["end_date"] is None,
        outcome=lambda m: dsn_file(m, "dsn_2025-05_arret.txt")["declarations_ignored"] == 1,
    ),
    dsn_case(
        "dsn_missing_month",
        "A month with no file for an establishment (March and May declared, April not)",
        {"dsn_2025-03.txt": may(c200(), month="032025"), "dsn_2025-05.txt": ONE},
        loaded=lambda f: contract_of(f, "C200")["end_date"] is None,
        outcome=lambda m: m.dsn.missing_months.rows() == [(SIRET_E1, dt.date(2025, 4, 1))],
    ),
    dsn_case(
        "dsn_contract_stops_being_declared",
        "A contract declared in April and not in May, with no end-of-contract block",
        {
            "dsn_2025-04.txt": may(c200(), person("A201", contract("C201", "01032025")), month="042025"),
            "dsn_2025-05.txt": ONE,
        },
        loaded=lambda f: contract_of(f, "C201")["end_date"] is None,
        outcome=lambda m: dsn_file(m, "dsn_2025-04.txt")["unconfirmed_ends"] == 1,
    ),
    dsn_case(
        "dsn_birth_day_00",
        "A birth date with day 00 (born abroad, day unknown)",
        {"dsn_2025-05.txt": may(person("A200", contract("C200", "01032025"), birth="00031980"))},
        loaded=lambda f: str(contract_of(f, "C200")["birth_date"]) == "1980-03-01",
        outcome=lambda m: dsn_file(m, "dsn_2025-05.txt")["birth_dates_completed"] == 1,
    ),
    dsn_case(
        "dsn_exit_code_of_no_family",
        "An exit code of no family of section 2b (058, prise d'acte)",
        {"dsn_2025-05.txt": may(c200(end=("16052025", "058")))},
        loaded=lambda f: (
            (str(contract_of(f, "C200")["end_date"]), contract_of(f, "C200")["exit_reason"]) == ("2025-05-16", "OTHER")
        ),
    ),
    dsn_case(
        "dsn_and_staff_file_hold_one_contract",
        "The same contract in staff.csv and in a DSN file",
        {"dsn_2025-05.txt": may(c5())},
        duplicates=1,
        outcome=lambda m: report_of(m, "dsn_2025-05.txt")["exact_duplicates"] == 1,
    ),
    # ------------------------------------------------------------------ contracts that go to quarantine
    dsn_case(
        "dsn_unknown_siret",
        "A declaration under a SIRET in no establishment's siret column",
        {"dsn_2025-05.txt": may(c200(), siret=SIRET_UNKNOWN)},
        rules=("unknown_reference",),
        outcome=lambda m: SIRET_UNKNOWN in details(m),
    ),
    dsn_case(
        "dsn_establishments_without_siret",
        "DSN files, but establishments.csv has no siret column",
        {"dsn_2025-05.txt": ONE},
        establishments=EXTRACTS["establishments.csv"],
        rules=("unknown_reference",),
        outcome=lambda m: SIRET_E1 in details(m),
    ),
    dsn_case(
        "dsn_unmapped_pcs",
        "A PCS-ESE code and job title in no line of pcs_job_families",
        {"dsn_2025-05.txt": may(c200(pcs="422a", title="Professeure des écoles"))},
        rules=("unknown_reference",),
        outcome=lambda m: "422a" in details(m).lower() and "Professeure des écoles" in details(m),
    ),
    dsn_case(
        "dsn_one_number_two_contracts",
        "One contract number for two contracts of one SIREN (two people)",
        {"dsn_2025-05.txt": may(c200(), person("A201", contract("C200", "01042025"), nir="2990575123456"))},
        rules=("duplicate_key", "duplicate_key"),
    ),
    dsn_case(
        "dsn_changed_from_staff_file",
        "A contract of staff.csv declared differently in a DSN file (half time)",
        {"dsn_2025-05.txt": may(c5("1200.00", modalite="20", quotite="17.50"))},
        rules=("duplicate_key", "duplicate_key"),
    ),
    dsn_case(
        "dsn_quotite_above_reference",
        "A part-time quotité above the reference quotité (40 h of 35)",
        {"dsn_2025-05.txt": may(c200(modalite="20", quotite="40.00"))},
        rules=("out_of_range",),
    ),
    dsn_case(
        "dsn_end_before_start",
        "An end-of-contract date before the contract's start",
        {"dsn_2025-05.txt": may(c200(end=("28022025", "059")))},
        rules=("date_order",),
    ),
    dsn_case(
        "dsn_impossible_birth_date",
        "A birth date that does not exist (31021980)",
        {"dsn_2025-05.txt": may(person("A200", contract("C200", "01032025"), birth="31021980"))},
        rules=("invalid_date",),
    ),
    dsn_case(
        "dsn_contract_without_number",
        "A contract block without its number (S21.G00.40.009)",
        {
            "dsn_2025-05.txt": may(
                person("A200", [line for line in contract("C200", "01032025") if not line.startswith("S21.G00.40.009")])
            )
        },
        rules=("required",),
    ),
]
