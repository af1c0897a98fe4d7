"""What the carer asset checks test, as pure functions: every active carer scored once, and the
chosen model against its baselines. No Dagster here."""

from __future__ import annotations

import polars as pl

from models import training

# Below this many leavers in the test split, ROC AUCs differ by chance more than by model.
MIN_TEST_LEAVERS = 100


def score_faults(active: pl.DataFrame, scores: pl.DataFrame) -> dict[str, int]:
    """Gives how many active carers have no score, scores belong to no active carer, carers are scored
    twice, and risks fall outside [0, 1]: all 0 when the scores are sound."""
    out_of_range = ~pl.col("risk_12m").is_between(0.0, 1.0) | pl.col("risk_12m").is_nan()
    return {
        "missing": active.join(scores, on="carer_id", how="anti").height,
        "not_active": scores.join(active, on="carer_id", how="anti").height,
        "duplicated": scores.height - scores["carer_id"].n_unique(),
        "risk_out_of_range": scores.filter(out_of_range).height,
    }


def boosting_verdict(test: pl.DataFrame) -> tuple[bool, str | None]:
    """Gives whether gradient boosting beats both baselines in test ROC AUC (`test`: model, roc_auc,
    chosen, leavers of the test split), and what to say when it does not or cannot be told."""
    if test.is_empty() or test["roc_auc"].null_count():
        return True, "No model trained, or a test split without leavers."
    if test["leavers"].max() < MIN_TEST_LEAVERS:
        return True, f"Only {test['leavers'].max()} leavers in the test split: too few to tell the models apart."
    auc = dict(test.select("model", "roc_auc").rows())
    boosting = auc[training.BOOSTING]
    if boosting > auc[training.AGE_RULE] and boosting > auc[training.LOGISTIC]:
        return True, None
    chosen = test.filter(pl.col("chosen"))["model"].item()
    return False, (
        f"Gradient boosting does not beat both baselines on the test split; the best candidate scores the carers "
        f"({chosen})."
    )
