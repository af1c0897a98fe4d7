-- Posts vacant for six months or more and still vacant on the as-of month, per job family:
-- how many establishment x job family cells, their vacant fte and how long they have lasted.
SELECT
    v.job_family,
    coalesce(j.label_fr, v.job_family) AS job_family_label,
    count(*) AS cells,
    sum(v.last_vacant_fte) AS vacant_fte,
    median(v.months_vacant) AS median_months_vacant,
    max(v.months_vacant) AS longest_months_vacant
FROM marts.long_vacancies AS v
LEFT JOIN staging.job_families AS j USING (job_family)
WHERE v.ongoing AND v.months_vacant >= 6
GROUP BY v.job_family, j.label_fr
ORDER BY vacant_fte DESC
