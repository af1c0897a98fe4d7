"""Top factors: what the model says the risk would be were each factor good."""

from __future__ import annotations

import numpy as np
import polars as pl

from models.explanation import factor_effects, top_factors
from models.features import FEATURES


def risk_of(rows: pl.DataFrame) -> np.ndarray:
    """A made-up model: empty months, an allegation and few visits raise the risk; so does 66+."""
    r = rows.select(
        0.05
        + 0.02 * pl.col("empty_months_12m")
        + 0.10 * (pl.col("allegations_24m") > 0)
        + 0.01 * (6 - pl.min_horizontal("support_visits_6m", 6))
        + 0.8 * (pl.col("age") >= 66)
    )
    return r.to_series().to_numpy()


def carer(carer_id: str, **values: float) -> dict:
    return {"carer_id": carer_id, **dict.fromkeys(FEATURES, 0.0), "support_visits_6m": 6.0, "age": 50.0, **values}


ROWS = pl.DataFrame(
    [
        carer("a", empty_months_12m=6, allegations_24m=1, months_since_allegation=3, support_visits_6m=2),
        carer("b"),
        carer("c", age=66.5, support_visits_6m=5),
    ]
)


def test_effects_are_the_drop_in_risk_when_each_factor_is_good():
    effects = factor_effects(risk_of, ROWS).row(0, named=True)
    assert round(effects["effect_empty_places"], 6) == 0.12
    assert round(effects["effect_allegation"], 6) == 0.10
    assert round(effects["effect_support_visits"], 6) == 0.04
    assert effects["effect_respite"] == effects["effect_breakdowns"] == effects["effect_approaching_retirement"] == 0


def test_top_factors_rank_effects_and_map_the_first_to_a_measure():
    table = top_factors(factor_effects(risk_of, ROWS)).sort("carer_id")
    assert table.select("carer_id", "top_factors", "suggested_measure").rows() == [
        ("a", "empty_places, allegation, support_visits", "placement allocation or income guarantee"),
        ("b", None, None),
        ("c", "approaching_retirement, support_visits", "mentoring of new carers"),
    ]
    assert round(table["top_factor_effect"][0], 6) == 0.12
