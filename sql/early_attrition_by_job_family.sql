-- Early departures per job family, over the hires of the last three observed years: the
-- share who left within 3, 6 and 12 months of starting (over 5 hires or more), and within 12
-- months for another reason than the end of their fixed-term contract (CDD).
WITH period AS (SELECT as_of_month FROM staging.reporting_period),

attrition AS (
    SELECT * FROM marts.early_attrition
    -- a warehouse loaded before fixed-term ends were counted (issue 17): not known, not 0
    UNION ALL BY NAME
    SELECT cast(NULL AS BIGINT) AS fixed_term_ends_within_12m
    WHERE FALSE
),

cohorts AS (
    SELECT a.*
    FROM attrition AS a, period AS p
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
        AS attrition_rate_12m,
    -- the departures for another reason over the hires; hidden too when the fixed-term ends are 1 to
    -- 4 (beside the rate of all departures, it would give their count back)
    shown_beside(
        shown_share(
            (sum(c.left_within_12m) - sum(c.fixed_term_ends_within_12m)) / nullif(sum(c.hires), 0),
            sum(c.left_within_12m) - sum(c.fixed_term_ends_within_12m),
            sum(c.hires)
        ),
        sum(c.fixed_term_ends_within_12m)
    ) AS attrition_rate_12m_without_fixed_term_ends
FROM cohorts AS c
LEFT JOIN staging.job_families AS j USING (job_family)
GROUP BY c.job_family, j.label_fr
ORDER BY attrition_rate_12m DESC NULLS LAST
