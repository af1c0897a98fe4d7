"""Foster-carer assets (group `carers`): thin wrappers that read staging, call the pure functions of
`pipelines.carers` and `models`, write `marts.*` and `ml.*`, and say what they found.

scikit-learn, skops and fairlearn are imported by the functions these assets
call, at run time: loading the definitions stays fast."""

from pathlib import Path

import dagster as dg
import polars as pl

from models import card, features, registry, scoring, training
from models.fairness import FAIRNESS_SCHEMA, fairness_audit, largest_gaps
from models.labels import attrition_labels
from pipelines.carers import capacity, funnel, projection
from pipelines.carers.period import Period
from pipelines.warehouse import Warehouse

CARERS = dg.AssetKey(["staging", "foster_carers"])
PLACEMENTS = dg.AssetKey(["staging", "placements"])
EVENTS = dg.AssetKey(["staging", "carer_events"])
ENQUIRIES = dg.AssetKey(["staging", "carer_enquiries"])
PERIOD = dg.AssetKey(["staging", "reporting_period"])
FEATURE_TABLE = "ml.carer_features"
MODEL_TABLES = ("ml.model_metrics", "ml.carer_test_predictions", "ml.model_registry")
# Below this many leavers in the test split, ROC AUCs differ by chance more than by model.
MIN_TEST_LEAVERS = 100


def _period(warehouse: Warehouse) -> Period:
    return Period.from_table(warehouse.read("staging.reporting_period"))


def _whole_table(warehouse: Warehouse, table: str) -> pl.LazyFrame:
    """Gives every row of a warehouse table, read into memory, as a LazyFrame (no filter is pushed down
    to DuckDB: the transforms are pure Polars and know nothing of the warehouse)."""
    return warehouse.read(table).lazy()


def _numbers(**values: float | int | None) -> dict:
    """Numeric metadata (plotted by the UI across runs), leaving out what could not be computed."""
    return {k: dg.MetadataValue.float(round(float(v), 6)) for k, v in values.items() if v is not None}


def _markdown(frame: pl.DataFrame) -> dg.MetadataValue:
    return dg.MetadataValue.md(card.markdown_table(frame))


def _table_exists(warehouse: Warehouse, table: str) -> bool:
    # Not Warehouse.exists: its fetchone() leaves a result open on the run's shared connection,
    # and DuckDB 2 then refuses the next query.
    schema, name = table.split(".")
    return bool(warehouse.query(f"SELECT count(*) FROM information_schema.tables WHERE table_schema = '{schema}' "
                                f"AND table_name = '{name}'").item())  # fmt: skip


def _current_model(warehouse: Warehouse) -> dict | None:
    if not _table_exists(warehouse, "ml.model_registry"):
        return None
    current = warehouse.query("SELECT * FROM ml.model_registry WHERE current")
    return current.row(0, named=True) if current.height else None


