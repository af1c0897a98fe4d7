"""Values as the raw and staging layers keep them, on the tiny landing folder of the catalogue:
every identifier pseudonymised with its joins intact, and nothing typed about a person kept."""

from __future__ import annotations

import re

import duckdb
import polars as pl
import pytest

from pipelines.ingest.assets import source_files
from pipelines.ingest.contract import EXTRACTS, LOAD_ORDER
from pipelines.ingest.files import read_text_table
from pipelines.ingest.headers import load_aliases
from pipelines.ingest.pseudonym import pseudonym
from pipelines.ingest.raw import to_raw
from tests.quality.cases.values import CASES
from tests.quality.harness import KEY, ingest, run_ingest
from tests.quality.landing import write_landing

# A code no other extract knows is found unknown only by the staging step, which then describes
# it in raw: that case is tested through Dagster below, not on the raw step alone.
PERSONAL_CASES = [c for c in CASES if c.personal and c.rules != ("unknown_reference",)]
# The identifiers of people, contracts, postings, applications, placements and enquiries of the tiny folder.
RAW_IDS = re.compile(
    r"(?<![0-9A-Za-z])(A1\d\d|C\d|P\d|AP\d|F\d|K\d|PL\d|Q\d|M0000001(-1)?|ASE-2012-0457(-1)?)"
    r"(?![0-9A-Za-z])"
)


def raw_tables(landing) -> dict[str, pl.DataFrame]:
    """Gives the raw layer of every extract of a landing folder, as the raw assets write it."""
    return {
        name: pl.concat(
            [
                to_raw(read_text_table(p), EXTRACTS[name], load_aliases(), KEY)[0]
                for p in source_files(EXTRACTS[name], landing)
            ],
            how="diagonal_relaxed",
        )
        for name in LOAD_ORDER
    }


def every_value(frames: dict[str, pl.DataFrame]) -> str:
    """Gives every cell of every frame as one text."""
    return "\n".join(str(v) for f in frames.values() for column in f.columns for v in f[column].to_list())


def test_every_identifier_is_pseudonymised_and_the_joins_hold(tmp_path):
    case = next(c for c in CASES if c.id == "contract_id_from_matricule")
    landing = write_landing(tmp_path / "landing", case.changes)
    loaded = ingest(landing)
    staging = {n: load.checked.loaded for n, load in loaded.items()}
    quarantine = {n: load.checked.quarantined for n, load in loaded.items()}
    assert all(q.height == 0 for q in quarantine.values())
    assert RAW_IDS.findall(every_value(staging) + every_value(raw_tables(landing))) == []

    # The joins between extracts hold on pseudonyms, as they did on the identifiers.
    hire = staging["job_postings"].filter(pl.col("outcome") == "FILLED")["contract_id"]
    assert hire.to_list() == [pseudonym("M0000001-1", KEY)]
    assert hire.is_in(staging["staff"]["contract_id"].implode()).all()
    assert staging["applications"]["posting_id"].is_in(staging["job_postings"]["posting_id"].implode()).all()
    for name in ("placements", "carer_events"):
        assert staging[name]["carer_id"].is_in(staging["foster_carers"]["carer_id"].implode()).all(), name
    assert staging["carer_enquiries"]["carer_id"].drop_nulls().to_list() == [pseudonym("F1", KEY)]
    # Establishment and territory ids are the organisation's, not people's: they stay as they are.
    assert sorted(staging["establishments"]["territory_id"]) == ["T1", "T2"]
    assert set(staging["staff"]["establishment_id"]) == {"E1", "E2"}


@pytest.mark.parametrize("case", PERSONAL_CASES, ids=lambda c: c.id)
def test_nothing_typed_in_a_column_with_a_rule_is_kept(case, tmp_path):
    landing = write_landing(tmp_path / "landing", case.changes)
    loaded = ingest(landing)[case.extract].checked
    kept = every_value(raw_tables(landing)) + every_value({"loaded": loaded.loaded, "quarantine": loaded.quarantined})
    assert [p for p in case.personal if p in kept] == []


def test_a_comment_in_the_exit_reason_is_quarantined_as_its_length_and_kinds(tmp_path):
    case = next(c for c in CASES if c.id == "free_text_in_exit_reason")
    landing = write_landing(tmp_path / "landing", case.changes)
    raw = raw_tables(landing)["staff"].filter(pl.col("invalid_values").is_not_null())
    assert raw.select("source_row", "exit_reason", "invalid_values").rows() == [
        (5, "54 characters: letters, digits, spaces, other characters", "exit_reason: unknown_code")
    ]
    held = ingest(landing)["staff"].checked.quarantined.row(0, named=True)
    assert (held["source_file"], held["source_row"], held["rule"]) == ("staff.csv", 5, "unknown_code")
    assert held["detail"].startswith(
        "exit_reason: the value (54 characters: letters, digits, spaces, other "
        "characters) is not one of RESIGNATION, MUTUAL_AGREEMENT"
    )


def test_a_code_no_extract_knows_is_described_in_raw_too(tmp_path):
    case = next(c for c in CASES if c.id == "comment_in_a_job_family")
    tables, _ = run_ingest(write_landing(tmp_path / "landing", case.changes), tmp_path / "w.duckdb")
    raw = pl.read_database(
        "SELECT source_row, job_family FROM raw.staff WHERE source_row = 2",
        duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True),
    )
    # "remplace Mme Girard, arrêt maladie": 34 characters, never its text.
    assert raw.rows() == [(2, "34 characters: letters, spaces, other characters")]
    assert [p for p in case.personal if any(p in text for text in tables.values())] == []
    # The other rows of raw are as read.
    assert "MONITEUR_EDUCATEUR" in tables["raw.staff"]
