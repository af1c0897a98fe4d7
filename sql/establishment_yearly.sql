-- Each establishment's arrivals and departures per calendar year (complete years of the reported window only): a sum of
-- the year's months, then disclosure control (monthly figures hidden one by one would lose most).
SELECT
    year(w.month) AS year,
    w.establishment_id,
    shown_count(sum(w.hires)) AS hires,
    shown_count(sum(w.exits)) AS exits
FROM marts.workforce_monthly AS w
WHERE year(w.month) < (SELECT year(r.as_of_date + INTERVAL 1 DAY) FROM staging.reporting_period AS r)
    AND year(w.month) >= (SELECT year(r.first_month + INTERVAL 11 MONTH) FROM staging.reporting_period AS r)
GROUP BY year(w.month), w.establishment_id
ORDER BY w.establishment_id, year
