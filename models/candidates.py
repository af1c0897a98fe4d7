"""The attrition models compared, the ones that may score carers, and the shape of their test
predictions (ml.carer_test_predictions).

Apart from `training` so that `registry`, which writes the predictions table, need not import
`training`, which imports `registry` for the model version.
"""

from __future__ import annotations

import polars as pl

AGE_RULE, LOGISTIC, BOOSTING = "age_rule", "logistic_regression", "gradient_boosting"
MODELS = (AGE_RULE, LOGISTIC, BOOSTING)
# The baselines are there to be beaten; only these are eligible to score carers.
CANDIDATES = (LOGISTIC, BOOSTING)
PREDICTIONS_SCHEMA = {
    "carer_id": pl.String,
    "as_of_date": pl.Date,
    "sex": pl.String,
    "age": pl.Float64,
    "left_12m": pl.Boolean,
    **{m: pl.Float64 for m in MODELS},
}
