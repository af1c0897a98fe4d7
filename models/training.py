"""Fitting the attrition models: the time-based split, two baselines and calibrated gradient boosting.

Every candidate learns from as-of dates whose 12 months are fully observed.
The split is by time, as the model will be used: it is tested on the latest
fully observed year and trained on the as-of dates whose 12 months had ended
by the first test date (so no training label peeks into the test period).
The chosen recipe is then refitted on every observed as-of date and scores
the carers active on the data's as-of date.

scikit-learn is imported inside the functions: loading the Dagster
definitions must not pay for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from models.candidates import AGE_RULE, BOOSTING, CANDIDATES, LOGISTIC, MODELS
from models.evaluation import METRIC_SCHEMA, score_metrics
from models.features import FEATURES
from models.labels import HORIZON_DAYS
from models.registry import model_version

RANDOM_STATE = 0
CALIBRATION_FOLDS = 3
# Direction of each association, fixed by what the factor is: more support or respite never
# raises the risk, more breakdowns, allegations or empty months never lower it. It keeps the
# model steady on a small département and its what-if answers (explanation) coherent.
MONOTONE = {
    "support_visits_6m": -1,
    "support_visits_12m": -1,
    "respite_days_6m": -1,
    "respite_days_12m": -1,
    "breakdowns_12m": 1,
    "allegations_24m": 1,
    "months_since_allegation": -1,
    "empty_months_12m": 1,
    "complaints_12m": 1,
    "distance_km": 1,
}
# Depth-2 trees: the leaving hazard is mostly additive in its factors; deeper trees only add noise
# on a département's few thousand rows. A fixed number of rounds rather than early stopping: its
# validation rows are drawn at random among rows of the same carers, and the number of rounds it
# picked varied from run to run (chosen on demo seeds 1 to 4, never on the seeds of the checks).
BOOSTING_PARAMS = dict(
    learning_rate=0.1, max_iter=150, max_depth=2, min_samples_leaf=100, l2_regularization=1.0, early_stopping=False
)
# Beyond this many rows (national scale: 1.2 million), models learn from a random sample of carers
# (all the rows of each): the fit is as good and four times faster.
MAX_FIT_ROWS = 300_000
MIN_EACH_CLASS = 10


class NotEnoughHistory(ValueError):
    """The carer history cannot train a model (too short, or no leaver or no stayer)."""


@dataclass(frozen=True)
class Split:
    """The as-of dates trained and tested on."""

    train: list[dt.date]
    test: list[dt.date]


def time_split(observed_dates: list[dt.date]) -> Split:
    """Gives the time-based split of the fully observed as-of dates.

    test: the dates of the latest fully observed year (the latest observed date
    and those less than 12 months before it). train: the dates whose 365-day
    window ends on or before the first test date."""
    dates = sorted(set(observed_dates))
    if not dates:
        raise NotEnoughHistory("No as-of date with 12 observed months: the carer history is too short to train on.")
    latest = dates[-1]
    test = [d for d in dates if d > _years_before(latest, 1)]
    train = [d for d in dates if d + dt.timedelta(days=HORIZON_DAYS) <= test[0]]
    if not train:
        raise NotEnoughHistory(
            f"No as-of date to train on before the test year starting {test[0]}: "
            "the model needs at least two years of carer history before the as-of date."
        )
    return Split(train, test)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def feature_matrix(rows: pl.DataFrame) -> np.ndarray:
    """Gives the FEATURES of `rows` as a float matrix, in FEATURES order."""
    return rows.select(pl.col(FEATURES).cast(pl.Float64)).to_numpy()


class AgeRule:
    """Baseline: the leave rate observed in training for the carer's 5-year age band."""

    band_years = 5

    def fit(self, X: np.ndarray, y: np.ndarray) -> AgeRule:
        band = self._band(X)
        self.bands_ = np.unique(band)
        self.rates_ = np.array([y[band == b].mean() for b in self.bands_])
        self.overall_ = float(y.mean())
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        band = self._band(X)
        at = np.clip(np.searchsorted(self.bands_, band), 0, self.bands_.size - 1)
        risk = np.where(self.bands_[at] == band, self.rates_[at], self.overall_)
        return np.column_stack([1 - risk, risk])

    def _band(self, X: np.ndarray) -> np.ndarray:
        return np.floor(X[:, FEATURES.index("age")] / self.band_years)


def make_model(name: str, groups: np.ndarray | None = None, X: np.ndarray | None = None, y=None):
    """Gives an unfitted model by name. Gradient boosting is calibrated (Platt scaling on out-of-fold
    predictions, the folds grouping each carer's rows so no carer is in both sides)."""
    if name == AGE_RULE:
        return AgeRule()
    if name == LOGISTIC:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))
    if name == BOOSTING:
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.model_selection import GroupKFold

        boosting = HistGradientBoostingClassifier(
            **BOOSTING_PARAMS, monotonic_cst=[MONOTONE.get(f, 0) for f in FEATURES], random_state=RANDOM_STATE
        )
        folds = list(GroupKFold(CALIBRATION_FOLDS).split(X, y, groups=groups))
        return CalibratedClassifierCV(boosting, method="sigmoid", cv=folds, ensemble=False)
    raise ValueError(f"Unknown model {name!r}; expected one of {', '.join(MODELS)}.")


