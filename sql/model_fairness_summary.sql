-- The model's fairness audit on the test period, by sex and age band: mean predicted risk
-- against the observed leaving rate (calibration), and the share of leavers it flags (recall).
SELECT
    attribute,
    CASE attribute WHEN 'sex' THEN 'Sexe' WHEN 'age_band' THEN 'Tranche d''âge' ELSE attribute END AS attribute_label,
    replace(replace("group", 'under', 'moins de'), 'and over', 'et plus') AS group_label,
    shown_count(n) AS n,
    shown_count(leavers) AS leavers,
    shown_rate(mean_predicted_risk, n) AS mean_predicted_risk,
    shown_share(observed_leave_rate, leavers, n) AS observed_leave_rate,
    shown_share(recall, round(recall * leavers), leavers) AS recall,
    shown_rate(calibration_ratio, leavers) AS calibration_ratio
FROM ml.model_fairness
WHERE split = 'test'
ORDER BY attribute, "group"
