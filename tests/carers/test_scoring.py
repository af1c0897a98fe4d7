"""Scores: band, places at risk, and the risk the extract already settles."""

from __future__ import annotations

import numpy as np
import polars as pl

from models.features import FEATURES
from models.scoring import score_carers
from tests.carers.helpers import carers, day

AS_OF = day("2024-06-30")
CARERS = carers(
    ("high", "T1", 3, "2010-01-01", None, None),
    ("medium", "T1", 2, "2010-01-01", None, None),
    ("low", "T2", 1, "2010-01-01", None, None),
    ("announced", "T2", 2, "2010-01-01", "2025-03-31", "RETIREMENT"),  # recorded end within the 12 months
    ("leaves_today", "T2", 2, "2010-01-01", "2024-06-30", "RESIGNATION"),
)
MODEL_RISK = {"high": 0.30, "medium": 0.15, "low": 0.149, "announced": 0.2, "leaves_today": 0.2}
CHILDREN = {"high": 2, "medium": 1, "low": 0, "announced": 1, "leaves_today": 1}


def risk_of(rows: pl.DataFrame) -> np.ndarray:
    return np.array([MODEL_RISK[c] for c in rows["carer_id"]])


def test_scores_band_risk_and_weigh_places():
    rows = pl.DataFrame(
        [
            {
                "carer_id": c,
                "territory_id": "T1",
                **dict.fromkeys(FEATURES, 0.0),
                "occupied_places": float(CHILDREN[c]),
                "approved_places": 3.0,
            }
            for c in MODEL_RISK
        ]
    )
    table = score_carers(rows, risk_of, CARERS, AS_OF, "v1").sort("carer_id")
    assert table.select("carer_id", "risk_12m", "risk_band", "places_at_risk", "risk_source").rows() == [
        ("announced", 1.0, "HIGH", 1.0, "RECORDED_END"),
        ("high", 0.30, "HIGH", 0.6, "MODEL"),
        ("leaves_today", 0.0, "LOW", 0.0, "RECORDED_END"),
        ("low", 0.149, "LOW", 0.0, "MODEL"),
        ("medium", 0.15, "MEDIUM", 0.15, "MODEL"),
    ]
    assert set(table["as_of_date"]) == {AS_OF} and set(table["model_version"]) == {"v1"}
