"""Saving and loading the chosen attrition model (skops), with its version and training range.

The model file lives next to the warehouse (`<warehouse dir>/models/`), never
in the repository: it is learned from pseudonymised personal data. The
version is the as-of date and a digest of what the model learned from (the
recipe, the features, the training rows), so the same data gives the same
version and any change gives a new one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import polars as pl

from models.candidates import PREDICTIONS_SCHEMA
from models.evaluation import METRIC_SCHEMA

MODEL_NAME = "carer_attrition"
# What a model file may contain: scikit-learn estimators and the NumPy and SciPy types they hold.
TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.", "collections.")

REGISTRY_SCHEMA = {
    "model_name": pl.String,
    "version": pl.String,
    "model": pl.String,
    "path": pl.String,
    "trained_at": pl.Datetime("us"),  # UTC
    "as_of_date": pl.Date,
    "train_from": pl.Date,
    "train_to": pl.Date,
    "training_rows": pl.Int64,
    "fitted_rows": pl.Int64,
    "leavers": pl.Int64,
    "features": pl.String,
    # The fingerprint of the code that defines the features and trains (models/): a new one retrains.
    "features_version": pl.String,
    "test_roc_auc": pl.Float64,
    "sklearn_version": pl.String,
    "current": pl.Boolean,
}


def model_version(as_of: dt.date, recipe: dict, rows: pl.DataFrame) -> str:
    """Gives `<as-of YYYYMMDD>-<8 hex digits>` for a model trained with `recipe` on `rows`."""
    digest = hashlib.sha256(json.dumps(recipe, sort_keys=True, default=str).encode())
    digest.update(rows.hash_rows(seed=0).sort().to_numpy().tobytes())
    return f"{as_of:%Y%m%d}-{digest.hexdigest()[:8]}"


def model_path(warehouse: str | Path, version: str) -> Path:
    """Gives where the model of `version` is saved: `<warehouse dir>/models/carer_attrition-<version>.skops`."""
    return Path(warehouse).resolve().parent / "models" / f"{MODEL_NAME}-{version}.skops"


def save_model(model, path: Path, features: list[str], version: str) -> Path:
    """Writes the model, its feature names and version to `path` (skops format)."""
    import skops.io as sio

    path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump({"model": model, "features": list(features), "version": version}, path)
    return path


def load_model(path: str | Path) -> dict:
    """Gives {'model', 'features', 'version'} read back from a skops file written by `save_model`.

    Only scikit-learn, NumPy and SciPy types are trusted; a file holding anything else is refused."""
    import skops.io as sio

    untrusted = sio.get_untrusted_types(file=path)
    foreign = [t for t in untrusted if not t.startswith(TRUSTED_PREFIXES)]
    if foreign:
        raise ValueError(
            f"{path} holds types a Vivier model never holds ({', '.join(foreign)}); it is not loaded. "
            "Retrain with `vivier run --retrain` to write a fresh model file."
        )
    return sio.load(path, trusted=untrusted)


def registry_row(
    version: str,
    model: str,
    path: Path,
    as_of: dt.date,
    train_dates: list[dt.date],
    training_rows: int,
    fitted_rows: int,
    leavers: int,
    features: list[str],
    test_roc_auc: float | None,
    features_version: str = "",
) -> pl.DataFrame:
    """Gives the ml.model_registry row of a saved model."""
    import sklearn

    return pl.DataFrame(
        [
            {
                "model_name": MODEL_NAME,
                "version": version,
                "model": model,
                "path": str(path),
                "trained_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
                "as_of_date": as_of,
                "train_from": min(train_dates),
                "train_to": max(train_dates),
                "training_rows": training_rows,
                "fitted_rows": fitted_rows,
                "leavers": leavers,
                "features": ", ".join(features),
                "features_version": features_version,
                "test_roc_auc": test_roc_auc,
                "sklearn_version": sklearn.__version__,
                "current": True,
            }
        ],
        schema=REGISTRY_SCHEMA,
    )


def updated_registry(previous: pl.DataFrame | None, new: pl.DataFrame | None) -> pl.DataFrame:
    """Gives the registry with `new` (one row, or None when no model was trained) as the current
    model; earlier versions stay listed, no longer current."""
    parts = [pl.DataFrame(schema=REGISTRY_SCHEMA)]
    if previous is not None and not previous.is_empty():
        kept = (
            previous.select([c for c in REGISTRY_SCHEMA if c in previous.columns])
            .cast({c: t for c, t in REGISTRY_SCHEMA.items() if c in previous.columns})
            .with_columns(current=pl.lit(False))
        )
        if new is not None:
            kept = kept.filter(~pl.col("version").is_in(new["version"].implode()))
        parts.append(kept)
    if new is not None:
        parts.append(new)
    return pl.concat(parts, how="diagonal_relaxed").cast(REGISTRY_SCHEMA).sort("trained_at")


def features_version() -> str:
    """Gives the fingerprint of the code that defines the features and the labels and trains the model (every
    Python file of models/): when it changes, the next run retrains."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\n" + path.read_bytes())
    return digest.hexdigest()[:16]


