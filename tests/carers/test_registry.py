"""The model file: skops round trip, version, and the registry's current model."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from models import registry
from models.training import LOGISTIC, make_model


def test_model_round_trips_through_skops(tmp_path):
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    model = make_model(LOGISTIC).fit(X, [0, 0, 1, 1])
    path = registry.save_model(
        model, registry.model_path(tmp_path / "wh" / "vivier.duckdb", "20240630-abc"), ["age"], "20240630-abc"
    )
    assert path == (tmp_path / "wh" / "models" / "carer_attrition-20240630-abc.skops").resolve()
    saved = registry.load_model(path)
    assert saved["features"] == ["age"] and saved["version"] == "20240630-abc"
    assert np.allclose(saved["model"].predict_proba(X), model.predict_proba(X))


def test_version_depends_on_the_rows_and_the_recipe_only():
    rows = pl.DataFrame({"carer_id": ["a", "b"], "left_12m": [True, False]})
    v1 = registry.model_version(dt.date(2024, 6, 30), {"model": "x"}, rows)
    assert v1 == registry.model_version(dt.date(2024, 6, 30), {"model": "x"}, rows.reverse())
    assert v1.startswith("20240630-")
    assert v1 != registry.model_version(dt.date(2024, 6, 30), {"model": "y"}, rows)
    assert v1 != registry.model_version(dt.date(2024, 6, 30), {"model": "x"}, rows.with_columns(left_12m=True))


def entry(version: str, hour: int) -> pl.DataFrame:
    row = registry.registry_row(
        version,
        LOGISTIC,
        registry.model_path("w.duckdb", version),
        dt.date(2024, 6, 30),
        [dt.date(2020, 3, 31), dt.date(2023, 6, 30)],
        100,
        100,
        10,
        ["age"],
        0.7,
    )
    return row.with_columns(trained_at=pl.lit(dt.datetime(2024, 7, 1, hour)))


def test_registry_keeps_earlier_versions_with_one_current():
    first = registry.updated_registry(None, entry("v1", 1))
    second = registry.updated_registry(first, entry("v2", 2))
    assert second.select("version", "current").rows() == [("v1", False), ("v2", True)]
    again = registry.updated_registry(second, entry("v2", 3))
    assert again.select("version", "current").rows() == [("v1", False), ("v2", True)]
    assert registry.updated_registry(again, None)["current"].to_list() == [False, False]
    assert (second["train_from"][1], second["train_to"][1]) == (dt.date(2020, 3, 31), dt.date(2023, 6, 30))


def test_a_model_file_holding_foreign_types_is_refused(tmp_path):
    import skops.io as sio

    path = tmp_path / "odd.skops"
    sio.dump({"model": pl.DataFrame}, path)
    with pytest.raises(ValueError, match="not loaded"):
        registry.load_model(path)


def test_the_model_is_retrained_when_asked_new_in_another_quarter_or_with_new_features():
    current = {"as_of_date": dt.date(2026, 4, 30), "features_version": "f1"}
    assert registry.retrain_reason(current, dt.date(2026, 6, 30), "f1", asked=False) is None
    assert "asked" in registry.retrain_reason(current, dt.date(2026, 6, 30), "f1", asked=True)
    assert registry.retrain_reason(None, dt.date(2026, 6, 30), "f1", asked=False) == "no model yet"
    assert "2026-Q2 -> 2026-Q3" in registry.retrain_reason(current, dt.date(2026, 7, 31), "f1", asked=False)
    assert "2026-Q2 -> 2026-Q1" in registry.retrain_reason(current, dt.date(2026, 3, 31), "f1", asked=False)
    assert "2026-Q2 -> 2027-Q2" in registry.retrain_reason(current, dt.date(2027, 4, 30), "f1", asked=False)
    assert "features" in registry.retrain_reason(current, dt.date(2026, 6, 30), "f2", asked=False)
    # A model from before the features' version was recorded is retrained once.
    assert "features" in registry.retrain_reason(
        {"as_of_date": dt.date(2026, 4, 30)}, dt.date(2026, 6, 30), "f1", False
    )


def test_a_kept_model_that_cannot_score_as_saved_is_retrained(tmp_path):
    import sklearn

    saved = tmp_path / "model.skops"
    saved.write_bytes(b"a model")
    current = {
        "as_of_date": dt.date(2026, 5, 31),
        "features_version": "f1",
        "path": str(saved),
        "sklearn_version": sklearn.__version__,
    }
    assert registry.retrain_reason(current, dt.date(2026, 6, 30), "f1", asked=False) is None
    assert "moved back" in registry.retrain_reason(current, dt.date(2026, 4, 30), "f1", asked=False)
    assert "scikit-learn changed" in registry.retrain_reason(
        current | {"sklearn_version": "0.1"}, dt.date(2026, 6, 30), "f1", False
    )
    saved.unlink()
    assert (
        registry.retrain_reason(current, dt.date(2026, 6, 30), "f1", asked=False) == "its file model.skops is missing"
    )
