-- The foster-carer attrition model against its baselines, on the training and test
-- periods: ROC AUC, PR AUC, Brier score, carers scored and leavers. With 1 to 4 leavers, the
-- figures computed from them (leave rate, recall, AUCs) would give their number back: hidden.
SELECT
    model,
    CASE model
        WHEN 'gradient_boosting' THEN 'Gradient boosting calibré (retenu)'
        WHEN 'logistic_regression' THEN 'Régression logistique (référence)'
        WHEN 'age_rule' THEN 'Règle de l''âge (référence)'
        ELSE model
    END AS model_label,
    split,
    shown_beside(shown_rate(roc_auc, n), leavers) AS roc_auc,
    shown_beside(shown_rate(pr_auc, n), leavers) AS pr_auc,
    shown_rate(brier, n) AS brier,
    shown_rate(top_decile_recall, leavers) AS top_decile_recall,
    shown_rate(mean_risk, n) AS mean_risk,
    shown_share(leave_rate, leavers, n) AS leave_rate,
    shown_count(n) AS n,
    shown_count(leavers) AS leavers,
    as_of_from,
    as_of_to,
    chosen
FROM ml.model_metrics
ORDER BY split DESC, roc_auc DESC
