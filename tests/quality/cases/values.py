"""Values: exact duplicates across formats, identifiers normalised, nothing typed about a person stored
(issue 13, sections 1 and 2)."""

from __future__ import annotations

import polars as pl

from pipelines.ingest.pseudonym import pseudonym
from tests.quality.case import ROWS, STAFF, Case, staff_frame, staff_rows, xlsx
from tests.quality.harness import KEY
from tests.quality.landing import EXTRACTS, edit

# The same rows as the payroll software exports them: French headers, Windows-1252, dd/mm/yyyy, "0,8".
PAYROLL_HEADER = (
    "Matricule;N° contrat;Date de naissance;Sexe;Métier;Établissement;Type de contrat;ETP;"
    "Date d'entrée;Date de sortie;Motif de sortie;Salaire brut mensuel"
)
PAYROLL_ROWS = (
    "A101;C2;15/07/1991;M;moniteur_educateur;E1;cdd;0,8;01/09/2023;29/02/2024;end_of_fixed_term;2 000,00",
    "A101;C3;15/07/1991;M;MONITEUR_EDUCATEUR;E1;CDI;0,80;01/03/2024;;;2050",
    "A102;C4;30/11/1975;F;PSYCHOLOGUE;E2;CDI;0,5;04/05/2020;31/03/2025;RESIGNATION;3 100",
)
CARER_EVENTS_FR = (
    "carer_id;event_date;event_type;days\n"
    "F1;15/05/2025;support_visit;\nF1;30/06/2025;training_day;1,0\nf2 ;05/11/2024;RESPITE_DAY;2,00\n"
)

COMMENT = "Démission - conflit avec M. Dupont, tél 06 12 34 56 78"
NIR = "2800175123456"


def ids(*identifiers: str) -> list[str]:
    """Gives identifiers as the warehouse holds them: pseudonyms made with the catalogue's key."""
    return [pseudonym(i, KEY) for i in identifiers]


def contracts(frame: pl.DataFrame, *contract_ids: str) -> pl.DataFrame:
    return frame.filter(pl.col("contract_id").is_in(ids(*contract_ids))).sort("source_row")


