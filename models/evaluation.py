"""How good a risk score is: discrimination, calibration, and what a retention team would catch."""

from __future__ import annotations

import numpy as np
import polars as pl

TOP_SHARE = 0.10


def expected_auc(predicted: np.ndarray, true_risk: np.ndarray) -> float:
    """Gives the ROC AUC of `predicted` expected when each carer i leaves with probability `true_risk[i]`.

    Over ordered pairs of distinct carers (i, j), the pair counts as (leaver,
    stayer) with weight q_i (1 - q_j), and is well ordered when p_i > p_j
    (a tie counts 1/2). The ratio of the weighted sums is the AUC that
    the score would get on average over the outcomes; with p = q it is the
    best AUC any score can expect. Sort-based, O(n log n)."""
    p = np.asarray(predicted, dtype=float)
    q = np.asarray(true_risk, dtype=float)
    if p.shape != q.shape or p.size < 2:
        raise ValueError("expected_auc needs two arrays of the same length, at least 2 carers.")
    order = np.argsort(p, kind="stable")
    p, q = p[order], q[order]
    stay = 1.0 - q
    # Groups of equal scores: leavers' weight, stayers' weight, and the stayers' weight strictly below.
    starts = np.flatnonzero(np.r_[True, p[1:] != p[:-1]])
    leave_g = np.add.reduceat(q, starts)
    stay_g = np.add.reduceat(stay, starts)
    self_g = np.add.reduceat(q * stay, starts)  # a carer is never paired with itself
    stay_below = np.cumsum(stay_g) - stay_g
    numerator = (leave_g * stay_below).sum() + 0.5 * (leave_g * stay_g - self_g).sum()
    denominator = q.sum() * stay.sum() - (q * stay).sum()
    if denominator <= 0:
        raise ValueError("expected_auc is undefined when every carer surely leaves or surely stays.")
    return float(numerator / denominator)


def top_share_flags(risk: np.ndarray, groups: np.ndarray, share: float = TOP_SHARE) -> np.ndarray:
    """Flags, within each group (as-of date), the `share` highest risks (at least one carer per group).

    Ties at the cut are broken by order, so exactly ceil(share x n) carers are flagged per group."""
    risk = np.asarray(risk, dtype=float)
    flags = np.zeros(risk.size, dtype=bool)
    for g in np.unique(groups):
        idx = np.flatnonzero(groups == g)
        k = max(int(np.ceil(share * idx.size)), 1)
        flags[idx[np.argsort(-risk[idx], kind="stable")[:k]]] = True
    return flags


def score_metrics(label: np.ndarray, risk: np.ndarray, as_of: np.ndarray) -> dict[str, float | int | None]:
    """Gives roc_auc, pr_auc (average precision), brier, top_decile_recall (share of leavers among the
    10 % highest risks of their as-of date), n and leavers for one model on one split."""
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    y = np.asarray(label, dtype=bool)
    risk = np.asarray(risk, dtype=float)
    both = 0 < y.sum() < y.size
    top = top_share_flags(risk, np.asarray(as_of))
    return {
        "roc_auc": float(roc_auc_score(y, risk)) if both else None,
        "pr_auc": float(average_precision_score(y, risk)) if both else None,
        "brier": float(brier_score_loss(y, risk)) if y.size else None,
        "top_decile_recall": float((top & y).sum() / y.sum()) if y.sum() else None,
        "mean_risk": float(risk.mean()) if y.size else None,
        "leave_rate": float(y.mean()) if y.size else None,
        "n": int(y.size),
        "leavers": int(y.sum()),
    }


METRIC_SCHEMA = {
    "model": pl.String,
    "split": pl.String,
    "roc_auc": pl.Float64,
    "pr_auc": pl.Float64,
    "brier": pl.Float64,
    "top_decile_recall": pl.Float64,
    "mean_risk": pl.Float64,
    "leave_rate": pl.Float64,
    "n": pl.Int64,
    "leavers": pl.Int64,
    "as_of_from": pl.Date,
    "as_of_to": pl.Date,
    "chosen": pl.Boolean,
}


def planted_risk_check(scores: pl.DataFrame, truth: pl.DataFrame) -> dict[str, float | int]:
    """Gives how close the scores (carer_id, risk_12m) come to planted true risks (carer_id,
    true_risk_12m) of the same carers: the model's expected AUC, the planted risks' own, their
    ratio, and the mean predicted and true risks."""
    both = scores.select("carer_id", "risk_12m").join(truth.select("carer_id", "true_risk_12m"), on="carer_id")
    if both.height < scores.height or both.height < truth.height:
        raise ValueError(
            f"Scores and planted risks do not cover the same carers ({scores.height} scored, "
            f"{truth.height} planted, {both.height} in both)."
        )
    p, q = both["risk_12m"].to_numpy(), both["true_risk_12m"].to_numpy()
    model_auc, planted_auc = expected_auc(p, q), expected_auc(q, q)
    return {
        "carers": both.height,
        "model_expected_auc": model_auc,
        "planted_auc": planted_auc,
        "auc_ratio": model_auc / planted_auc,
        "mean_predicted_risk": float(p.mean()),
        "mean_true_risk": float(q.mean()),
        "mean_ratio": float(p.mean() / q.mean()),
    }
