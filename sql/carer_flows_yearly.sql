-- Foster carers who started and who left per calendar year (complete years of the reported window
-- only), all territories.
SELECT
    year(month) AS year,
    shown_count(sum(new_carers)) AS new_carers,
    shown_count(sum(leavers)) AS leavers
FROM marts.carer_capacity_monthly
WHERE year(month) < (SELECT year(r.as_of_date + INTERVAL 1 DAY) FROM staging.reporting_period AS r)
    AND year(month) >= (SELECT year(r.first_month + INTERVAL 11 MONTH) FROM staging.reporting_period AS r)
GROUP BY year(month)
ORDER BY year
