"""Staff from monthly DSN files (contract section 2b), on hand-built files of a few lines each.

Two levels: the pure reader (`read_dsn_landing`, then `map_to_staff` against small establishment
and PCS frames), and the real ingest assets through Dagster on the catalogue's tiny landing folder
with DSN files added beside staff.csv. Every expected value is worked out by hand from the file in
the test (pseudonyms too: HMAC-SHA256 written out here, not the project's `pseudonym`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.demo import generate_demo
from pipelines.ingest.dsn import DsnFileError
from pipelines.ingest.dsn_staff import DsnRead, map_to_staff, read_dsn_landing
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
    write,
)
from tests.quality.cases.dsn import ESTABLISHMENTS_WITH_SIRET
from tests.quality.harness import KEY as HARNESS_KEY
from tests.quality.harness import run_ingest
from tests.quality.landing import EXTRACTS, write_landing

KEY = "dsn-test-key-0123456789"

ESTABLISHMENTS = pl.DataFrame(
    {"establishment_id": ["E1", "E2", "E3"], "siret": [SIRET_E1, SIRET_E2, SIRET_HQ]},
)
PCS = pl.DataFrame(
    [
        ("434d", None, "EDUCATEUR_SPECIALISE"),
        ("434e", None, "MONITEUR_EDUCATEUR"),
        ("434b", None, "ASSISTANT_SERVICE_SOCIAL"),
        ("434a", None, "CHEF_DE_SERVICE"),
        ("434a", "Directrice d'établissement", "DIRECTION"),
        ("563b", "Technicienne de l'intervention sociale et familiale", "TISF"),
    ],
    schema={"pcs_ese": pl.String, "emploi_label": pl.String, "job_family": pl.String},
    orient="row",
)


def pseudo(identifier: str, key: str = KEY) -> str:
    """The pseudonym of contract section 2, written out: the first 16 hex digits of HMAC-SHA256."""
    return hmac.new(key.encode(), identifier.encode(), hashlib.sha256).hexdigest()[:16]


def read(tmp_path: Path, files: dict[str, str | bytes]) -> DsnRead:
    return read_dsn_landing(write(tmp_path / "landing", files), KEY)


def mapped(got: DsnRead) -> tuple[pl.DataFrame, pl.DataFrame]:
    return map_to_staff(got.rows, ESTABLISHMENTS, PCS)


STAFF_COLUMNS = (
    "employee_id",
    "birth_date",
    "sex",
    "contract_type",
    "start_date",
    "end_date",
    "exit_reason",
)


def contract_row(rows: pl.DataFrame, number: str) -> dict:
    """The row of one contract, found by its pseudonymised number."""
    found = rows.filter(pl.col("contract_id") == pseudo(number))
    assert found.height == 1, (number, found)
    return found.row(0, named=True)


NUMBERS = {pseudo(f"C{i}"): f"C{i}" for i in range(100)}


def numbers(rows: pl.DataFrame) -> list[str]:
    """The contract numbers of the rows, as the tests name them (C1, C2...), from their pseudonyms."""
    return sorted(NUMBERS.get(c, c) for c in rows["contract_id"])


def files_table(got: DsnRead) -> dict[str, dict]:
    return {r["source_file"]: r for r in got.files.iter_rows(named=True)}


def fates(got: DsnRead) -> dict[tuple[str, str], int]:
    """Contract blocks per (file, fate)."""
    counted = got.blocks.group_by("source_file", "fate").agg(pl.col("blocks").sum())
    return {(f, fate): n for f, fate, n in counted.iter_rows()}


# ---------------------------------------------------------------------------------------------- contracts


def test_a_cdd_renewed_as_a_cdi_is_two_contracts_of_one_person(tmp_path):
    got = read(
        tmp_path,
        {
            "dsn_2024-06.txt": dsn(
                declaration(
                    SIRET_E1,
                    "062024",
                    person(
                        "A1",
                        contract("C1", "01012024", nature="02", end=("30062024", "031")),
                        pay("C1", "01062024", "30062024", "2100.00"),
                    ),
                )
            ),
            "dsn_2024-07.txt": dsn(
                declaration(
                    SIRET_E1,
                    "072024",
                    person("A1", contract("C2", "01072024", nature="01"), pay("C2", "01072024", "31072024", "2150.00")),
                )
            ),
        },
    )
    assert numbers(got.rows) == ["C1", "C2"]
    cdd, cdi = contract_row(got.rows, "C1"), contract_row(got.rows, "C2")
    assert {k: cdd[k] for k in STAFF_COLUMNS} == {
        "employee_id": pseudo("A1"),
        "birth_date": "1980-03-02",
        "sex": "F",
        "contract_type": "CDD",
        "start_date": "2024-01-01",
        "end_date": "2024-06-30",
        "exit_reason": "END_OF_FIXED_TERM",
    }
    assert {k: cdi[k] for k in STAFF_COLUMNS} == {
        "employee_id": pseudo("A1"),
        "birth_date": "1980-03-02",
        "sex": "F",
        "contract_type": "CDI",
        "start_date": "2024-07-01",
        "end_date": None,
        "exit_reason": None,
    }
    assert float(cdd["monthly_gross_pay"]) == 2100.0 and float(cdi["monthly_gross_pay"]) == 2150.0
    # The CDD ended with its S21.G00.62 block: it is no unconfirmed end for not being declared in July.
    assert not cdd["unconfirmed_end"] and not cdi["unconfirmed_end"]
    assert [f["unconfirmed_ends"] for f in files_table(got).values()] == [0, 0]


def test_part_time_is_the_quotite_over_the_reference_quotite(tmp_path):
    got = read(
        tmp_path,
        {
            "dsn_2024-01.txt": dsn(
                declaration(
                    SIRET_E1,
                    "012024",
                    # 24 h of 35: 0.685714... rounded to 4 decimals.
                    person("A1", contract("C1", "01092023", modalite="20", quotite="24.00", reference="35.00")),
                    # 121.34 h a month of 151.67: 0.800026...
                    person("A2", contract("C2", "01092023", modalite="20", quotite="121.34", reference="151.67")),
                    # Full time (modalité 10): 1, whatever the quotité says.
                    person("A3", contract("C3", "01092023", modalite="10", quotite="24.00", reference="35.00")),
                    # 40 h of 35 is above full time: 1.1429, then the out_of_range rule of section 2.
                    person("A4", contract("C4", "01092023", modalite="20", quotite="40.00", reference="35.00")),
                )
            )
        },
    )
    fte = {n: float(contract_row(got.rows, n)["fte"]) for n in ("C1", "C2", "C3", "C4")}
    assert fte == {"C1": 0.6857, "C2": 0.8, "C3": 1.0, "C4": 1.1429}


def test_two_concurrent_contracts_of_one_person_are_two_rows(tmp_path):
    got = read(
        tmp_path,
        {
            "dsn_2024-01.txt": dsn(
                declaration(
                    SIRET_E1,
                    "012024",
                    person(
                        "A1",
                        contract("C1", "01092023", modalite="20", quotite="17.50"),
                        contract(
                            "C2",
                            "01102023",
                            pcs="434e",
                            title="Monitrice-éducatrice",
                            modalite="20",
                            quotite="17.50",
                            workplace=SIRET_E2,
                        ),
                        pay("C1", "01012024", "31012024", "1200.00"),
                        pay("C2", "01012024", "31012024", "1000.00"),
                    ),
                )
            )
        },
    )
    staff, problems = mapped(got)
    assert problems.is_empty()
    one, two = contract_row(staff, "C1"), contract_row(staff, "C2")
    assert one["employee_id"] == two["employee_id"] == pseudo("A1")
    assert (one["establishment_id"], one["job_family"], float(one["fte"])) == ("E1", "EDUCATEUR_SPECIALISE", 0.5)
    assert (two["establishment_id"], two["job_family"], float(two["fte"])) == ("E2", "MONITEUR_EDUCATEUR", 0.5)
    assert (one["start_date"], two["start_date"]) == ("2023-09-01", "2023-10-01")
    # Each contract's pay line, by its number (S21.G00.51.010), per full-time equivalent: 1200 / 0.5, 1000 / 0.5.
    assert (float(one["monthly_gross_pay"]), float(two["monthly_gross_pay"])) == (2400.0, 2000.0)


# Section 2b's code list, restated by hand: S21.G00.62.002 -> exit_reason.
EXITS = {
    "059": "RESIGNATION",
    "037": "RESIGNATION",
    "043": "MUTUAL_AGREEMENT",
    "084": "MUTUAL_AGREEMENT",
    "031": "END_OF_FIXED_TERM",
    "032": "END_OF_FIXED_TERM",
    "081": "END_OF_FIXED_TERM",
    "034": "END_OF_TRIAL",
    "035": "END_OF_TRIAL",
    "038": "RETIREMENT",
    "039": "RETIREMENT",
    "011": "DISMISSAL",
    "012": "DISMISSAL",
    "014": "DISMISSAL",
    "015": "DISMISSAL",
    "020": "DISMISSAL",
    "025": "DISMISSAL",
    "026": "DISMISSAL",
    "036": "DISMISSAL",
    "087": "DISMISSAL",
    "088": "DISMISSAL",
    "089": "DISMISSAL",
    "091": "DISMISSAL",
    "092": "DISMISSAL",
    "093": "DISMISSAL",
    "066": "DEATH",
    "998": "INTERNAL_TRANSFER",
    # Codes of no family: prise d'acte, retrait d'enfant, end of a relation that is not a contract.
    "058": "OTHER",
    "098": "OTHER",
    "999": "OTHER",
}


def test_each_exit_code_gives_its_family_and_any_other_code_other(tmp_path):
    people = [
        person(f"A{i}", contract(f"C{i}", "01092020", end=("15032024", code))) for i, code in enumerate(EXITS, start=1)
    ]
    got = read(tmp_path, {"dsn_2024-03.txt": dsn(declaration(SIRET_E1, "032024", *people))})
    for i, (code, reason) in enumerate(EXITS.items(), start=1):
        row = contract_row(got.rows, f"C{i}")
        assert (code, row["end_date"], row["exit_reason"]) == (code, "2024-03-15", reason)


def test_a_contract_transferred_to_another_employer_is_an_internal_transfer(tmp_path):
    other = "98765432100018"
    establishments = pl.concat([ESTABLISHMENTS, pl.DataFrame({"establishment_id": ["E9"], "siret": [other]})])
    got = read(
        tmp_path,
        {
            "dsn_2024-03_a.txt": dsn(
                declaration(SIRET_E1, "032024", person("A1", contract("C1", "01092020", end=("31032024", "998"))))
            ),
            # The new employer declares the same person under its own contract number.
            "dsn_2024-04_b.txt": dsn(
                declaration(other, "042024", person("A1", contract("C2", "01042024"))), siren=other[:9]
            ),
        },
    )
    staff, problems = map_to_staff(got.rows, establishments, PCS)
    assert problems.is_empty()
    left, joined = contract_row(staff, "C1"), contract_row(staff, "C2")
    assert (left["end_date"], left["exit_reason"], left["establishment_id"]) == (
        "2024-03-31",
        "INTERNAL_TRANSFER",
        "E1",
    )
    assert (joined["start_date"], joined["end_date"], joined["establishment_id"]) == ("2024-04-01", None, "E9")


def test_a_contract_that_stops_being_declared_stays_open_and_is_an_unconfirmed_end(tmp_path):
    def month(mm: str, *people: list[str]) -> str:
        return dsn(declaration(SIRET_E1, mm + "2024", *people))

    stays = person("A1", contract("C1", "01092023"))
    goes = person("A2", contract("C2", "01092023"))
    got = read(
        tmp_path,
        {
            "dsn_2024-01.txt": month("01", stays, goes),
            "dsn_2024-02.txt": month("02", stays, goes),
            "dsn_2024-03.txt": month("03", stays),
        },
    )
    gone = contract_row(got.rows, "C2")
    assert (gone["end_date"], gone["exit_reason"]) == (None, None)
    assert gone["unconfirmed_end"] is True
    assert gone["last_declared_month"] == date(2024, 2, 1)
    assert contract_row(got.rows, "C1")["unconfirmed_end"] is False
    # Counted in the file of its latest block (February), once.
    assert {f: r["unconfirmed_ends"] for f, r in files_table(got).items()} == {
        "dsn_2024-01.txt": 0,
        "dsn_2024-02.txt": 1,
        "dsn_2024-03.txt": 0,
    }
    assert got.missing_months.is_empty()


def test_the_latest_month_gives_the_values_and_one_contract_moves_between_establishments(tmp_path):
    got = read(
        tmp_path,
        {
            "dsn_2024-01.txt": dsn(declaration(SIRET_E1, "012024", person("A1", contract("C1", "01092023")))),
            # February: the same contract (SIREN, person, number, start) declared by E2, part time.
            "dsn_2024-02.txt": dsn(
                declaration(
                    SIRET_E2, "022024", person("A1", contract("C1", "01092023", modalite="20", quotite="28.00"))
                )
            ),
        },
    )
    staff, problems = mapped(got)
    assert problems.is_empty() and staff.height == 1
    row = contract_row(staff, "C1")
    assert (row["establishment_id"], float(row["fte"]), row["source_file"]) == ("E2", 0.8, "dsn_2024-02.txt")
    assert row["last_declared_month"] == date(2024, 2, 1)


# ---------------------------------------------------------------------------------------------- declarations


def test_a_replacing_declaration_replaces_the_month_whole(tmp_path):
    got = read(
        tmp_path,
        {
            "dsn_2024-01.txt": dsn(
                declaration(
                    SIRET_E1,
                    "012024",
                    person("A1", contract("C1", "01092023")),
                    person("A2", contract("C2", "01092023")),
                )
            ),
            # Annule et remplace intégral (03): A1 at half time, and A2 was declared by mistake.
            "dsn_2024-01_v2.txt": dsn(
                declaration(
                    SIRET_E1,
                    "012024",
                    person("A1", contract("C1", "01092023", modalite="20", quotite="17.50")),
                    kind="03",
                )
            ),
        },
    )
    assert numbers(got.rows) == ["C1"]
    assert float(contract_row(got.rows, "C1")["fte"]) == 0.5
    files = files_table(got)
    first, second = files["dsn_2024-01.txt"], files["dsn_2024-01_v2.txt"]
    assert (first["declarations_read"], first["declarations_replaced"], first["declarations_in_force"]) == (1, 1, 0)
    assert (second["declarations_read"], second["declarations_replaced"], second["declarations_in_force"]) == (1, 0, 1)
    assert (first["contract_blocks"], second["contract_blocks"]) == (2, 1)
    assert fates(got) == {("dsn_2024-01.txt", "replaced"): 2, ("dsn_2024-01_v2.txt", "contract"): 1}


def test_declarations_apply_in_reading_order_a_later_normal_one_replaces_too(tmp_path):
    got = read(
        tmp_path,
        {
            # Files are read in name order: the 03 first, then a type 01 of the same SIRET and month.
            "dsn_2024-01_a.txt": dsn(
                declaration(SIRET_E1, "012024", person("A1", contract("C1", "01092023")), kind="03")
            ),
            "dsn_2024-01_b.txt": dsn(declaration(SIRET_E1, "012024", person("A2", contract("C2", "01092023")))),
        },
    )
    assert numbers(got.rows) == ["C2"]
    assert fates(got) == {("dsn_2024-01_a.txt", "replaced"): 1, ("dsn_2024-01_b.txt", "contract"): 1}


def test_a_cancelling_declaration_removes_the_month(tmp_path):
    got = read(
        tmp_path,
        {
            "dsn_2024-01.txt": dsn(
                declaration(SIRET_E1, "012024", person("A1", contract("C1", "01092023"))),
                declaration(SIRET_E2, "012024", person("A2", contract("C2", "01092023"))),
            ),
            # Annule intégrale (04) of E2's January: no individual in it.
            "dsn_2024-01_annulation.txt": dsn(declaration(SIRET_E2, "012024", kind="04")),
        },
    )
    assert numbers(got.rows) == ["C1"]
    files = files_table(got)
    assert (files["dsn_2024-01.txt"]["declarations_in_force"], files["dsn_2024-01.txt"]["declarations_replaced"]) == (
        1,
        1,
    )
    cancel = files["dsn_2024-01_annulation.txt"]
    assert (cancel["declarations_read"], cancel["declarations_cancelled"], cancel["contract_blocks"]) == (1, 1, 0)
    assert fates(got) == {("dsn_2024-01.txt", "contract"): 1, ("dsn_2024-01.txt", "replaced"): 1}


def test_a_declaration_that_is_not_monthly_is_ignored(tmp_path):
    got = read(
        tmp_path,
        {
            "dsn_2024-01.txt": dsn(declaration(SIRET_E1, "012024", person("A1", contract("C1", "01092023")))),
            # A sick-leave notice (nature 04) sent after the month's DSN, with the contract ended in it:
            # not read, so no end comes from it.
            "dsn_2024-01_arret.txt": dsn(
                declaration(
                    SIRET_E1,
                    "012024",
                    person("A1", contract("C1", "01092023", end=("20012024", "059"))),
                    nature="04",
                )
            ),
        },
    )
    row = contract_row(got.rows, "C1")
    assert (row["end_date"], row["exit_reason"]) == (None, None)
    notice = files_table(got)["dsn_2024-01_arret.txt"]
    assert (notice["declarations_read"], notice["declarations_ignored"], notice["declarations_in_force"]) == (1, 1, 0)


def test_a_missing_month_is_reported_and_never_read_as_exits(tmp_path):
    def e1(mm: str) -> str:
        return dsn(declaration(SIRET_E1, mm + "2024", person("A1", contract("C1", "01092023"))))

    def e2(mm: str) -> list[str]:
        return declaration(SIRET_E2, mm + "2024", person("A2", contract("C2", "01092023")))

    got = read(
        tmp_path,
        {
            "dsn_2024-01.txt": e1("01"),
            "dsn_2024-02_e2.txt": dsn(e2("02")),  # E1 files nothing for February
            "dsn_2024-03.txt": e1("03"),
            "dsn_2024-03_e2.txt": dsn(e2("03")),
        },
    )
    assert got.missing_months.to_dicts() == [{"siret": SIRET_E1, "month": date(2024, 2, 1)}]
    row = contract_row(got.rows, "C1")
    assert (row["end_date"], row["exit_reason"], row["unconfirmed_end"]) == (None, None, False)


def test_a_neant_declaration_fills_its_month(tmp_path):
    got = read(
        tmp_path,
        {
            "dsn_2024-01.txt": dsn(declaration(SIRET_E1, "012024", person("A1", contract("C1", "01092023")))),
            "dsn_2024-02.txt": dsn(declaration(SIRET_E1, "022024", kind="02")),  # normale néant: nobody
            "dsn_2024-03.txt": dsn(declaration(SIRET_E1, "032024", person("A1", contract("C1", "01092023")))),
        },
    )
    assert got.missing_months.is_empty()
    assert files_table(got)["dsn_2024-02.txt"]["declarations_in_force"] == 1
    assert files_table(got)["dsn_2024-02.txt"]["contract_blocks"] == 0


# ---------------------------------------------------------------------------------------------- establishments, jobs


def test_the_place_of_work_comes_before_the_declaring_head_office(tmp_path):
    got = read(
        tmp_path,
        {
            "dsn_2024-01.txt": dsn(
                declaration(
                    SIRET_HQ,
                    "012024",
                    person("A1", contract("C1", "01092023", workplace=SIRET_E2)),
                    person("A2", contract("C2", "01092023")),  # no place of work: the declaring SIRET
                    person("A3", contract("C3", "01092023", workplace=SIRET_UNKNOWN)),
                )
            )
        },
    )
    staff, problems = mapped(got)
    assert contract_row(staff, "C1")["establishment_id"] == "E2"
    assert contract_row(staff, "C2")["establishment_id"] == "E3"
    # An unknown place of work is not replaced by the declaring SIRET: the contract is quarantined naming it.
    bad = problems.join(staff.select("dsn_contract", "contract_id"), on="dsn_contract")
    assert bad["contract_id"].to_list() == [pseudo("C3")]
    assert bad["rule"].to_list() == ["unknown_reference"]
    assert SIRET_UNKNOWN in bad["detail"][0]


def test_an_unknown_siret_is_quarantined_naming_it(tmp_path):
    got = read(
        tmp_path,
        {"dsn_2024-01.txt": dsn(declaration(SIRET_UNKNOWN, "012024", person("A1", contract("C1", "01092023"))))},
    )
    _, problems = mapped(got)
    assert problems["rule"].to_list() == ["unknown_reference"]
    assert SIRET_UNKNOWN in problems["detail"][0]
    assert "siret" in problems["detail"][0].lower()


def test_job_titles_then_codes_give_the_job_family_and_an_unmapped_one_is_quarantined(tmp_path):
    def one(i: int, pcs: str, title: str) -> list[str]:
        return person(f"A{i}", contract(f"C{i}", "01092023", pcs=pcs, title=title))

    got = read(
        tmp_path,
        {
            "dsn_2024-01.txt": dsn(
                declaration(
                    SIRET_E1,
                    "012024",
                    # The title row wins over the code row; case, accents and spaces ignored.
                    one(1, "434a", "DIRECTRICE  D'ETABLISSEMENT"),
                    # A title with no row of its own: the code's row (no label).
                    one(2, "434a", "Cheffe de service éducatif"),
                    one(3, "434D", "Éducateur"),
                    # A code with title rows only, and a title not among them: unmapped.
                    one(4, "563b", "Aide à domicile"),
                    # A code in no row.
                    one(5, "422a", "Professeure des écoles"),
                )
            )
        },
    )
    staff, problems = mapped(got)
    families = {n: contract_row(staff, n)["job_family"] for n in ("C1", "C2", "C3")}
    assert families == {"C1": "DIRECTION", "C2": "CHEF_DE_SERVICE", "C3": "EDUCATEUR_SPECIALISE"}
    bad = problems.join(staff.select("dsn_contract", "contract_id"), on="dsn_contract")
    details = {NUMBERS[c]: detail for c, detail in zip(bad["contract_id"], bad["detail"], strict=True)}
    assert sorted(details) == ["C4", "C5"]
    assert set(bad["rule"]) == {"unknown_reference"}
    # The detail says which line to add: the code and the title as declared.
    assert "563b" in details["C4"].lower() and "Aide à domicile" in details["C4"]
    assert "422a" in details["C5"].lower() and "Professeure des écoles" in details["C5"]


# ---------------------------------------------------------------------------------------------- contract types


def test_contract_types_from_nature_and_dispositif(tmp_path):
    kinds = [
        ("01", "99", "CDI"),
        ("07", "99", "CDI"),
        ("09", "99", "CDI"),
        ("02", "99", "CDD"),
        ("08", "99", "CDD"),
        ("10", "99", "CDD"),
        ("03", "99", "INTERIM"),
        ("50", "99", "CIVIL_SERVANT"),
        # Apprentices: dispositif 64 (secteur privé) and 65 (secteur public), whatever the nature.
        ("02", "64", "APPRENTICE"),
        ("01", "65", "APPRENTICE"),
    ]
    people = [
        person(f"A{i}", contract(f"C{i}", "01092023", nature=nature, dispositif=dispositif))
        for i, (nature, dispositif, _) in enumerate(kinds, start=1)
    ]
    got = read(tmp_path, {"dsn_2024-01.txt": dsn(declaration(SIRET_E1, "012024", *people))})
    assert {f"C{i}": contract_row(got.rows, f"C{i}")["contract_type"] for i in range(1, len(kinds) + 1)} == {
        f"C{i}": expected for i, (_, _, expected) in enumerate(kinds, start=1)
    }


def test_an_intern_is_not_loaded_and_counted_not_employment(tmp_path):
    got = read(
        tmp_path,
        {
            "dsn_2024-01.txt": dsn(
                declaration(
                    SIRET_E1,
                    "012024",
                    person("A1", contract("C1", "01092023")),
                    # Convention de stage (29), and a mandat social (80): not employment contracts.
                    person("A2", contract("C2", "08012024", nature="29"), pay("C2", "08012024", "31012024", "500.00")),
                    person("A3", contract("C3", "01012020", nature="80")),
                )
            )
        },
    )
    assert numbers(got.rows) == ["C1"]
    assert fates(got) == {("dsn_2024-01.txt", "contract"): 1, ("dsn_2024-01.txt", "not_employment"): 2}
    assert files_table(got)["dsn_2024-01.txt"]["contract_blocks"] == 3


# ---------------------------------------------------------------------------------------------- people


def test_a_birth_date_with_day_or_month_00_is_read_as_01_and_counted(tmp_path):
    got = read(
        tmp_path,
        {
            "dsn_2024-01.txt": dsn(
                declaration(
                    SIRET_E1,
                    "012024",
                    person("A1", contract("C1", "01092023"), birth="00031980"),
                    person("A2", contract("C2", "01092023"), birth="00001975"),
                    person("A3", contract("C3", "01092023"), birth="15001990"),
                    person("A4", contract("C4", "01092023"), birth="29021992", sex="01"),
                )
            )
        },
    )
    births = {n: contract_row(got.rows, n)["birth_date"] for n in ("C1", "C2", "C3", "C4")}
    assert births == {"C1": "1980-03-01", "C2": "1975-01-01", "C3": "1990-01-15", "C4": "1992-02-29"}
    assert contract_row(got.rows, "C4")["sex"] == "M"
    assert files_table(got)["dsn_2024-01.txt"]["birth_dates_completed"] == 3


def test_the_employee_is_the_matricule_else_the_nir_else_the_ntt(tmp_path):
    got = read(
        tmp_path,
        {
            "dsn_2024-01.txt": dsn(
                declaration(
                    SIRET_E1,
                    "012024",
                    person("A1", contract("C1", "01092023"), nir="1850575123456"),
                    person(None, contract("C2", "01092023"), nir="2900175123456"),
                    person(None, contract("C3", "01092023"), nir=None, ntt="NTT0042"),
                )
            )
        },
    )
    ids = {n: contract_row(got.rows, n)["employee_id"] for n in ("C1", "C2", "C3")}
    assert ids == {"C1": pseudo("A1"), "C2": pseudo("2900175123456"), "C3": pseudo("NTT0042")}


def test_nothing_that_names_a_person_leaves_the_reader(tmp_path):
    got = read(
        tmp_path,
        {"dsn_2024-01.txt": dsn(declaration(SIRET_E1, "012024", person("A1", contract("C1", "01092023"))))},
    )
    text = "\n".join(
        str(v) for frame in (got.rows, got.blocks, got.files) for column in frame.columns for v in frame[column]
    )
    assert got.rows.height == 1
    for personal in (NIR, SURNAME, FIRST_NAMES, "rue des Lilas", "Lille", "A1", "C1"):
        assert personal not in text, personal


# ---------------------------------------------------------------------------------------------- pay


def test_pay_is_that_of_the_first_fully_declared_month_per_fte(tmp_path):
    def month(mm: str, *people: list[str]) -> str:
        return dsn(declaration(SIRET_E1, mm + "2024", *people))

    got = read(
        tmp_path,
        {
            "dsn_2024-01.txt": month(
                "01",
                # Starts mid-January: January is not whole.
                person(
                    "A1",
                    contract("C1", "15012024", modalite="20", quotite="28.00"),
                    pay("C1", "15012024", "31012024", "1000.00"),
                ),
                # Starts on the 1st: January is its first whole month.
                person("A2", contract("C2", "01012024"), pay("C2", "01012024", "31012024", "1800.00")),
                # Starts mid-January and ends on 20 February: no whole month.
                person(
                    "A3",
                    contract("C3", "15012024"),
                    pay("C3", "15012024", "31012024", "900.00"),
                ),
            ),
            "dsn_2024-02.txt": month(
                "02",
                person(
                    "A1",
                    contract("C1", "15012024", modalite="20", quotite="28.00"),
                    # Two gross lines (001) summed; a line of another type (002) left out.
                    pay("C1", "01022024", "29022024", "1500.00"),
                    pay("C1", "01022024", "29022024", "100.00"),
                    pay("C1", "01022024", "29022024", "999.00", kind="002"),
                ),
                person("A2", contract("C2", "01012024"), pay("C2", "01022024", "29022024", "1900.00")),
                person(
                    "A3",
                    contract("C3", "15012024", end=("20022024", "034")),
                    pay("C3", "01022024", "20022024", "600.00"),
                ),
            ),
        },
    )
    # C1: (1500 + 100) / 0.8 = 2000; C2: 1800 / 1; C3: none.
    pay_of = {n: contract_row(got.rows, n)["monthly_gross_pay"] for n in ("C1", "C2", "C3")}
    assert (float(pay_of["C1"]), float(pay_of["C2"]), pay_of["C3"]) == (2000.0, 1800.0, None)


# ---------------------------------------------------------------------------------------------- keys


def test_one_contract_number_for_two_contracts_of_one_siren_quarantines_both(tmp_path):
    got = read(
        tmp_path,
        {
            "dsn_2024-01.txt": dsn(
                declaration(
                    SIRET_E1,
                    "012024",
                    person("A1", contract("C7", "01012020")),
                    person("A2", contract("C7", "01032021")),
                    person("A3", contract("C8", "01032021")),
                )
            )
        },
    )
    staff, problems = mapped(got)
    bad = problems.join(staff.select("dsn_contract", "employee_id"), on="dsn_contract")
    assert sorted(bad["employee_id"]) == sorted([pseudo("A1"), pseudo("A2")])
    assert bad["rule"].to_list() == ["duplicate_key", "duplicate_key"]
    assert all("S21.G00.40.009" in d for d in bad["detail"])


def test_every_block_is_counted_once_per_file(tmp_path):
    got = read(
        tmp_path,
        {
            "dsn_2024-01.txt": dsn(
                declaration(
                    SIRET_E1,
                    "012024",
                    person("A1", contract("C1", "01092023"), contract("C2", "01092023")),
                    person("A2", contract("C3", "08012024", nature="29")),
                ),
                declaration(SIRET_E2, "012024", person("A3", contract("C4", "01092023"))),
            ),
            "dsn_2024-01_v2.txt": dsn(
                declaration(SIRET_E2, "012024", person("A3", contract("C4", "01092023")), kind="03")
            ),
            "dsn_2024-02.txt": dsn(
                declaration(SIRET_E1, "022024", person("A1", contract("C1", "01092023"), contract("C2", "01092023")))
            ),
        },
    )
    assert fates(got) == {
        ("dsn_2024-01.txt", "contract"): 2,
        ("dsn_2024-01.txt", "not_employment"): 1,
        ("dsn_2024-01.txt", "replaced"): 1,
        ("dsn_2024-01_v2.txt", "contract"): 1,
        ("dsn_2024-02.txt", "contract"): 2,
    }
    assert {f: r["contract_blocks"] for f, r in files_table(got).items()} == {
        "dsn_2024-01.txt": 4,
        "dsn_2024-01_v2.txt": 1,
        "dsn_2024-02.txt": 2,
    }


def test_a_contract_block_without_a_contract_number_is_still_counted(tmp_path):
    """The number is required by the norm, but an export may lack it: the block must be counted
    (its contract quarantined, `required`), not lost between read and the outcomes."""
    numberless = [line for line in contract("C1", "01092023") if not line.startswith("S21.G00.40.009")]
    got = read(
        tmp_path,
        {"dsn_2024-01.txt": dsn(declaration(SIRET_E1, "012024", person("A1", numberless)))},
    )
    assert got.rows.height == 1
    assert got.blocks["dsn_contract"].to_list() == got.rows["dsn_contract"].to_list()


# ---------------------------------------------------------------------------------------------- files refused


def one_contract() -> str:
    return dsn(declaration(SIRET_E1, "012024", person("A1", contract("C1", "01092023"))))


def refused(tmp_path: Path, files: dict[str, str | bytes]) -> str:
    with pytest.raises(DsnFileError) as error:
        read(tmp_path, files)
    return str(error.value)


def test_a_file_whose_count_does_not_match_is_refused_as_cut(tmp_path):
    # 10 header lines, 9 of the declaration, 9 of the individual, 12 of the contract, 2 of the totals.
    assert len(one_contract().splitlines()) == 42
    wrong = dsn(declaration(SIRET_E1, "012024", person("A1", contract("C1", "01092023"))), count=50)
    message = refused(tmp_path, {"dsn_2024-01.txt": wrong, "dsn_2024-02.txt": one_contract()})
    assert message.startswith("dsn_2024-01.txt")
    assert "cut short" in message and "50" in message and "42" in message


def test_a_file_cut_at_a_line_end_is_refused_as_cut(tmp_path):
    cut = "".join(one_contract().splitlines(keepends=True)[:30])  # stops inside the contract block
    message = refused(tmp_path, {"dsn_2024-01.txt": cut})
    assert message.startswith("dsn_2024-01.txt") and "cut short" in message
    assert "S90.G00.90" in message


def test_a_file_cut_inside_a_line_is_refused_as_cut(tmp_path):
    """A copy stopped mid-file ends in the middle of a line: the reason is that the file is cut, not
    that it was edited or is not DSN."""
    text = one_contract()
    cut = text[: text.index("S90.G00.90.001") + 17]  # the last line is `S90.G00.90.001,'4`
    assert cut.endswith("S90.G00.90.001,'4")
    message = refused(tmp_path, {"dsn_2024-01.txt": cut})
    assert message.startswith("dsn_2024-01.txt") and "cut short" in message


def test_a_csv_named_dsn_is_refused_as_not_dsn(tmp_path):
    message = refused(tmp_path, {"dsn_export.txt": EXTRACTS["staff.csv"]})
    assert message.startswith("dsn_export.txt") and "not a DSN file" in message
    # The file's content is not quoted: it may be about people.
    assert "A100" not in message


def test_a_line_edited_by_hand_is_named_by_its_number_not_quoted(tmp_path):
    text = one_contract().replace(f"S21.G00.30.002,'{SURNAME}'", f"S21.G00.30.002,{SURNAME}")
    message = refused(tmp_path, {"dsn_2024-01.txt": text})
    # Line 21: 10 header lines, 9 of the declaration, then the NIR, then the family name.
    assert message.startswith("dsn_2024-01.txt, line 21") and "not a DSN line" in message
    assert SURNAME not in message


def test_an_empty_file_is_refused(tmp_path):
    message = refused(tmp_path, {"dsn_2024-01.txt": b""})
    assert message.startswith("dsn_2024-01.txt") and "not a DSN file" in message


def test_a_utf8_file_with_a_byte_order_mark_is_read(tmp_path):
    """Contract 2b accepts UTF-8; a BOM is how Windows tools mark it (and section 2 reads CSVs with one)."""
    got = read(tmp_path, {"dsn_2024-01.txt": b"\xef\xbb\xbf" + one_contract().encode("utf-8")})
    assert numbers(got.rows) == ["C1"]


def test_utf8_crlf_and_apostrophes_are_read(tmp_path):
    text = dsn(
        declaration(
            SIRET_E1,
            "012024",
            person(
                "A1",
                contract("C1", "01092023", pcs="434a", title="Directrice d'établissement"),
                surname="N'Diaye",
            ),
        )
    )
    got = read(tmp_path, {"dsn_2024-01.txt": text.replace("\n", "\r\n").encode("utf-8")})
    staff, problems = mapped(got)
    assert problems.is_empty()
    assert contract_row(staff, "C1")["job_family"] == "DIRECTION"
    assert contract_row(staff, "C1")["emploi_label"] == "Directrice d'établissement"


# ---------------------------------------------------------------------------------------------- through Dagster

# The tiny landing folder's establishments, with the SIRETs the DSN files declare.
ESTABLISHMENTS_CSV = ESTABLISHMENTS_WITH_SIRET

# May 2025, first version: replaced whole by the second.
FIRST = dsn(
    declaration(
        SIRET_E1,
        "052025",
        person("A200", contract("C200", "01032025"), nir="1850575123456"),
        person("A201", contract("C201", "05052025", nature="29"), nir="2990575123456"),
        person("A202", contract("C202", "01032025", pcs="422a", title="Professeure"), nir="2870575123456"),
    )
)
# The second version (03): the same three blocks, and C5 of staff.csv as the DSN declares it.
SECOND = dsn(
    declaration(
        SIRET_E1,
        "052025",
        person("A200", contract("C200", "01032025"), nir="1850575123456"),  # lines 20-28, 29-40
        person("A201", contract("C201", "05052025", nature="29"), nir="2990575123456"),  # 41-49, 50-61
        person(
            "A202", contract("C202", "01032025", pcs="422a", title="Professeure"), nir="2870575123456"
        ),  # 62-70, 71-82
        person(
            "A103",
            contract("C5", "14042025", pcs="434b", title="Assistante de service social", workplace=SIRET_E2),
            pay("C5", "01052025", "31052025", "2400.00"),
            nir="2880159123456",
            birth="20011988",
        ),
        kind="03",
    )
)


def warehouse_rows(path: Path, sql: str) -> list[dict]:
    with duckdb.connect(str(path), read_only=True) as con:
        frame = con.sql(sql).pl()
    return frame.to_dicts()


def test_dsn_files_load_into_staff_and_the_report_accounts_for_every_block(tmp_path):
    landing = write_landing(
        tmp_path / "landing",
        {
            "establishments.csv": ESTABLISHMENTS_CSV,
            "dsn_2025-05.txt": FIRST.encode("iso-8859-1"),
            "dsn_2025-05_v2.txt": SECOND.encode("iso-8859-1"),
        },
    )
    warehouse = tmp_path / "w.duckdb"
    run_ingest(landing, warehouse)

    report = {
        r["source_file"]: r
        for r in warehouse_rows(warehouse, "SELECT * FROM quality.ingest_report WHERE extract = 'staff'")
    }
    counts = ("rows_read", "rows_loaded", "rows_quarantined", "exact_duplicates", "not_employment", "replaced")
    assert {f: tuple(r[c] for c in counts) for f, r in report.items()} == {
        "staff.csv": (5, 5, 0, 0, 0, 0),
        "dsn_2025-05.txt": (3, 0, 0, 0, 0, 3),
        # C200 loaded; C202 quarantined; C5 equal to staff.csv's row; the intern.
        "dsn_2025-05_v2.txt": (4, 1, 1, 1, 1, 0),
    }
    for r in report.values():
        assert r["rows_read"] == sum(r[c] for c in counts[1:])

    files = {r["source_file"]: r for r in warehouse_rows(warehouse, "SELECT * FROM quality.ingest_dsn_files")}
    assert (files["dsn_2025-05.txt"]["declarations_read"], files["dsn_2025-05.txt"]["declarations_replaced"]) == (1, 1)
    assert (files["dsn_2025-05_v2.txt"]["declarations_in_force"], files["dsn_2025-05_v2.txt"]["contract_blocks"]) == (
        1,
        4,
    )

    staff = warehouse_rows(
        warehouse, f"SELECT * FROM staging.staff WHERE contract_id = '{pseudo('C200', HARNESS_KEY)}'"
    )
    assert len(staff) == 1
    row = staff[0]
    assert row["employee_id"] == pseudo("A200", HARNESS_KEY)
    assert (row["establishment_id"], row["job_family"], row["contract_type"]) == ("E1", "EDUCATEUR_SPECIALISE", "CDI")
    assert (str(row["start_date"]), row["end_date"], float(row["fte"])) == ("2025-03-01", None, 1.0)
    assert (row["source_file"], row["source_row"]) == ("dsn_2025-05_v2.txt", 29)
    assert warehouse_rows(warehouse, "SELECT count(*) AS n FROM staging.staff") == [{"n": 6}]

    quarantine = warehouse_rows(warehouse, "SELECT * FROM quality.quarantine WHERE extract = 'staff'")
    assert len(quarantine) == 1
    q = quarantine[0]
    assert (q["source_file"], q["source_row"], q["rule"]) == ("dsn_2025-05_v2.txt", 71, "unknown_reference")
    assert "422a" in q["detail"].lower() and "Professeure" in q["detail"]


def step_failures(event_log: str) -> dict[str, str]:
    """The steps that failed in Dagster's event log, with the message the user sees."""
    found = {}
    for line in event_log.splitlines():
        event = json.loads(line).get("dagster_event") or {}
        if event.get("event_type_value") == "STEP_FAILURE":
            found[event["step_key"]] = event["event_specific_data"]["user_failure_data"]["description"]
    return found