@dg.asset(
    key=["marts", "carer_capacity_monthly"],
    deps=[CARERS, PLACEMENTS, PERIOD],
    group_name="carers",
    kinds={"polars", "duckdb"},
    description="Per month and territory: active foster carers and their approved places at month end, "
    "occupied places (children placed), new carers and leavers (contract section 4).",
)
def carer_capacity_monthly(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    period = _period(warehouse)
    table = capacity.carer_capacity_monthly(
        _whole_table(warehouse, "staging.foster_carers"), _whole_table(warehouse, "staging.placements"), period
    ).collect()
    rows = warehouse.replace("marts.carer_capacity_monthly", table)
    latest = table.filter(pl.col("month") == period.as_of.replace(day=1))
    last_year = table.filter(pl.col("month") > period.as_of.replace(day=1, year=period.as_of.year - 1))
    return dg.MaterializeResult(
        metadata={
            "rows": rows,
            "as_of_month": str(period.as_of.replace(day=1)),
            **_numbers(active_carers=latest["active_carers"].sum(), approved_places=latest["approved_places"].sum(),
                       occupied_places=latest["occupied_places"].sum(), new_carers_12m=last_year["new_carers"].sum(),
                       leavers_12m=last_year["leavers"].sum()),  # fmt: skip
        }
    )


@dg.asset(
    key=["marts", "carer_age_profile"],
    deps=[CARERS, PLACEMENTS, PERIOD],
    group_name="carers",
    kinds={"polars", "duckdb"},
    description="Carers active on the as-of date per territory and 5-year age band, with their approved "
    "places and children placed.",
)
def carer_age_profile(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    table = capacity.carer_age_profile(
        _whole_table(warehouse, "staging.foster_carers"),
        _whole_table(warehouse, "staging.placements"),
        _period(warehouse),
    ).collect()
    rows = warehouse.replace("marts.carer_age_profile", table)
    carers = table["carers"].sum()
    over_60 = table.filter(pl.col("age_band_start") >= 60)["carers"].sum()
    return dg.MaterializeResult(
        metadata={"rows": rows, **_numbers(carers=carers, share_aged_60_and_over=over_60 / carers if carers else None)}
    )


@dg.asset(
    key=["marts", "carer_funnel"],
    deps=[ENQUIRIES, PERIOD],
    group_name="carers",
    kinds={"polars", "duckdb"},
    description="Recruitment of new foster carers per enquiry cohort quarter, channel and territory: "
    "enquiries, applications, approvals, median days to decision and conversion rates.",
)
def carer_funnel(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    table = funnel.carer_funnel(_whole_table(warehouse, "staging.carer_enquiries"), _period(warehouse)).collect()
    rows = warehouse.replace("marts.carer_funnel", table)
    enquiries, approvals = table["enquiries"].sum(), table["approvals"].sum()
    return dg.MaterializeResult(
        metadata={"rows": rows, **_numbers(enquiries=enquiries, approvals=approvals,
                                           conversion_rate=approvals / enquiries if enquiries else None)}  # fmt: skip
    )


@dg.asset(
    key=["ml", "carer_features"],
    deps=[CARERS, PLACEMENTS, EVENTS, PERIOD],
    group_name="carers",
    kinds={"polars", "duckdb"},
    description="What the attrition model knows of each carer active on quarterly as-of dates (back from the "
    "as-of date), with the label (left within 365 days, deaths excepted) where the 12 months are observed.",
)
def carer_features(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    period = _period(warehouse)
    carers = _whole_table(warehouse, "staging.foster_carers")
    earliest = warehouse.query("SELECT min(event_date) FROM staging.carer_events").item()
    dates = features.training_dates(period.as_of, period.first_month, earliest)
    table = features.carer_features(carers, _whole_table(warehouse, "staging.placements"),
                                     _whole_table(warehouse, "staging.carer_events"), dates)  # fmt: skip
    labels = attrition_labels(table.select("carer_id", "as_of_date"), carers, period.as_of)
    table = table.join(labels, on=["carer_id", "as_of_date"]).collect()
    rows = warehouse.replace(FEATURE_TABLE, table)
    observed = table.filter(pl.col("observed"))
    return dg.MaterializeResult(
        metadata={"rows": rows, "as_of_dates": len(dates), "first_as_of": str(min(dates, default="")),
                  **_numbers(observed_rows=observed.height,
                             leave_rate=observed["left_12m"].mean() if observed.height else None)}  # fmt: skip
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["ml", "model_metrics"], deps=[dg.AssetKey(["ml", "carer_features"])],
                     description="ROC AUC, PR AUC, Brier score and the share of leavers caught in the 10 % highest "
                                 "risks, for every model (age rule, logistic regression, calibrated gradient "
                                 "boosting) on the train and test splits."),
        dg.AssetSpec(["ml", "carer_test_predictions"], deps=[dg.AssetKey(["ml", "carer_features"])],
                     description="Every model's risk for the test split's carer-dates, with the outcome."),
        dg.AssetSpec(["ml", "model_registry"], deps=[dg.AssetKey(["ml", "carer_features"])],
                     description="The attrition models saved with skops next to the warehouse: version, path, "
                                 "training range; `current` marks the one that scores."),
    ],  # fmt: skip
    group_name="carers",
    can_subset=False,
)
def carer_attrition_model(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Trains the attrition models on a time-based split, refits the best candidate on every observed
    as-of date and saves it with skops."""
    period = _period(warehouse)
    rows = warehouse.query(f"SELECT * FROM {FEATURE_TABLE} WHERE observed")
    previous = warehouse.read("ml.model_registry") if _table_exists(warehouse, "ml.model_registry") else None
    try:
        trained = training.train_attrition_model(rows, period.as_of)
    except training.NotEnoughHistory as reason:
        context.log.warning(f"No attrition model trained: {reason} The scores will be empty.")
        warehouse.replace_many(registry.model_tables(None, None, period.as_of, previous))
        for key in MODEL_TABLES:
            yield dg.MaterializeResult(asset_key=key.split("."), metadata={"trained": False, "reason": str(reason)})
        return
    path = registry.save_model(trained.model, registry.model_path(warehouse.path, trained.version),
                               list(features.FEATURES), trained.version)  # fmt: skip
    written = warehouse.replace_many(registry.model_tables(trained, path, period.as_of, previous))
    test = trained.evaluation.metrics.filter(pl.col("split") == "test")
    split = trained.evaluation.split
    metadata = {
        "ml.model_metrics": {"chosen": trained.name, "train_as_of": f"{min(split.train)} .. {max(split.train)}",
                             "test_as_of": f"{min(split.test)} .. {max(split.test)}",
                             "test": _markdown(test.select("model", "roc_auc", "pr_auc", "brier", "top_decile_recall",
                                                           "n", "leavers"))},
        "ml.carer_test_predictions": {},
        "ml.model_registry": {"version": trained.version, "model": trained.name,
                              "path": dg.MetadataValue.path(str(path)), "train_from": str(min(trained.train_dates)),
                              "train_to": str(max(trained.train_dates)), "fitted_rows": trained.fitted_rows},
    }  # fmt: skip
    for table in MODEL_TABLES:
        yield dg.MaterializeResult(asset_key=table.split("."), metadata={"rows": written[table], **metadata[table]})


@dg.asset(
    key=["ml", "model_fairness"],
    deps=[dg.AssetKey(["ml", "carer_test_predictions"]), dg.AssetKey(["ml", "model_registry"])],
    group_name="carers",
    kinds={"polars", "duckdb"},
    description="Fairness audit (fairlearn) of the chosen model on the test split, by sex and age band: share "
    "among the 10 % highest risks, recall of leavers there, predicted against observed leave rate.",
)
def model_fairness(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    current = _current_model(warehouse)
    predictions = warehouse.read("ml.carer_test_predictions")
    if current is None or predictions.is_empty():
        warehouse.replace("ml.model_fairness", pl.DataFrame(schema=FAIRNESS_SCHEMA))
        return dg.MaterializeResult(metadata={"rows": 0})
    table = fairness_audit(predictions, current["model"])
    rows = warehouse.replace("ml.model_fairness", table)
    return dg.MaterializeResult(metadata={"rows": rows, **_numbers(**largest_gaps(table))})


@dg.asset(
    key=["ml", "carer_attrition_scores"],
    deps=[dg.AssetKey(["ml", "model_registry"]), dg.AssetKey(["ml", "carer_features"]), CARERS, PERIOD],
    group_name="carers",
    kinds={"scikit-learn", "duckdb"},
    description="For every carer active on the as-of date: calibrated risk of stopping within 12 months, band, "
    "places at risk (risk x children placed), the factors weighing most on the risk and a suggested measure. "
    "The factors are associations found by a model, not proven causes.",
)
def carer_attrition_scores(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    period = _period(warehouse)
    current = _current_model(warehouse)
    rows = warehouse.query(f"SELECT * FROM {FEATURE_TABLE} WHERE as_of_date = DATE '{period.as_of}'")
    if current is None:
        context.log.warning("No attrition model is current (see ml.model_registry): no carer is scored.")
        table = pl.DataFrame(schema=scoring.SCORE_SCHEMA)
    else:
        saved = registry.load_model(current["path"])
        carers = _whole_table(warehouse, "staging.foster_carers")
        table = scoring.score_carers(rows, lambda r: training.predict_risk(saved["model"], r), carers, period.as_of,
                                     current["version"])  # fmt: skip
    written = warehouse.replace("ml.carer_attrition_scores", table)
    bands = table.group_by("risk_band").len().sort("risk_band")
    measures = table.filter(pl.col("risk_band") != scoring.LOW).group_by("suggested_measure").len().sort(
        "len", descending=True)  # fmt: skip
    return dg.MaterializeResult(
        metadata={"rows": written, "model_version": current["version"] if current else "none",
                  **_numbers(mean_risk=table["risk_12m"].mean(), expected_leavers=table["risk_12m"].sum(),
                             places_at_risk=table["places_at_risk"].sum()),
                  "bands": _markdown(bands), "measures (HIGH and MEDIUM)": _markdown(measures)},
    )  # fmt: skip


@dg.asset(
    key=["marts", "carer_projection"],
    deps=[dg.AssetKey(["ml", "carer_attrition_scores"]), CARERS, ENQUIRIES, PERIOD],
    group_name="carers",
    kinds={"polars", "duckdb"},
    description="Per territory, for each of the next 5 years: expected retirements (age limit), other leavers "
    "(the attrition model), recruits at the current funnel's pace, active carers and approved places, and the "
    "recruits needed each year to hold today's approved places.",
)
def carer_projection(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    period = _period(warehouse)
    table = projection.carer_projection(warehouse.read("ml.carer_attrition_scores"),
                                        _whole_table(warehouse, "staging.foster_carers"),
                                        _whole_table(warehouse, "staging.carer_enquiries"), period.as_of)  # fmt: skip
    rows = warehouse.replace("marts.carer_projection", table)
    totals = table.group_by("year").agg(pl.col("expected_approved_places", "approved_places_today",
                                               "recruits_needed", "expected_recruits").sum()).sort("year")  # fmt: skip
    return dg.MaterializeResult(metadata={"rows": rows, "all territories": _markdown(totals)})


@dg.asset(
    key=["ml", "model_card"],
    deps=[dg.AssetKey(["ml", "model_metrics"]), dg.AssetKey(["ml", "model_fairness"]),
          dg.AssetKey(["ml", "model_registry"])],  # fmt: skip
    group_name="carers",
    kinds={"duckdb"},
    description="The model card of the current attrition model, rendered from this run's metrics, fairness audit "
    "and registry; also written next to the model file.",
)
def model_card(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    current = _current_model(warehouse)
    if current is None:
        warehouse.replace("ml.model_card", pl.DataFrame(schema={"version": pl.String, "markdown": pl.String}))
        return dg.MaterializeResult(metadata={"rows": 0})
    text = card.render_model_card(current, warehouse.read("ml.model_metrics"), warehouse.read("ml.model_fairness"))
    path = Path(current["path"]).with_suffix(".md")
    path.write_text(text, encoding="utf-8")
    warehouse.replace("ml.model_card", pl.DataFrame({"version": [current["version"]], "markdown": [text]}))
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(path)), "version": current["version"]})


@dg.asset_check(asset=carer_attrition_scores, blocking=True,
                description="One score per carer active on the as-of date, every risk in [0, 1].")  # fmt: skip
def scores_cover_active_carers(warehouse: Warehouse) -> dg.AssetCheckResult:
    period = _period(warehouse)
    if _current_model(warehouse) is None:
        return dg.AssetCheckResult(passed=True, description="No model trained: nothing to check.")
    active = features.active_carers(_whole_table(warehouse, "staging.foster_carers"), [period.as_of]).collect()
    scores = warehouse.read("ml.carer_attrition_scores")
    missing = active.join(scores, on="carer_id", how="anti").height
    extra = scores.join(active, on="carer_id", how="anti").height
    duplicated = scores.height - scores["carer_id"].n_unique()
    out_of_range = scores.filter(~pl.col("risk_12m").is_between(0.0, 1.0) | pl.col("risk_12m").is_nan()).height
    faults = {"missing": missing, "not_active": extra, "duplicated": duplicated, "risk_out_of_range": out_of_range}
    return dg.AssetCheckResult(
        passed=not any(faults.values()),
        description=", ".join(f"{k}: {v}" for k, v in faults.items() if v) or None,
        metadata={"active_carers": active.height, **faults},
    )


@dg.asset_check(asset=dg.AssetKey(["ml", "model_metrics"]), blocking=False,
                description="Gradient boosting beats both baselines (age rule, logistic regression) in ROC AUC on "
                            "the test split.")  # fmt: skip
def boosting_beats_baselines(warehouse: Warehouse) -> dg.AssetCheckResult:
    test = warehouse.query("SELECT model, roc_auc, chosen, leavers FROM ml.model_metrics WHERE split = 'test'")
    if test.is_empty() or test["roc_auc"].null_count():
        return dg.AssetCheckResult(passed=True, description="No model trained, or a test split without leavers.")
    if test["leavers"].max() < MIN_TEST_LEAVERS:
        return dg.AssetCheckResult(passed=True, description=f"Only {test['leavers'].max()} leavers in the test split: "
                                   "too few to tell the models apart.")  # fmt: skip
    auc = dict(test.select("model", "roc_auc").rows())
    boosting = auc[training.BOOSTING]
    beaten = boosting > auc[training.AGE_RULE] and boosting > auc[training.LOGISTIC]
    return dg.AssetCheckResult(
        passed=beaten,
        severity=dg.AssetCheckSeverity.WARN,
        description=None if beaten else "Gradient boosting does not beat both baselines on the test split; the "
        f"best candidate scores the carers ({test.filter(pl.col('chosen'))['model'].item()}).",
        metadata={r["model"]: dg.MetadataValue.float(r["roc_auc"]) for r in test.iter_rows(named=True)},
    )


carer_assets = [
    carer_capacity_monthly,
    carer_age_profile,
    carer_funnel,
    carer_features,
    carer_attrition_model,
    model_fairness,
    carer_attrition_scores,
    carer_projection,
    model_card,
]
carer_checks = [scores_cover_active_carers, boosting_beats_baselines]
