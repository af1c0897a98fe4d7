"""The bad-input catalogue: what HR extracts really contain, each as the tiny landing
folder of `landing.py` with one file changed, and what Vivier must make of it.

Outcomes, one per case: the extract's files fail with a message (`file_error`), rows
go to quarantine under a rule (`rules`), rows are exact duplicates (`duplicates`), an
expectation of the staging suite fails (`check`), or everything loads (none of those).
Whatever the outcome, nothing is lost: rows read = loaded + quarantined + duplicates.
The kinds found by trying Vivier as a hostile or careless user would (issue 13) are in
`tests/quality/cases/`, one module per class of fault. docs/bad-inputs.md is this list
as a table.
"""

from __future__ import annotations

import polars as pl

from pipelines.ingest.pseudonym import pseudonym
from tests.quality.case import C5, HEADER, ROWS, STAFF, Case, staff_frame, staff_rows, xlsx
from tests.quality.cases import dsn, files, report, runs, values
from tests.quality.harness import KEY
from tests.quality.landing import EXTRACTS, edit

# Contract ids are pseudonymised at ingest (contract section 2): C5 as the loaded rows hold it.
C5_ID = pseudonym("C5", KEY)

CATALOGUE = [
    # ------------------------------------------------------------------ files that cannot be read
    Case(
        "empty_file",
        "Empty file (0 bytes): the export failed",
        "staff",
        {"staff.csv": b""},
        file_error="staff.csv: the file is empty",
        also="tests/ingest/test_files.py, test_end_to_end.py",
    ),
    Case(
        "truncated_file",
        "Truncated file: the last line cut mid-row, no line break after it",
        "staff",
        {"staff.csv": STAFF.rstrip("\n")[:-25]},
        file_error="looks cut short",
    ),
    Case(
        "truncated_in_quotes",
        "Truncated file: cut inside a quoted value",
        "staff",
        {"staff.csv": STAFF + 'A104;C6;1990-01-01;F;AES;E1;CDI;1;2025-05-05;;;"2 1'},
        file_error="a quoted value is never closed",
    ),
    Case(
        "utf16",
        "Wrong encoding: Excel's 'Unicode text' (UTF-16)",
        "staff",
        {"staff.csv": STAFF.replace(";", "\t").encode("utf-16")},
        file_error="UTF-16",
    ),
    Case(
        "not_text",
        "Not a text file saved as .csv (binary)",
        "staff",
        {"staff.csv": bytes(range(256)) * 4},
        file_error="neither UTF-8 nor Windows-1252",
        also="tests/ingest/test_end_to_end.py",
    ),
    Case(
        "wrong_extension",
        "A spreadsheet in a format not read (.ods)",
        "staff",
        {"staff_2025.ods": b"PK\x03\x04"},
        file_error="files of type '.ods' are not read",
        also="tests/ingest/test_end_to_end.py",
    ),
    Case(
        "corrupt_xlsx",
        "A damaged .xlsx",
        "staff",
        {"staff_2025.xlsx": b"this is not a spreadsheet"},
        file_error="cannot be read as a XLSX table",
        also="tests/ingest/test_files.py",
    ),
    Case(
        "missing_required_column",
        "Missing required column (fte not exported)",
        "staff",
        {
            "staff.csv": "\n".join(
                ";".join(v for i, v in enumerate(line.split(";")) if i != 7) for line in STAFF.splitlines()
            )
            + "\n"
        },
        file_error="required column(s) missing: fte",
        also="tests/ingest/test_files.py",
    ),
    Case(
        "another_table",
        "The file of another table under the extract's name",
        "staff",
        {"staff.csv": EXTRACTS["territories.csv"]},
        file_error="no column matches the staff extract",
        also="tests/ingest/test_files.py",
    ),
    Case(
        "two_headers_one_column",
        "Two columns meaning the same field (ETP and fte)",
        "staff",
        {"staff.csv": staff_rows(*(r + ";1" for r in ROWS), header=HEADER + ";ETP")},
        file_error="both mean staff.fte",
        also="tests/ingest/test_files.py",
    ),
    Case(
        "separator_in_a_value",
        "A separator inside an unquoted value: a row with one field too many",
        "establishments",
        edit("establishments.csv", "Maison des Tilleuls", "Maison; annexe des Tilleuls"),
        file_error="cannot be read as a CSV table",
        also="tests/ingest/test_files.py",
    ),
    # ------------------------------------------------------------------ files read despite their form
    Case(
        "extra_header_lines",
        "Extra lines above the header (a title, the export date, a blank line)",
        "staff",
        {"staff.csv": "Extraction RH au 30/06/2025;;;\n\n" + STAFF},
        loaded=lambda f: f["source_row"].to_list() == [4, 5, 6, 7, 8],
    ),
    Case(
        "extra_header_lines_xlsx",
        "A spreadsheet with a title row above the header",
        "staff",
        {"staff.csv": None, "staff_2025.xlsx": xlsx(staff_frame(), title="Tableau des effectifs au 30/06/2025")},
        loaded=lambda f: f.height == 5 and f["source_row"].min() == 4,
    ),
    Case(
        "french_headers_windows_1252",
        "Header in French with accents, Windows-1252, ';' and dd/mm/yyyy",
        "staff",
        {
            "staff.csv": staff_rows(
                "A100;C1;02/03/1980;F;EDUCATEUR_SPECIALISE;E1;CDI;1;07/01/2019;;;2300,00",
                header="Matricule;N° contrat;Date de naissance;Sexe;Métier;Établissement;Type de contrat;ETP;"
                "Date d'entrée;Date de sortie;Motif de sortie;Salaire brut mensuel",
            ).encode("cp1252")
        },
        loaded=lambda f: f.height == 1 and str(f["start_date"][0]) == "2019-01-07",
        also="tests/ingest/test_files.py, messy demo in test_end_to_end.py",
    ),
    Case(
        "personal_columns",
        "Names, NIR and comments exported with the contracts",
        "staff",
        {
            "staff.csv": staff_rows(
                *(r + ";Dupont;Marie;2800175123456;RAS" for r in ROWS), header=HEADER + ";Nom;Prénom;NIR;Commentaire"
            )
        },
        loaded=lambda f: "NIR" not in f.columns and f.height == 5,
        also="tests/ingest/test_end_to_end.py",
    ),
    Case(
        "excel_dates_as_numbers_xlsx",
        "Excel dates as numbers in a spreadsheet (45291 for 31/12/2023)",
        "staff",
        {
            "staff.csv": None,
            "staff_2025.xlsx": xlsx(
                staff_frame().with_columns(
                    pl.when(pl.col("contract_id") == "C5")
                    .then(pl.lit("45291"))
                    .otherwise(pl.col("start_date"))
                    .alias("start_date")
                )
            ),
        },
        loaded=lambda f: str(f.filter(pl.col("contract_id") == C5_ID)["start_date"][0]) == "2023-12-31",
    ),
    Case(
        "blank_lines",
        "Blank lines between the rows",
        "staff",
        {"staff.csv": STAFF.replace("\nA102", "\n\n;;\nA102")},
        loaded=lambda f: f.height == 5,
        also="tests/ingest/test_files.py",
    ),
    Case(
        "codes_in_lower_case",
        "Codes in lower case, with spaces around them",
        "staff",
        edit("staff.csv", ";CDI;1;2025-04-14", "; cdi ;1;2025-04-14"),
        loaded=lambda f: f.filter(pl.col("contract_id") == C5_ID)["contract_type"][0] == "CDI",
    ),
    Case(
        "thousands_and_decimal_comma",
        "Pay as '2 400,50' (thousands space, decimal comma)",
        "staff",
        edit("staff.csv", ";2400\n", ";2 400,50\n"),
        loaded=lambda f: f.filter(pl.col("contract_id") == C5_ID)["monthly_gross_pay"][0] == 2400.5,
    ),
    Case(
        "missing_extract",
        "An extract not exported at all (no placements file)",
        "placements",
        {"placements.csv": None},
        check=("has_rows", "warning"),
        also="contract section 2: loads empty",
    ),
    Case(
        "header_only",
        "Only a header: the export found no row",
        "placements",
        {"placements.csv": EXTRACTS["placements.csv"].splitlines()[0] + "\n"},
        check=("has_rows", "warning"),
        also="tests/ingest/test_files.py",
    ),
    # ------------------------------------------------------------------ rows that go to quarantine
    Case(
        "excel_dates_as_numbers_csv",
        "Excel dates as numbers in a CSV (45291)",
        "staff",
        edit("staff.csv", "2025-04-14", "45291"),
        rules=("invalid_date",),
    ),
    Case(
        "impossible_date",
        "A date that does not exist (31/02/2024)",
        "staff",
        edit("staff.csv", "2023-09-01", "31/02/2024"),
        rules=("invalid_date",),
        also="tests/ingest/test_validate.py",
    ),
    Case(
        "us_date",
        "A US date (12/31/2024)",
        "staff",
        edit("staff.csv", "2024-02-29", "12/31/2024"),
        rules=("invalid_date",),
    ),
    Case(
        "date_and_time",
        "A date with a time (2024-03-01 08:30:00)",
        "staff",
        edit("staff.csv", "2024-03-01", "2024-03-01 08:30:00"),
        rules=("invalid_date",),
    ),
    # The contract bounds no year: 31/12/9999 is a date (the contract is active on every
    # day), so without an exit reason the row breaks `reason_required`, and with one it loads.
    Case(
        "placeholder_end_date",
        "31/12/9999 for 'no end date' (an HR system's end of time)",
        "staff",
        edit("staff.csv", "2025-04-14;;", "2025-04-14;31/12/9999;"),
        rules=("reason_required",),
    ),
    Case(
        "placeholder_birth_date",
        "01/01/1900 for an unknown birth date",
        "staff",
        edit("staff.csv", "1988-01-20", "01/01/1900"),
        loaded=lambda f: f["birth_date"].cast(pl.String).is_in(["1900-01-01"]).any(),
    ),
    Case(
        "end_before_start",
        "End before start",
        "staff",
        edit("staff.csv", "2025-03-31", "2019-03-31"),
        rules=("date_order",),
        also="tests/ingest/test_validate.py",
    ),
    Case(
        "enquiry_decided_before_made",
        "An enquiry decided before it was made",
        "carer_enquiries",
        edit("carer_enquiries.csv", "2015-02-01;APPROVED", "2014-09-01;APPROVED"),
        rules=("date_order",),
    ),
    Case(
        "end_without_reason",
        "An end date without its reason",
        "staff",
        edit("staff.csv", "2025-03-31;RESIGNATION", "2025-03-31;"),
        rules=("reason_required",),
        also="tests/ingest/test_validate.py",
    ),
    Case(
        "required_value_empty",
        "A required value left empty (birth date)",
        "staff",
        edit("staff.csv", "1988-01-20", ""),
        rules=("required",),
        also="tests/ingest/test_validate.py",
    ),
    Case(
        "unknown_code",
        "Unknown codes (contract type 'CDI-TP')",
        "staff",
        edit("staff.csv", ";E2;CDI;1;", ";E2;CDI-TP;1;"),
        rules=("unknown_code",),
        also="tests/ingest/test_validate.py",
    ),
    Case(
        "unknown_job_family",
        "A job family code of the payroll software ('EDUC_SPE')",
        "staff",
        edit("staff.csv", "F;EDUCATEUR_SPECIALISE", "F;EDUC_SPE"),
        rules=("unknown_reference",),
        also="tests/ingest/test_validate.py",
    ),
    Case(
        "fte_zero_or_above_one",
        "fte 0 or 1.5",
        "staff",
        {
            "staff.csv": STAFF.replace(";CDI;0.8;2024-03-01", ";CDI;0;2024-03-01").replace(
                ";CDI;1;2025", ";CDI;1.5;2025"
            )
        },
        rules=("out_of_range", "out_of_range"),
        also="tests/ingest/test_validate.py",
    ),
    Case(
        "fte_as_percentage",
        "fte as a percentage (80 and 80 %)",
        "staff",
        {"staff.csv": STAFF.replace(";CDD;0.8;", ";CDD;80;").replace(";CDI;0.8;", ";CDI;80 %;")},
        rules=("invalid_number", "out_of_range"),
    ),
    Case(
        "negative_pay",
        "Negative pay",
        "staff",
        edit("staff.csv", ";2400\n", ";-2400\n"),
        rules=("out_of_range",),
        also="tests/ingest/test_validate.py",
    ),
    Case(
        "text_in_a_number",
        "Text in a number column ('NC' for pay)",
        "staff",
        edit("staff.csv", ";2400\n", ";NC\n"),
        rules=("invalid_number",),
        also="tests/ingest/test_validate.py",
    ),
    Case(
        "places_not_whole",
        "Approved places '2,5'",
        "foster_carers",
        {
            "foster_carers.csv": EXTRACTS["foster_carers.csv"]
            + "F3;1982-02-02;F;T1;DEPARTMENT;2024-01-10;2,5;2024-02-01;;;;8\n"
        },
        rules=("invalid_number",),
        also="tests/ingest/test_validate.py",
    ),
    Case(
        "yes_no_neither",
        "A yes/no value that is neither ('peut-être')",
        "placements",
        edit("placements.csv", ";oui\n", ";peut-être\n"),
        rules=("invalid_boolean",),
        also="tests/ingest/test_validate.py",
    ),
    Case(
        "unknown_establishment",
        "Unknown establishment",
        "staff",
        edit("staff.csv", ";E2;CDI;1;", ";E9;CDI;1;"),
        rules=("unknown_reference",),
        also="tests/ingest/test_validate.py",
    ),
    Case(
        "placement_of_unknown_carer",
        "A placement with a carer not in the carers extract",
        "placements",
        edit("placements.csv", "PL3;F1", "PL3;F7"),
        rules=("unknown_reference",),
    ),
    Case(
        "application_to_unknown_posting",
        "An application to a posting not exported",
        "applications",
        edit("applications.csv", "AP3;P2", "AP3;P9"),
        rules=("unknown_reference",),
    ),
    Case(
        "duplicate_key_different_content",
        "Duplicate keys with different content (the same contract twice)",
        "staff",
        {"staff.csv": STAFF + C5.replace(";1;2025-04-14", ";0.5;2025-04-14") + "\n"},
        rules=("duplicate_key", "duplicate_key"),
        also="tests/ingest/test_validate.py",
    ),
    Case(
        "contract_changed_between_exports",
        "One contract in two monthly exports, changed in between",
        "staff",
        {"staff_2025-06.csv": staff_rows(C5.replace("2025-04-14;;", "2025-04-14;2025-06-30;RESIGNATION"))},
        rules=("duplicate_key", "duplicate_key"),
    ),
    # ------------------------------------------------------------------ exact duplicates
    Case(
        "duplicate_rows",
        "Duplicate rows (the same row twice)",
        "staff",
        {"staff.csv": STAFF + C5 + "\n"},
        duplicates=1,
        also="tests/ingest/test_validate.py",
    ),
    Case(
        "overlapping_exports",
        "Two exports that overlap (the same rows in both files)",
        "staff",
        {"staff_2025-06.csv": staff_rows(C5)},
        duplicates=1,
    ),
    # ------------------------------------------------------------------ loaded, but an expectation fails
    Case(
        "half_exported",
        "A half-exported file (fewer rows than at the last run)",
        "staff",
        {"staff.csv": staff_rows(*ROWS[:2])},
        before={},
        check=("row_count_is_stable", "warning"),
    ),
    Case(
        "future_date",
        "A future date (a start in 2062 typed for 2026)",
        "staff",
        edit("staff.csv", "2025-04-14", "2062-04-14"),
        check=("dates_are_plausible", "warning"),
        also="tests/quality/test_blocking.py: the as-of date check fails and stops every mart",
    ),
    Case(
        "placement_before_carer_started",
        "A placement before its carer started",
        "placements",
        edit("placements.csv", "2025-06-02", "2014-06-02"),
        check=("start_date_is_not_before_carer_employment_start_date", "blocking"),
        also="tests/quality/test_blocking.py: `vivier run` fails, the carer marts stop, the others run",
    ),
    Case(
        "placement_after_carer_left",
        "A placement after its carer left",
        "placements",
        edit("placements.csv", "PL1;F1;K1;2012-05-05;2021-09-01", "PL1;F2;K1;2012-05-05;2025-03-01"),
        check=("start_date_is_not_after_carer_end_date", "blocking"),
    ),
    Case(
        "employed_before_agrement",
        "A carer employed before their agrément",
        "foster_carers",
        edit("foster_carers.csv", "2015-03-01", "2014-12-01"),
        check=("employment_start_date_is_not_before_approval_date", "warning"),
    ),
    Case(
        "application_before_posting",
        "An application dated before its posting opened",
        "applications",
        edit("applications.csv", "2025-02-10", "2024-12-10"),
        check=("applied_date_is_not_before_posting_opened_date", "warning"),
    ),
    Case(
        "birth_date_typo",
        "A birth date typed with the wrong year (an employee aged 10)",
        "staff",
        edit("staff.csv", "1988-01-20", "2015-01-20"),
        check=("age_at_start_date_is_plausible", "warning"),
    ),
    Case(
        "shared_matricule",
        "Two people under one matricule (two birth dates for one employee)",
        "staff",
        edit("staff.csv", "A101;C3;1991-07-15", "A101;C3;1993-02-11"),
        check=("employee_has_one_birth_date", "warning"),
    ),
    Case(
        "contracts_above_full_time",
        "Contracts of one person overlapping above full time",
        "staff",
        edit("staff.csv", "2023-09-01;2024-02-29", "2023-09-01;2024-06-30"),
        check=("employee_fte_is_at_most_full_time", "warning"),
    ),
    Case(
        "hire_not_in_staff",
        "A filled posting whose hire is not among the contracts",
        "job_postings",
        edit("job_postings.csv", "FILLED;C5", "FILLED;C55"),
        check=("contract_id_is_found_in_staff", "warning"),
    ),
    Case(
        "approved_carer_unknown",
        "An approved enquiry naming a carer not in the carers extract",
        "carer_enquiries",
        edit("carer_enquiries.csv", "APPROVED;F1", "APPROVED;F9"),
        check=("carer_id_is_found_in_foster_carers", "warning"),
    ),
    Case(
        "budget_typo",
        "A budget typed 250 for 2.50 fte",
        "budgeted_posts",
        edit("budgeted_posts.csv", "E1;EDUCATEUR_SPECIALISE;2019-01-01;;2", "E1;EDUCATEUR_SPECIALISE;2019-01-01;;250"),
        check=("budgeted_fte_is_plausible", "warning"),
    ),
]

CATALOGUE += files.CASES + values.CASES + runs.CASES + report.CASES + dsn.CASES