def quarter(day: dt.date) -> str:
    """Gives a date's quarter, as `2026-Q2`."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def retrain_reason(current: dict | None, as_of: dt.date, features: str, asked: bool) -> str | None:
    """Gives why the attrition model must be trained tonight, or None when the current one still scores.

    The model is retrained when asked (`vivier run --retrain`, the job retrain_attrition_model), when
    there is none, when the as-of date is in another quarter than the one it was trained for or before
    its own, when the features' definition changed (`features_version`), and when the saved model cannot
    be loaded as it was saved (its file gone, another scikit-learn). Between two, the current model scores every
    run on that night's features: a quarter's model is trained on at least three months less of
    outcomes than the data hold, not on other data."""
    if asked:
        return "asked (vivier run --retrain, or the job retrain_attrition_model)"
    if current is None:
        return "no model yet"
    if quarter(current["as_of_date"]) != quarter(as_of):
        return f"the as-of date moved to another quarter ({quarter(current['as_of_date'])} -> {quarter(as_of)})"
    if as_of < current["as_of_date"]:
        return f"the as-of date moved back ({current['as_of_date']} -> {as_of}): the model has seen later outcomes"
    if current.get("features_version") != features:
        return "the features' definition changed (a new version of models/)"
    if current.get("path") and not Path(current["path"]).is_file():
        return f"its file {Path(current['path']).name} is missing"
    import sklearn

    if current.get("sklearn_version") and current["sklearn_version"] != sklearn.__version__:
        return f"scikit-learn changed ({current['sklearn_version']} -> {sklearn.__version__})"
    return None


def model_tables(
    trained, path: Path | None, as_of: dt.date, previous: pl.DataFrame | None, features_version: str = ""
) -> dict[str, pl.DataFrame]:
    """Gives ml.model_metrics, ml.carer_test_predictions and ml.model_registry after training
    (`trained`, a training.TrainedModel saved at `path`), or after no model could be trained (None)."""
    if trained is None:
        return {
            "ml.model_metrics": pl.DataFrame(schema=METRIC_SCHEMA),
            "ml.carer_test_predictions": pl.DataFrame(schema=PREDICTIONS_SCHEMA),
            "ml.model_registry": updated_registry(previous, None),
        }
    metrics = trained.evaluation.metrics
    test_auc = metrics.filter((pl.col("split") == "test") & (pl.col("model") == trained.name))["roc_auc"].item()
    entry = registry_row(
        trained.version,
        trained.name,
        path,
        as_of,
        trained.train_dates,
        trained.training_rows,
        trained.fitted_rows,
        trained.leavers,
        list(trained.features),
        test_auc,
        features_version,
    )
    return {
        "ml.model_metrics": metrics,
        "ml.carer_test_predictions": trained.evaluation.test_predictions.cast(PREDICTIONS_SCHEMA),
        "ml.model_registry": updated_registry(previous, entry),
    }


def describe_training(trained, path: Path) -> dict[str, dict]:
    """Gives, per table of `model_tables`, what a training run says of itself in the Dagster UI: the
    chosen model and the splits' dates beside the metrics, the saved model beside the registry."""
    test, split = trained.evaluation.metrics.filter(pl.col("split") == "test"), trained.evaluation.split
    return {
        "ml.model_metrics": {
            "chosen": trained.name,
            "train_as_of": f"{min(split.train)} .. {max(split.train)}",
            "test_as_of": f"{min(split.test)} .. {max(split.test)}",
            "test": test.select("model", "roc_auc", "pr_auc", "brier", "top_decile_recall", "n", "leavers"),
        },
        "ml.model_registry": {
            "version": trained.version,
            "model": trained.name,
            "path": Path(path),
            "train_from": str(min(trained.train_dates)),
            "train_to": str(max(trained.train_dates)),
            "fitted_rows": trained.fitted_rows,
        },
    }
