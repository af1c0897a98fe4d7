-- The foster-carer attrition model against its baselines, on the training and test
-- periods: ROC AUC, PR AUC, Brier score, carers scored and leavers.
SELECT
    model,
    CASE model
        WHEN 'gradient_boosting' THEN 'Gradient boosting calibré (retenu)'
        WHEN 'logistic_regression' THEN 'Régression logistique (référence)'
        WHEN 'age_rule' THEN 'Règle de l''âge (référence)'
        ELSE model
    END AS model_label,
    split,
    roc_auc,
    pr_auc,
    brier,
    top_decile_recall,
    mean_risk,
    leave_rate,
    shown_count(n) AS n,
    shown_count(leavers) AS leavers,
    as_of_from,
    as_of_to,
    chosen
FROM ml.model_metrics
ORDER BY split DESC, roc_auc DESC
