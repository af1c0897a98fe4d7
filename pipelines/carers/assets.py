"""Foster-carer assets (group `carers`): each declares the tables it reads (`pipelines.tables`), calls
the pure functions of `pipelines.carers` and `models`, and says what it found.

scikit-learn, skops and fairlearn are imported by the functions these assets
call, at run time: loading the definitions stays fast."""

from pathlib import Path

import dagster as dg
import polars as pl

from models import features, registry, scoring, training
from models.fairness import FAIRNESS_SCHEMA, fairness_audit, largest_gaps
from models.labels import attrition_labels
from pipelines.carers import capacity, card, checks, funnel, projection
from pipelines.markdown import percent
from pipelines.run_tags import tag_warnings
from pipelines.tables import DATA_VERSION, PERIOD, Tables, asset_key, table_asset, table_spec, tables_asset
from pipelines.warehouse import Warehouse

CARERS, PLACEMENTS = "staging.foster_carers", "staging.placements"
EVENTS, ENQUIRIES = "staging.carer_events", "staging.carer_enquiries"
FEATURES, REGISTRY = "ml.carer_features", "ml.model_registry"
METRICS, PREDICTIONS, SCORES = "ml.model_metrics", "ml.carer_test_predictions", "ml.carer_attrition_scores"
# A run with this tag set to "true" retrains the attrition model whatever the quarter (`vivier run --retrain`).
RETRAIN_TAG = "vivier/retrain"


def _current_model(tables: Tables) -> dict | None:
    """Gives the registry row of the model that scores (None before any model was trained)."""
    if not tables.exists(REGISTRY):
        return None
    current = tables.read(REGISTRY, where="current")
    return current.row(0, named=True) if current.height else None


@table_asset("marts.carer_capacity_monthly", reads=[CARERS, PLACEMENTS, PERIOD], group="carers")
def carer_capacity_monthly(tables: Tables):
    period = tables.period
    table = capacity.carer_capacity_monthly(tables.lazy(CARERS), tables.lazy(PLACEMENTS), period).collect()
    latest = table.filter(pl.col("month") == period.as_of.replace(day=1))
    last_year = table.filter(pl.col("month") > period.as_of.replace(day=1, year=period.as_of.year - 1))
    return table, {
        **{name: float(latest[name].sum()) for name in ("active_carers", "approved_places", "occupied_places")},
        "new_carers_12m": float(last_year["new_carers"].sum()),
        "leavers_12m": float(last_year["leavers"].sum()),
    }


@table_asset("marts.carer_age_profile", reads=[CARERS, PLACEMENTS, PERIOD], group="carers")
def carer_age_profile(tables: Tables):
    table = capacity.carer_age_profile(tables.lazy(CARERS), tables.lazy(PLACEMENTS), tables.period).collect()
    carers, over_60 = table["carers"].sum(), table.filter(pl.col("age_band_start") >= 60)["carers"].sum()
    return table, {"carers": float(carers), "share_aged_60_and_over (%)": percent(over_60 / carers) if carers else None}


@table_asset("marts.carer_funnel", reads=[ENQUIRIES, PERIOD], group="carers")
def carer_funnel(tables: Tables):
    table = funnel.carer_funnel(tables.lazy(ENQUIRIES), tables.period).collect()
    enquiries, approvals = table["enquiries"].sum(), table["approvals"].sum()
    rate = percent(approvals / enquiries) if enquiries else None
    return table, {"enquiries": float(enquiries), "approvals": float(approvals), "conversion_rate (%)": rate}


@table_asset(FEATURES, reads=[CARERS, PLACEMENTS, EVENTS, PERIOD], group="carers")
def carer_features(tables: Tables):
    period, carers = tables.period, tables.lazy(CARERS)
    earliest = tables.read(EVENTS, columns=["min(event_date)"]).item()
    dates = features.training_dates(period.as_of, period.first_month, earliest)
    table = features.carer_features(carers, tables.lazy(PLACEMENTS), tables.lazy(EVENTS), dates)
    labels = attrition_labels(table.select("carer_id", "as_of_date"), carers, period.as_of)
    table = table.join(labels, on=["carer_id", "as_of_date"]).collect()
    observed = table.filter(pl.col("observed"))
    return table, {
        "as_of_dates": len(dates),
        "first_as_of": str(min(dates, default="")),
        "observed_rows": float(observed.height),
        "leave_rate (%)": percent(observed["left_12m"].mean()) if observed.height else None,
    }


# The training split is dated back from the as-of date: the period is read, so it is declared.
@tables_asset([table_spec(t, [FEATURES, PERIOD], "carers", kinds=()) for t in (METRICS, PREDICTIONS, REGISTRY)])
def carer_attrition_model(tables: Tables, selected: list[str], context: dg.AssetExecutionContext):
    """Trains the attrition models on a time-based split, refits the best candidate on every observed
    as-of date and saves it with skops. Only when `registry.retrain_reason` gives a reason (the as-of
    date in another quarter or moved back, a new features' definition, the saved model unusable, a
    retrain asked): otherwise the current model is kept, and scores tonight's features."""
    period = tables.period
    previous = tables.read(REGISTRY) if tables.exists(REGISTRY) else None
    current, version = _current_model(tables), registry.features_version()
    reason = registry.retrain_reason(current, period.as_of, version, context.run.tags.get(RETRAIN_TAG) == "true")
    if reason is None and tables.exists(METRICS) and tables.exists(PREDICTIONS):
        kept = (
            f"kept: version {current['version']}, trained on {current['trained_at']:%Y-%m-%d} for the as-of date "
            f"{current['as_of_date']}, still in the as-of quarter; retrained when the quarter changes, the "
            "features' definition changes, or with vivier run --retrain"
        )
        context.log.info(f"Attrition model {kept}.")
        about = {"trained": False, "model": kept, DATA_VERSION: current["version"]}
        return {t: (tables.read(t), about) for t in (METRICS, PREDICTIONS, REGISTRY)}
    try:
        trained = training.train_attrition_model(tables.read(FEATURES, where="observed"), period.as_of)
    except training.NotEnoughHistory as reason:
        context.log.warning(f"No attrition model trained: {reason} The scores will be empty.")
        written = registry.model_tables(None, None, period.as_of, previous)
        return {table: (frame, {"trained": False, "reason": str(reason)}) for table, frame in written.items()}
    path = registry.model_path(tables.warehouse.path, trained.version)
    registry.save_model(trained.model, path, list(features.FEATURES), trained.version)
    written = registry.model_tables(trained, path, period.as_of, previous, version)
    about = registry.describe_training(trained, path)
    context.log.info(f"Attrition model {trained.version} trained: {reason}.")
    return {
        table: (frame, {"trained": reason, **about.get(table, {}), DATA_VERSION: trained.version})
        for table, frame in written.items()
    }