def one_thread():
    """Limits OpenMP and BLAS to one thread while fitting or predicting. On a shared machine, boosting
    on two busy cores spins its threads at every step: measured 5 to 10 times slower than one thread."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def sample_carers(rows: pl.DataFrame, max_rows: int = MAX_FIT_ROWS) -> pl.DataFrame:
    """Gives `rows` whole, or the rows of a random share of carers sized to about `max_rows` rows."""
    if rows.height <= max_rows:
        return rows
    carers = rows["carer_id"].unique().sort()
    rng = np.random.default_rng(RANDOM_STATE)
    kept = carers.gather(np.sort(rng.choice(carers.len(), int(carers.len() * max_rows / rows.height), replace=False)))
    return rows.filter(pl.col("carer_id").is_in(kept.implode()))


def fit(name: str, rows: pl.DataFrame):
    """Gives model `name` fitted on `rows` (FEATURES, left_12m, carer_id), sampled beyond MAX_FIT_ROWS."""
    rows = sample_carers(rows)
    X, y = feature_matrix(rows), rows["left_12m"].to_numpy().astype(int)
    if min(y.sum(), y.size - y.sum()) < MIN_EACH_CLASS or np.unique(groups := rows["carer_id"].to_numpy()).size < 10:
        raise NotEnoughHistory(
            f"The training rows hold {y.sum()} leavers and {y.size - y.sum()} stayers: at least "
            f"{MIN_EACH_CLASS} of each are needed to learn from."
        )
    model = make_model(name, groups, X, y)
    with one_thread():
        return model.fit(X, y)


def recipe(name: str) -> dict:
    """Gives what defines how model `name` is trained (part of its version)."""
    described = {"model": name, "features": list(FEATURES), "max_fit_rows": MAX_FIT_ROWS, "random_state": RANDOM_STATE}
    if name == BOOSTING:
        described |= {
            "params": BOOSTING_PARAMS,
            "monotone": MONOTONE,
            "calibration": f"sigmoid, {CALIBRATION_FOLDS} folds grouped by carer",
        }
    return described


def predict_risk(model, rows: pl.DataFrame) -> np.ndarray:
    """Gives the 12-month leaving risk the model gives each row."""
    with one_thread():
        return model.predict_proba(feature_matrix(rows))[:, 1]


@dataclass
class Evaluation:
    """What training found: the metrics of every model on every split, the test predictions, the choice."""

    split: Split
    metrics: pl.DataFrame
    test_predictions: pl.DataFrame  # carer_id, as_of_date, sex, age, left_12m, and one risk column per model
    chosen: str
    models: dict = field(default_factory=dict)


def evaluate(rows: pl.DataFrame) -> Evaluation:
    """Gives the evaluation of every model on the time-based split of the observed rows.

    The chosen model is the candidate (not a baseline) with the best test ROC AUC."""
    split = time_split(rows["as_of_date"].unique().to_list())
    parts = {
        "train": rows.filter(pl.col("as_of_date").is_in(split.train)),
        "test": rows.filter(pl.col("as_of_date").is_in(split.test)),
    }
    metrics, models = [], {}
    predictions = parts["test"].select("carer_id", "as_of_date", "sex", "age", "left_12m")
    for name in MODELS:
        models[name] = fit(name, parts["train"])
        for split_name, part in parts.items():
            risk = predict_risk(models[name], part)
            dates = part["as_of_date"]
            metrics.append(
                {
                    "model": name,
                    "split": split_name,
                    **score_metrics(part["left_12m"].to_numpy(), risk, dates.to_numpy()),
                    "as_of_from": dates.min(),
                    "as_of_to": dates.max(),
                }
            )
            if split_name == "test":
                predictions = predictions.with_columns(pl.Series(name, risk))
    table = pl.DataFrame(metrics, schema={k: v for k, v in METRIC_SCHEMA.items() if k != "chosen"})
    test_auc = {r["model"]: r["roc_auc"] or 0.0 for r in table.filter(pl.col("split") == "test").iter_rows(named=True)}
    chosen = max(CANDIDATES, key=lambda m: test_auc[m])
    table = table.with_columns(chosen=pl.col("model") == chosen)
    return Evaluation(split, table, predictions, chosen, models)


@dataclass
class TrainedModel:
    """The chosen model refitted on every observed as-of date, with what it learned from."""

    evaluation: Evaluation
    model: object
    name: str
    version: str
    train_dates: list[dt.date]
    training_rows: int
    fitted_rows: int
    leavers: int
    features: tuple[str, ...] = FEATURES


def train_attrition_model(rows: pl.DataFrame, as_of: dt.date) -> TrainedModel:
    """Gives the evaluated candidates and the chosen one refitted on all `rows` (observed as-of dates).

    The rows are put in a fixed order first: the validation rows of early stopping and the
    calibration folds are drawn by position, so the same rows in another order (a warehouse read
    returns them in any order) would give another model under the same version."""
    rows = rows.sort("as_of_date", "carer_id")
    evaluation = evaluate(rows)
    model = fit(evaluation.chosen, rows)
    version = model_version(as_of, recipe(evaluation.chosen), rows.select("carer_id", "as_of_date", "left_12m"))
    return TrainedModel(
        evaluation,
        model,
        evaluation.chosen,
        version,
        sorted(rows["as_of_date"].unique().to_list()),
        rows.height,
        sample_carers(rows).height,
        int(rows["left_12m"].sum()),
    )