# The copy stopped after line 50: the totals block is missing.
CUT = "".join(SECOND.splitlines(keepends=True)[:50])


def test_a_cut_dsn_file_fails_the_staff_extract_naming_it_and_the_others_load(tmp_path):
    landing = write_landing(
        tmp_path / "landing",
        {"establishments.csv": ESTABLISHMENTS_CSV, "dsn_2025-05.txt": CUT.encode("iso-8859-1")},
    )
    warehouse = tmp_path / "w.duckdb"
    tables, event_log = run_ingest(landing, warehouse)
    assert "staging.staff" not in tables
    assert {"staging.establishments", "staging.foster_carers", "staging.placements"} <= set(tables)
    failures = step_failures(event_log)
    assert list(failures) == ["raw__staff"]
    # The file, the reason, what is missing, what to do.
    message = failures["raw__staff"]
    assert message.startswith("dsn_2025-05.txt: cut short"), message
    assert "S90.G00.90" in message and "50 lines" in message and "again" in message


def test_a_csv_named_dsn_fails_the_staff_extract_naming_it(tmp_path):
    landing = write_landing(
        tmp_path / "landing", {"establishments.csv": ESTABLISHMENTS_CSV, "DSN_export.csv": EXTRACTS["staff.csv"]}
    )
    tables, event_log = run_ingest(landing, tmp_path / "w.duckdb")
    assert "staging.staff" not in tables and "staging.establishments" in tables
    failures = step_failures(event_log)
    assert list(failures) == ["raw__staff"]
    assert failures["raw__staff"].startswith("DSN_export.csv: not a DSN file")
    assert "A100" not in failures["raw__staff"]


