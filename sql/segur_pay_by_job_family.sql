-- What new contracts were paid in the year before and the year after each job family's
-- Ségur measure (median monthly gross pay, full-time base), over 5 contracts or more.
SELECT
    p.job_family,
    coalesce(j.label_fr, p.job_family) AS job_family_label,
    p.effective_date,
    p.monthly_net_eur AS measure_net_eur,
    shown_count(p.contracts_before) AS contracts_before,
    shown_count(p.contracts_after) AS contracts_after,
    shown_rate(p.median_gross_pay_before, p.contracts_before) AS median_gross_pay_before,
    shown_rate(p.median_gross_pay_after, p.contracts_after) AS median_gross_pay_after,
    shown_rate(shown_rate(p.median_difference, p.contracts_before), p.contracts_after) AS median_difference
FROM marts.segur_pay AS p
LEFT JOIN staging.job_families AS j USING (job_family)
ORDER BY p.effective_date, p.job_family
