-- Time to fill per job family and year the posting opened: postings, how many were
-- filled, days to fill (median, quartiles, mean) and how many are still open.
SELECT
    p.job_family,
    j.label_fr AS job_family_label,
    year(p.opened_date) AS opened_year,
    count(*) AS postings,
    count(p.days_to_fill) AS filled,
    median(p.days_to_fill) AS median_days_to_fill,
    quantile_cont(p.days_to_fill, 0.25) AS q1_days_to_fill,
    quantile_cont(p.days_to_fill, 0.75) AS q3_days_to_fill,
    avg(p.days_to_fill) AS mean_days_to_fill,
    count(*) FILTER (WHERE p.still_open) AS still_open,
    median(p.open_days) AS median_open_days
FROM marts.time_to_fill AS p
LEFT JOIN staging.job_families AS j USING (job_family)
GROUP BY p.job_family, j.label_fr, year(p.opened_date)
ORDER BY p.job_family, opened_year