def report_rows(warehouse: Path) -> dict[str, tuple[int, ...]]:
    """Each staff file's line of quality.ingest_report: read, loaded, quarantined, exact duplicates,
    not_employment, replaced."""
    counts = ("rows_read", "rows_loaded", "rows_quarantined", "exact_duplicates", "not_employment", "replaced")
    rows = warehouse_rows(warehouse, "SELECT * FROM quality.ingest_report WHERE extract = 'staff'")
    return {r["source_file"]: tuple(r[c] for c in counts) for r in rows}


def test_a_month_cancelled_whole_counts_its_blocks_as_replaced(tmp_path):
    """No DSN contract is left to load: the report still accounts for the blocks read."""
    landing = write_landing(
        tmp_path / "landing",
        {
            "establishments.csv": ESTABLISHMENTS_CSV,
            "dsn_2025-05.txt": FIRST.encode("iso-8859-1"),
            "dsn_2025-05_annulation.txt": dsn(declaration(SIRET_E1, "052025", kind="04")).encode("iso-8859-1"),
        },
    )
    warehouse = tmp_path / "w.duckdb"
    run_ingest(landing, warehouse)
    assert report_rows(warehouse) == {
        "staff.csv": (5, 5, 0, 0, 0, 0),
        "dsn_2025-05.txt": (3, 0, 0, 0, 0, 3),
        "dsn_2025-05_annulation.txt": (0, 0, 0, 0, 0, 0),
    }