@table_asset("ml.model_fairness", reads=[PREDICTIONS, REGISTRY], group="carers")
def model_fairness(tables: Tables):
    current, predictions = _current_model(tables), tables.read(PREDICTIONS)
    if current is None or predictions.is_empty():
        return pl.DataFrame(schema=FAIRNESS_SCHEMA)
    table = fairness_audit(predictions, current["model"])
    return table, largest_gaps(table)


@table_asset(SCORES, reads=[REGISTRY, FEATURES, CARERS, PERIOD], group="carers", kinds={"scikit-learn", "duckdb"})
def carer_attrition_scores(tables: Tables, context: dg.AssetExecutionContext):
    period, current = tables.period, _current_model(tables)
    if current is None:
        context.log.warning("No attrition model is current (see ml.model_registry): no carer is scored.")
        return pl.DataFrame(schema=scoring.SCORE_SCHEMA), {"model_version": "none"}
    rows = tables.read(FEATURES, where=f"as_of_date = DATE '{period.as_of}'")
    model = registry.load_model(current["path"])["model"]
    predict = lambda r: training.predict_risk(model, r)  # noqa: E731
    table = scoring.score_carers(rows, predict, tables.lazy(CARERS), period.as_of, current["version"])
    measures = table.filter(pl.col("risk_band") != scoring.LOW).group_by("suggested_measure").len()
    return table, {
        "model_version": current["version"],
        "mean_risk (%)": percent(table["risk_12m"].mean()),
        "expected_leavers": table["risk_12m"].sum(),
        "places_at_risk": table["places_at_risk"].sum(),
        "bands": table.group_by("risk_band").len().sort("risk_band"),
        "measures (HIGH and MEDIUM)": measures.sort("len", descending=True),
    }


@table_asset("marts.carer_projection", reads=[SCORES, CARERS, ENQUIRIES, PERIOD], group="carers")
def carer_projection(tables: Tables):
    scores, carers, enquiries = tables.read(SCORES), tables.lazy(CARERS), tables.lazy(ENQUIRIES)
    table = projection.carer_projection(scores, carers, enquiries, tables.period.as_of)
    summed = ("expected_approved_places", "approved_places_today", "recruits_needed", "expected_recruits")
    return table, {"all territories": table.group_by("year").agg(pl.col(summed).sum()).sort("year")}


@table_asset("ml.model_card", reads=[METRICS, "ml.model_fairness", REGISTRY], group="carers", kinds={"duckdb"})
def model_card(tables: Tables):
    current = _current_model(tables)
    if current is None:
        return pl.DataFrame(schema={"version": pl.String, "markdown": pl.String})
    text = card.render_model_card(current, tables.read(METRICS), tables.read("ml.model_fairness"))
    path = Path(current["path"]).with_suffix(".md")
    path.write_text(text, encoding="utf-8")
    return pl.DataFrame({"version": [current["version"]], "markdown": [text]}), {"path": path}


@dg.asset_check(
    asset=carer_attrition_scores,
    blocking=True,
    description="One score per carer active on the as-of date, every risk in [0, 1].",
)
def scores_cover_active_carers(warehouse: Warehouse) -> dg.AssetCheckResult:
    tables = Tables(warehouse, frozenset({REGISTRY, SCORES, CARERS, PERIOD}))
    if _current_model(tables) is None:
        return dg.AssetCheckResult(passed=True, description="No model trained: nothing to check.")
    active = features.active_carers(tables.lazy(CARERS), [tables.period.as_of]).collect()
    faults = checks.score_faults(active, tables.read(SCORES))
    return dg.AssetCheckResult(
        passed=not any(faults.values()),
        description=", ".join(f"{k}: {v}" for k, v in faults.items() if v) or None,
        metadata={"active_carers": active.height, **faults},
    )


@dg.asset_check(
    asset=asset_key(METRICS),
    blocking=False,
    description="Gradient boosting beats both baselines (age rule, logistic regression) in ROC AUC on the test split.",
)
def boosting_beats_baselines(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
    columns, where = ["model", "roc_auc", "chosen", "leavers"], "split = 'test'"
    test = Tables(warehouse, frozenset({METRICS})).read(METRICS, columns=columns, where=where)
    passed, description = checks.boosting_verdict(test)
    result = dg.AssetCheckResult(
        passed=passed,
        severity=dg.AssetCheckSeverity.WARN,
        description=description,
        metadata={r["model"]: dg.MetadataValue.float(r["roc_auc"]) for r in test.iter_rows(named=True)},
    )
    tag_warnings(context.instance, context.run.run_id, [result])
    return result


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
