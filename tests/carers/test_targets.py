"""`vivier targets`: real ids back from pseudonyms, for the HR officer holding the key, outside the data."""

from __future__ import annotations

import datetime as dt
import stat

import polars as pl
from click.testing import CliRunner

from models.scoring import SCORE_SCHEMA
from pipelines.carers.targets import targets
from pipelines.ingest.pseudonym import pseudonym
from pipelines.warehouse import Warehouse
from tests.conftest import vivier_env

KEY = "a-secret-key-for-tests"


def setup(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse" / "vivier.duckdb"
    landing.mkdir()
    (landing / "foster_carers.csv").write_text(
        "Matricule;Date de naissance;territory_id;employer_kind;approval_date;approved_places;employment_start_date\n"
        " AF001 ;1960-01-01;T1;DEPARTMENT;2000-01-01;2;2000-02-01\n"
        "AF002;1980-01-01;T1;DEPARTMENT;2010-01-01;1;2010-02-01\n"
        "AF003;1985-01-01;T2;DEPARTMENT;2015-01-01;3;2015-02-01\n",
        encoding="utf-8",
    )
    scores = pl.DataFrame(
        {"carer_id": [pseudonym(i, KEY) for i in ("AF001", "AF002", "AF003", "AF999")],
         "as_of_date": [dt.date(2024, 6, 30)] * 4, "risk_12m": [0.9, 0.2, 0.05, 0.5],
         "risk_band": ["HIGH", "MEDIUM", "LOW", "HIGH"], "places_at_risk": [1.8, 0.2, 0.0, 0.5],
         "top_factors": ["approaching_retirement", "support_visits", None, None],
         "suggested_measure": ["mentoring of new carers", "more référent visits", None, None],
         "children_placed": [2, 1, 0, 1], "territory_id": ["T1", "T1", "T2", "T2"]},
    ).with_columns(pl.lit(None).alias(c) for c in SCORE_SCHEMA if c not in ("carer_id", "as_of_date", "risk_12m",
                   "risk_band", "places_at_risk", "top_factors", "suggested_measure", "children_placed",
                   "territory_id")).cast(SCORE_SCHEMA)  # fmt: skip
    Warehouse(path=str(warehouse)).replace("ml.carer_attrition_scores", scores)
    return landing, warehouse


def run(landing, warehouse, *args):
    with vivier_env(VIVIER_LANDING_DIR=str(landing), VIVIER_WAREHOUSE=str(warehouse), VIVIER_PSEUDONYM_KEY=KEY):
        return CliRunner().invoke(targets, ["--extract", str(landing / "foster_carers.csv"), *args])


def test_targets_lists_real_ids_of_medium_and_high_risks(tmp_path):
    landing, warehouse = setup(tmp_path)
    out = tmp_path / "hr" / "to_contact.csv"
    result = run(landing, warehouse, "--out", str(out))
    assert result.exit_code == 0, result.output
    table = pl.read_csv(out, separator=";")
    assert table.select("carer_id", "risk_band", "suggested_measure").rows() == [
        ("AF001", "HIGH", "mentoring of new carers"),
        ("AF002", "MEDIUM", "more référent visits"),
    ]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "1 scored carer(s) are not in foster_carers.csv" in result.output


def test_targets_never_writes_next_to_the_data(tmp_path):
    landing, warehouse = setup(tmp_path)
    for inside in (landing / "targets.csv", warehouse.parent / "targets.csv"):
        result = run(landing, warehouse, "--out", str(inside))
        assert result.exit_code != 0 and "must not sit next to the data" in result.output
        assert not inside.exists()
    # The warehouse holds no real id.
    stored = Warehouse(path=str(warehouse)).read("ml.carer_attrition_scores")["carer_id"].to_list()
    assert not {"AF001", "AF002", "AF003"} & set(stored)