def check_evaluations(event_log: str, name: str) -> list[dict]:
    """The evaluations of one asset check in Dagster's event log."""
    found = []
    for line in event_log.splitlines():
        entry = json.loads(line)
        data = (entry.get("dagster_event") or {}).get("event_specific_data") or {}
        if data.get("__class__") == "AssetCheckEvaluation" and data.get("check_name") == name:
            found.append(data)
    return found


def test_a_missing_month_is_a_warning_of_the_staff_check_naming_the_siret_and_month(tmp_path):
    def month(mm: str) -> bytes:
        return dsn(declaration(SIRET_E1, mm + "2025", person("A200", contract("C200", "01032025")))).encode(
            "iso-8859-1"
        )

    landing = write_landing(
        tmp_path / "landing",
        {"establishments.csv": ESTABLISHMENTS_CSV, "dsn_2025-03.txt": month("03"), "dsn_2025-05.txt": month("05")},
    )
    warehouse = tmp_path / "w.duckdb"
    _, event_log = run_ingest(landing, warehouse)
    assert warehouse_rows(warehouse, "SELECT * FROM quality.dsn_missing_months") == [
        {"siret": SIRET_E1, "month": date(2025, 4, 1)}
    ]
    evaluations = check_evaluations(event_log, "dsn_months_are_complete")
    assert len(evaluations) == 1
    check = evaluations[0]
    assert check["success"] is False and check["severity"]["__enum__"] == "AssetCheckSeverity.WARN"
    assert SIRET_E1 in check["description"] and re.search(r"04/2025|2025-04", check["description"])
    # Never read as an exit: C200 is open.
    staff = warehouse_rows(
        warehouse, f"SELECT * FROM staging.staff WHERE contract_id = '{pseudo('C200', HARNESS_KEY)}'"
    )
    assert [(r["end_date"], r["exit_reason"]) for r in staff] == [(None, None)]