CASES: list[Case] = [
    # ------------------------------------------------------------------ exact duplicates, once typed
    Case(
        "one_extract_two_formats",
        "One extract in two overlapping exports of different formats (ISO and '0.8'; French headers, "
        "Windows-1252, dd/mm/yyyy, '0,8', codes in lower case)",
        "staff",
        {"staff_paie_2025-06.csv": staff_rows(*PAYROLL_ROWS, header=PAYROLL_HEADER).encode("cp1252")},
        duplicates=3,
        loaded=lambda f: f.height == 5 and set(f["source_file"]) == {"staff.csv"},
        also="tests/ingest/test_validate.py::test_rows_equal_once_typed_are_exact_duplicates",
    ),
    Case(
        "carer_events_two_formats",
        "The same carer events in two exports, one in dd/mm/yyyy (events have no key)",
        "carer_events",
        {"carer_events_2025-06.csv": CARER_EVENTS_FR},
        duplicates=3,
        loaded=lambda f: f.height == 3 and f["days"].sum() == 3,
        also="tests/ingest/test_validate.py::test_carer_events_in_two_date_formats_are_counted_once",
    ),
    Case(
        "bad_row_in_two_exports",
        "A row with a bad value in two overlapping exports",
        "staff",
        {
            "staff.csv": STAFF.replace(";CDI;1;2025-04-14", ";CDI;n/a;2025-04-14"),
            "staff_2025-06.csv": staff_rows(ROWS[-1].replace(";CDI;1;2025-04-14", ";CDI;n/a;2025-04-14")),
        },
        rules=("invalid_number", "invalid_number"),
        also="tests/ingest/test_validate.py::test_a_row_with_a_bad_value_is_never_counted_as_a_duplicate",
    ),
    # ------------------------------------------------------------------ identifiers: one person, one pseudonym
    Case(
        "id_leading_zeros_csv_and_xlsx",
        "One person, two spellings: '0000014' in a CSV, the number 14 in a spreadsheet",
        "staff",
        {
            "staff.csv": staff_rows(*(r.replace("A101;C2", "0000014;C2") for r in ROWS if ";C3;" not in r)),
            "staff_2025.xlsx": xlsx(
                staff_frame().filter(pl.col("contract_id") == "C3").with_columns(employee_id=pl.lit("14"))
            ),
        },
        loaded=lambda f: contracts(f, "C2", "C3")["employee_id"].to_list() == ids("14", "14"),
        also="tests/ingest/test_pseudonym.py",
    ),
    Case(
        "id_case_and_spaces",
        "One person, two spellings: 'A101' and ' a101 '",
        "staff",
        edit("staff.csv", "A101;C3", " a101 ;C3"),
        loaded=lambda f: contracts(f, "C2", "C3")["employee_id"].to_list() == ids("A101", "A101"),
    ),
    Case(
        "posting_id_in_lower_case",
        "An application naming its posting in lower case ('p1' for 'P1')",
        "applications",
        edit("applications.csv", "AP2;P1", "AP2; p1"),
        loaded=lambda f: f.filter(pl.col("application_id") == ids("AP2")[0])["posting_id"].to_list() == ids("P1"),
    ),
    Case(
        "contract_id_from_matricule",
        "Contract numbers built from the matricule ('M0000001-1'), in staff and in the posting that hired",
        "staff",
        {
            **edit("staff.csv", "A103;C5", "M0000001;M0000001-1"),
            **edit("job_postings.csv", "FILLED;C5", "FILLED;M0000001-1"),
        },
        loaded=lambda f: ids("M0000001-1")[0] in f["contract_id"].to_list(),
        personal=("M0000001",),
        also="tests/ingest/test_values.py::test_every_identifier_is_pseudonymised_and_the_joins_hold",
    ),
    Case(
        "child_number_in_placement_id",
        "Placement numbers built from the child's ASE number",
        "placements",
        {"placements.csv": EXTRACTS["placements.csv"].replace("PL1;F1;K1", "ASE-2012-0457-1;F1;ASE-2012-0457")},
        loaded=lambda f: f.height == 3 and ids("ASE-2012-0457")[0] in f["child_id"].to_list(),
        personal=("ASE-2012-0457",),
    ),
    # ------------------------------------------------------------------ free text typed in a column with a rule
    Case(
        "free_text_in_exit_reason",
        "A comment typed in the exit reason ('Démission - conflit avec M. Dupont, tél 06 ...')",
        "staff",
        edit("staff.csv", "2025-03-31;RESIGNATION", f"2025-03-31;{COMMENT}"),
        rules=("unknown_code",),
        personal=("Dupont", "06 12 34 56 78"),
        also="tests/ingest/test_values.py::test_nothing_typed_in_a_column_with_a_rule_is_kept",
    ),
    Case(
        "nir_typed_in_sex",
        "A NIR typed in the sex column",
        "staff",
        edit("staff.csv", "1980-03-02;F", f"1980-03-02;{NIR}"),
        rules=("unknown_code",),
        personal=(NIR,),
    ),
    Case(
        "comment_in_a_date",
        "A comment in a date column ('voir avec Mme Martin')",
        "staff",
        edit("staff.csv", "2024-02-29;END", "voir avec Mme Martin;END"),
        rules=("invalid_date",),
        personal=("Martin",),
    ),
    Case(
        "phone_number_in_fte",
        "A phone number in a number column (fte '06 12 34 56 78')",
        "staff",
        edit("staff.csv", ";CDI;0.5;", ";CDI;06 12 34 56 78;"),
        rules=("out_of_range",),
        personal=("06 12 34 56 78", "612345678"),
    ),
    Case(
        "name_in_a_yes_no",
        "A name in a yes/no column ('oui (voir Dr Lambert)')",
        "placements",
        edit("placements.csv", ";oui\n", ";oui (voir Dr Lambert)\n"),
        rules=("invalid_boolean",),
        personal=("Lambert",),
    ),
    # Whether a code is known is found only once the other extract is loaded, after raw is written:
    # the staging step describes it in raw too (`raw_as_quarantined`).
    Case(
        "comment_in_a_job_family",
        "A comment typed in the job family ('remplace Mme Girard, arrêt maladie')",
        "staff",
        edit("staff.csv", "F;EDUCATEUR_SPECIALISE", "F;remplace Mme Girard, arrêt maladie"),
        rules=("unknown_reference",),
        personal=("Girard", "maladie"),
        also="tests/ingest/test_values.py::test_a_code_no_extract_knows_is_described_in_raw_too",
    ),
]
