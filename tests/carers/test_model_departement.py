"""End to end at departement scale: the attrition model recovers the planted risks and beats its baselines.

One demo landing folder (seed 101, never used to tune the model) goes through
the whole nightly_refresh job once; every test below reads the warehouse.
"""

from __future__ import annotations

import datetime as dt

import dagster as dg
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from models.evaluation import planted_risk_check
from models.registry import load_model
from pipelines.carers.assets import carer_assets
from pipelines.demo import generate_demo
from pipelines.ingest.pseudonym import pseudonym
from pipelines.settings import DEMO_PSEUDONYM_KEY
from pipelines.warehouse import Warehouse
from tests.conftest import run_pipeline

SEED = 101
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def departement(tmp_path_factory) -> tuple[Warehouse, pl.DataFrame]:
    landing = tmp_path_factory.mktemp("carers_departement") / "landing"
    generate_demo(landing, scale="departement", seed=SEED)
    path = landing.parent / "warehouse" / "vivier.duckdb"
    outcome = run_pipeline(landing, path, VIVIER_PSEUDONYM_KEY=DEMO_PSEUDONYM_KEY)
    assert outcome.success, outcome.failures
    truth = pl.read_csv(landing / "_truth" / "carer_risk.csv").with_columns(
        carer_id=pl.col("carer_id").map_elements(lambda i: pseudonym(i, DEMO_PSEUDONYM_KEY), return_dtype=pl.String)
    )
    return Warehouse(path=str(path)), truth


def test_model_recovers_the_planted_risks(departement):
    warehouse, truth = departement
    check = planted_risk_check(warehouse.read("ml.carer_attrition_scores"), truth)
    assert check["auc_ratio"] >= 0.95, check
    assert abs(check["mean_ratio"] - 1) <= 0.20, check


def test_boosting_beats_both_baselines_on_the_test_split(departement):
    warehouse, _ = departement
    test = dict(warehouse.query("SELECT model, roc_auc FROM ml.model_metrics WHERE split = 'test'").rows())
    assert test["gradient_boosting"] > test["logistic_regression"]
    assert test["gradient_boosting"] > test["age_rule"]
    chosen = warehouse.query("SELECT DISTINCT model FROM ml.model_metrics WHERE chosen").item()
    assert chosen == "gradient_boosting"


def test_training_keeps_unobserved_years_out(departement):
    warehouse, _ = departement
    period = warehouse.read("staging.reporting_period").row(0, named=True)
    model = warehouse.query("SELECT * FROM ml.model_registry WHERE current").row(0, named=True)
    assert model["train_to"] + dt.timedelta(days=365) <= period["as_of_date"]
    metrics = warehouse.read("ml.model_metrics")
    train_to = metrics.filter(pl.col("split") == "train")["as_of_to"].max()
    assert train_to + dt.timedelta(days=365) <= metrics.filter(pl.col("split") == "test")["as_of_from"].min()


def test_saved_model_loads_and_scores_every_active_carer(departement):
    warehouse, truth = departement
    model = warehouse.query("SELECT * FROM ml.model_registry WHERE current").row(0, named=True)
    saved = load_model(model["path"])
    assert saved["version"] == model["version"]
    scores = warehouse.read("ml.carer_attrition_scores")
    assert sorted(scores["carer_id"]) == sorted(truth["carer_id"])
    assert scores["risk_12m"].is_between(0, 1).all()
    assert set(scores["risk_band"]) <= {"HIGH", "MEDIUM", "LOW"}
    assert set(scores["suggested_measure"].drop_nulls()) <= {
        "more référent visits",
        "relais (respite carer)",
        "placement allocation or income guarantee",
        "placement matching and analysis of practice",
        "accompaniment protocol",
        "mentoring of new carers",
    }


def test_marts_agree_with_each_other(departement):
    warehouse, _ = departement
    period = warehouse.read("staging.reporting_period").row(0, named=True)
    capacity = warehouse.query(
        f"SELECT sum(active_carers) FROM marts.carer_capacity_monthly WHERE month = DATE '{period['as_of_month']}'"
    ).item()
    assert capacity == warehouse.query("SELECT count(*) FROM ml.carer_attrition_scores").item()
    assert capacity == warehouse.query("SELECT sum(carers) FROM marts.carer_age_profile").item()
    projection = warehouse.read("marts.carer_projection")
    assert projection.group_by("territory_id").len()["len"].to_list() == [5] * projection["territory_id"].n_unique()
    funnel = warehouse.read("marts.carer_funnel")
    assert (funnel["approvals"] <= funnel["enquiries"]).all() and funnel.height > 0


def test_fairness_audit_and_model_card(departement):
    warehouse, _ = departement
    fairness = warehouse.read("ml.model_fairness")
    assert set(fairness["attribute"]) == {"sex", "age_band"}
    assert (
        fairness.filter(pl.col("attribute") == "sex")["n"].sum()
        == warehouse.query("SELECT count(*) FROM ml.carer_test_predictions").item()
    )
    card = warehouse.read("ml.model_card")["markdown"].item()
    assert "not proven causes" in card and "Fairness audit" in card


def test_running_the_carer_assets_again_gives_the_same_model_and_scores(departement):
    warehouse, _ = departement
    tables = ("ml.carer_attrition_scores", "ml.model_metrics", "ml.model_fairness", "marts.carer_projection")
    before = {t: warehouse.read(t) for t in tables}
    version = warehouse.query("SELECT version FROM ml.model_registry WHERE current").item()
    assert dg.materialize(carer_assets, resources={"warehouse": warehouse}).success
    for table in tables:
        assert_frame_equal(warehouse.read(table), before[table], check_row_order=False, rel_tol=1e-9)
    registry = warehouse.read("ml.model_registry")
    assert registry.select("version", "current").rows() == [(version, True)]