# ---------------------------------------------------------------------------------------------- privacy

# What names a person in a DSN file: NIR, family and usual names, first names, address, matricule, NTT,
# and the contract number (often built from the matricule).
PERSONAL_RUBRICS = (
    "S21.G00.30.001",
    "S21.G00.30.002",
    "S21.G00.30.003",
    "S21.G00.30.004",
    "S21.G00.30.008",
    "S21.G00.30.019",
    "S21.G00.30.020",
    "S21.G00.40.009",
)


def personal_values(folder: Path) -> dict[str, set[str]]:
    """The values of the personal rubrics of every DSN file of a folder, read from the files themselves."""
    found: dict[str, set[str]] = {r: set() for r in PERSONAL_RUBRICS}
    for path in folder.glob("dsn*"):
        for line in path.read_bytes().decode("iso-8859-1").splitlines():
            rubric, _, value = line.partition(",")
            if rubric in found and value.strip("'"):
                found[rubric].add(value.strip("'"))
    return found


def occurrences(values: set[str], text: str) -> list[str]:
    """The values found in the text as whole words (a surname inside another word is not one)."""
    return sorted(v for v in values if v in text and re.search(r"(?<!\w)" + re.escape(v) + r"(?!\w)", text))


@pytest.fixture(scope="module")
def messy_dsn_ingest(tmp_path_factory) -> tuple[Path, Path, dict[str, str], str]:
    landing = tmp_path_factory.mktemp("messy_dsn") / "landing"
    generate_demo(landing, scale="small", seed=11, dsn=True, messy=True)
    warehouse = landing.parent / "w.duckdb"
    tables, event_log = run_ingest(landing, warehouse)
    return landing, warehouse, tables, event_log


