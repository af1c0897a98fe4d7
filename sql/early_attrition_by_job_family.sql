-- Early departures per job family, over the hires of the last three observed years: the
-- share who left within 3, 6 and 12 months of starting (over 5 hires or more).
WITH period AS (SELECT as_of_month FROM staging.reporting_period),

cohorts AS (
    SELECT a.*
    FROM marts.early_attrition AS a, period AS p
    WHERE a.cohort_month > p.as_of_month - INTERVAL 48 MONTH AND a.observed_12m
)

SELECT
    c.job_family,
    coalesce(j.label_fr, c.job_family) AS job_family_label,
    shown_count(sum(c.hires)) AS hires,
    shown_count(sum(c.left_within_12m)) AS left_within_12m,
    shown_share(sum(c.left_within_3m) / nullif(sum(c.hires), 0), sum(c.left_within_3m), sum(c.hires))
        AS attrition_rate_3m,
    shown_share(sum(c.left_within_6m) / nullif(sum(c.hires), 0), sum(c.left_within_6m), sum(c.hires))
        AS attrition_rate_6m,
    shown_share(sum(c.left_within_12m) / nullif(sum(c.hires), 0), sum(c.left_within_12m), sum(c.hires))
        AS attrition_rate_12m
FROM cohorts AS c
LEFT JOIN staging.job_families AS j USING (job_family)
GROUP BY c.job_family, j.label_fr
ORDER BY attrition_rate_12m DESC NULLS LAST
