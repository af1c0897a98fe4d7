"""Does the model serve every group of carers alike? A fairlearn audit on the test split.

For each sex and age band: how often the group's carers are among the 10 %
highest risks of their as-of date (selection rate), how many of the group's
leavers are caught there (recall), and whether the predicted risk matches
the observed leave rate (calibration). fairlearn is imported inside the
function: loading the Dagster definitions must not pay for it.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from models.evaluation import top_share_flags

# (upper bound, excluded; label), the last band open.
AGE_BANDS = ((45, "under 45"), (55, "45-54"), (60, "55-59"), (65, "60-64"))
OLDEST_BAND = "65 and over"
FAIRNESS_SCHEMA = {
    "model": pl.String,
    "split": pl.String,
    "attribute": pl.String,
    "group": pl.String,
    "n": pl.Int64,
    "leavers": pl.Int64,
    "selection_rate": pl.Float64,
    "recall": pl.Float64,
    "mean_predicted_risk": pl.Float64,
    "observed_leave_rate": pl.Float64,
    "calibration_ratio": pl.Float64,
}


def age_band(age: pl.Expr) -> pl.Expr:
    """Gives the audit's age band of an age in years."""
    expr = pl.when(age < AGE_BANDS[0][0]).then(pl.lit(AGE_BANDS[0][1]))
    for upper, label in AGE_BANDS[1:]:
        expr = expr.when(age < upper).then(pl.lit(label))
    return expr.otherwise(pl.lit(OLDEST_BAND))


def fairness_audit(predictions: pl.DataFrame, model: str, split: str = "test") -> pl.DataFrame:
    """Gives one row per attribute (sex, age_band) and group: n, leavers, selection_rate, recall,
    mean_predicted_risk, observed_leave_rate and calibration_ratio (predicted / observed).

    `predictions` holds as_of_date, sex, age, left_12m and the model's risk in a column named `model`."""
    from fairlearn.metrics import MetricFrame, count, selection_rate, true_positive_rate

    frame = predictions.with_columns(age_band=age_band(pl.col("age")), sex=pl.col("sex").fill_null("unknown"))
    y = frame["left_12m"].to_numpy().astype(int)
    risk = frame[model].to_numpy()
    top = top_share_flags(risk, frame["as_of_date"].to_numpy()).astype(int)
    rows = []
    for attribute in ("sex", "age_band"):
        metrics = MetricFrame(
            metrics={"n": count, "selection_rate": selection_rate, "recall": true_positive_rate},
            y_true=y,
            y_pred=top,
            sensitive_features=frame[attribute].to_numpy(),
        )
        by_group = metrics.by_group
        for group in by_group.index:
            mask = frame[attribute].to_numpy() == group
            leavers = int(y[mask].sum())
            predicted, observed = float(risk[mask].mean()), float(y[mask].mean())
            rows.append(
                {
                    "model": model,
                    "split": split,
                    "attribute": attribute,
                    "group": str(group),
                    "n": int(by_group.loc[group, "n"]),
                    "leavers": leavers,
                    "selection_rate": float(by_group.loc[group, "selection_rate"]),
                    "recall": float(by_group.loc[group, "recall"]) if leavers else None,
                    "mean_predicted_risk": predicted,
                    "observed_leave_rate": observed,
                    "calibration_ratio": predicted / observed if observed else None,
                }
            )
    return pl.DataFrame(rows, schema=FAIRNESS_SCHEMA).sort("attribute", "group")


def largest_gaps(audit: pl.DataFrame) -> dict[str, float]:
    """Gives, per attribute and metric, the largest difference between two groups (fairlearn's
    `difference`), for the groups with at least one leaver."""
    gaps = {}
    for attribute in audit["attribute"].unique().sort():
        part = audit.filter((pl.col("attribute") == attribute) & (pl.col("leavers") > 0))
        for metric in ("selection_rate", "recall", "calibration_ratio"):
            values = part[metric].drop_nulls().to_numpy()
            if values.size >= 2:
                gaps[f"{attribute}_{metric}_gap"] = float(np.max(values) - np.min(values))
    return gaps