def test_no_name_nir_address_or_raw_matricule_is_stored_or_logged_after_a_messy_dsn_run(messy_dsn_ingest):
    landing, warehouse, tables, event_log = messy_dsn_ingest
    values = personal_values(landing)
    # The demo writes NIRs, names, first names, matricules and contract numbers (not addresses): the scan
    # looks for real values, not for none.
    for rubric in ("S21.G00.30.001", "S21.G00.30.002", "S21.G00.30.004", "S21.G00.30.019", "S21.G00.40.009"):
        assert len(values[rubric]) >= 20, rubric
    assert any(not v.isascii() for v in values["S21.G00.30.002"] | values["S21.G00.30.004"])  # accented names
    assert any(re.fullmatch(r"\d{5}2[AB]\d+", v) for v in values["S21.G00.30.001"])  # Corsican NIRs
    # The DSN contracts did load: the scan is of a warehouse holding them.
    assert warehouse_rows(warehouse, "SELECT count(*) AS n FROM staging.staff")[0]["n"] > 100
    assert "raw.staff_dsn" in tables and "quality.quarantine" in tables

    every = set().union(*values.values())
    found = {name: occurrences(every, text) for name, text in tables.items()}
    assert {name: hits for name, hits in found.items() if hits} == {}
    assert occurrences(every, event_log) == []


def test_every_contract_block_of_a_messy_dsn_run_is_accounted_for(messy_dsn_ingest):
    _, warehouse, _, _ = messy_dsn_ingest
    report = {f: r for f, r in report_rows(warehouse).items() if f.startswith("dsn")}
    assert len(report) > 100
    assert {f: r for f, r in report.items() if r[0] != sum(r[1:])} == {}
    # The messy cases are there: interns (not_employment) and a replaced declaration.
    assert sum(r[4] for r in report.values()) > 0 and sum(r[5] for r in report.values()) > 0
