"""The attrition scores of the carers active on the as-of date (contract section 3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import polars as pl

from models.explanation import factor_effects, top_factors
from models.labels import HORIZON_DAYS

# Calibrated 12-month risk from which a carer is in a band. With about one carer in ten
# leaving in a year, HIGH is three times the usual risk and MEDIUM one and a half.
BANDS = ((0.30, "HIGH"), (0.15, "MEDIUM"))
LOW = "LOW"
MODEL, RECORDED_END = "MODEL", "RECORDED_END"

SCORE_SCHEMA = {
    "carer_id": pl.String,
    "as_of_date": pl.Date,
    "risk_12m": pl.Float64,
    "risk_band": pl.String,
    "places_at_risk": pl.Float64,
    "top_factors": pl.String,
    "suggested_measure": pl.String,
    "top_factor_effect": pl.Float64,
    "children_placed": pl.Int64,
    "approved_places": pl.Int64,
    "territory_id": pl.String,
    "risk_source": pl.String,
    "model_version": pl.String,
}


def risk_band(risk: pl.Expr) -> pl.Expr:
    """Gives HIGH, MEDIUM or LOW for a calibrated 12-month risk."""
    expr = pl.when(risk >= BANDS[0][0]).then(pl.lit(BANDS[0][1]))
    for threshold, band in BANDS[1:]:
        expr = expr.when(risk >= threshold).then(pl.lit(band))
    return expr.otherwise(pl.lit(LOW))


def recorded_risk(carers: pl.LazyFrame, as_of: dt.date) -> pl.LazyFrame:
    """Gives carer_id and the risk the extract already settles: 1 for an end date recorded in
    (as_of, as_of + 365 days] (not a death), 0 for an end date on the as-of date itself (outside
    the label's window); null otherwise (the model decides)."""
    end = pl.col("end_date")
    t = pl.lit(as_of)
    return carers.select(
        "carer_id",
        recorded=pl.when(end == t)
        .then(0.0)
        .when((end > t) & (end <= t + pl.duration(days=HORIZON_DAYS)) & (pl.col("end_reason") != "DEATH"))
        .then(1.0)
        .otherwise(None),
    )


def score_carers(
    rows: pl.DataFrame,
    risk_of: Callable[[pl.DataFrame], np.ndarray],
    carers: pl.LazyFrame,
    as_of: dt.date,
    model_version: str,
) -> pl.DataFrame:
    """Gives one row per carer active on the as-of date (the feature rows of that date): calibrated
    risk, band, places at risk (risk x children placed), top factors and the suggested measure."""
    if rows.is_empty():
        return pl.DataFrame(schema=SCORE_SCHEMA)
    effects = factor_effects(risk_of, rows)
    factors = top_factors(effects)
    recorded = recorded_risk(carers, as_of).collect()
    return (
        rows.select("carer_id", "territory_id", "occupied_places", "approved_places")
        .join(effects.select("carer_id", "risk"), on="carer_id")
        .join(factors, on="carer_id")
        .join(recorded, on="carer_id", how="left")
        .with_columns(
            risk_source=pl.when(pl.col("recorded").is_null()).then(pl.lit(MODEL)).otherwise(pl.lit(RECORDED_END)),
            risk_12m=pl.coalesce("recorded", "risk").clip(0.0, 1.0),
        )
        .with_columns(
            as_of_date=pl.lit(as_of),
            risk_band=risk_band(pl.col("risk_12m")),
            places_at_risk=pl.col("risk_12m") * pl.col("occupied_places"),
            children_placed=pl.col("occupied_places").cast(pl.Int64),
            approved_places=pl.col("approved_places").cast(pl.Int64),
            model_version=pl.lit(model_version),
        )
        .select(list(SCORE_SCHEMA))
        .cast(SCORE_SCHEMA)
        .sort("risk_12m", "carer_id", descending=[True, False])
    )
