"""ml.model_metrics: one row per model and split, both known; scores and shares in [0, 1];
one model chosen; the test split after the training one, labels included."""

from pipelines.quality.suites import (
    BLOCKING,
    MART_BUG,
    Suite,
    faults,
    is_not_a_share,
    is_not_in,
    is_not_the_ratio,
    keys_are_unique,
)

MODELS = ("age_rule", "logistic_regression", "gradient_boosting")
SHARES = ("roc_auc", "pr_auc", "brier", "top_decile_recall", "mean_risk")
LABEL_DAYS = 365  # a carer-date's label is what happens in the next 365 days (contract section 4)

SUITE = Suite(
    "ml.model_metrics",
    [
        *keys_are_unique(
            ("model", "split"),
            f"Two rows for one model and split, or no key, and the model card would show either: {MART_BUG}",
        ),
        faults(
            "metrics_are_within_bounds",
            {
                "model": is_not_in("model", MODELS),
                "split": is_not_in("split", ("train", "test")),
                "n": "t.n < 1",
                "leavers": "t.leavers < 0 OR t.leavers > t.n",
                "leave_rate": is_not_the_ratio("leave_rate", "leavers", "n"),
            }
            | {c: is_not_a_share(c) for c in SHARES},
            f"An unknown model or split, a split without carer-dates, more leavers than carer-dates, a leave "
            f"rate that is not leavers / n, or an AUC, Brier score, recall or mean risk outside [0, 1]: {MART_BUG}",
        ),
        faults(
            "one_model_is_chosen_and_tested_on_later_dates",
            {
                "chosen": "(SELECT count(DISTINCT m.model) FROM ml.model_metrics m WHERE m.chosen) <> 1",
                "as_of_from": "t.as_of_from > t.as_of_to OR (t.split = 'test' AND t.as_of_from < (SELECT "
                f"max(m.as_of_to) FROM ml.model_metrics m WHERE m.split = 'train') + {LABEL_DAYS})",
            },
            "No model chosen or several, or test dates whose labels overlap the training ones (a test date "
            f"within {LABEL_DAYS} days of the last training date), and the model card's figures would not "
            f"hold: {MART_BUG}",
            BLOCKING,
        ),
    ],
    row="t.model || ' ' || t.split",
)
