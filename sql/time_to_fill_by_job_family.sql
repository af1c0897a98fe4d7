-- Time to fill per job family and year the posting opened: postings, how many were
-- filled, days to fill (median and quartiles, over 5 filled postings or more) and how many
-- are still open. Postings are posts, not people, but a filled posting is one hire: the
-- same rule applies.
SELECT
    p.job_family,
    coalesce(j.label_fr, p.job_family) AS job_family_label,
    year(p.opened_date) AS opened_year,
    shown_count(count(*)) AS postings,
    shown_count(count(p.days_to_fill)) AS filled,
    shown_rate(median(p.days_to_fill), count(p.days_to_fill)) AS median_days_to_fill,
    shown_rate(quantile_cont(p.days_to_fill, 0.25), count(p.days_to_fill)) AS q1_days_to_fill,
    shown_rate(quantile_cont(p.days_to_fill, 0.75), count(p.days_to_fill)) AS q3_days_to_fill,
    shown_count(count(*) FILTER (WHERE p.still_open)) AS still_open
FROM marts.time_to_fill AS p
LEFT JOIN staging.job_families AS j USING (job_family)
GROUP BY p.job_family, j.label_fr, year(p.opened_date)
ORDER BY p.job_family, opened_year
