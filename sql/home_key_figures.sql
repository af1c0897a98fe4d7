-- The home page's figures, one row: the as-of month against twelve months earlier for the
-- workforce (headcount, vacancy, turnover) and the foster carers (carers, approved places).
WITH period AS (
    SELECT
        as_of_month,
        cast(as_of_month - INTERVAL 12 MONTH AS DATE) AS year_before
    FROM staging.reporting_period
),

staff AS (
    SELECT
        month,
        sum(headcount) FILTER (WHERE scope = 'ALL') AS headcount,
        max(avg_headcount) FILTER (WHERE scope = 'ALL') AS avg_headcount,
        max(exits_12m) FILTER (WHERE scope = 'ALL') AS exits_12m,
        max(voluntary_exits_12m) FILTER (WHERE scope = 'ALL') AS voluntary_exits_12m,
        max(turnover_rate) FILTER (WHERE scope = 'ALL') AS turnover_rate,
        max(voluntary_turnover_rate) FILTER (WHERE scope = 'ALL') AS voluntary_turnover_rate
    FROM marts.turnover_12m
    GROUP BY month
),

budget AS (
    SELECT
        month,
        sum(headcount) AS headcount,
        sum(budgeted_fte) AS budgeted_fte,
        sum(vacant_fte) AS vacant_fte
    FROM marts.workforce_monthly
    GROUP BY month
),

carers AS (
    SELECT
        month,
        sum(active_carers) AS active_carers,
        sum(approved_places) AS approved_places,
        sum(occupied_places) AS occupied_places
    FROM marts.carer_capacity_monthly
    GROUP BY month
)

SELECT
    p.as_of_month,
    p.year_before,
    shown_count(s.headcount) AS headcount,
    shown_count(s0.headcount) AS headcount_year_before,
    -- beside a hidden headcount, the vacancy (budget minus the fte of those few) is hidden too
    shown_beside(
        shown_rate(b.vacant_fte / nullif(b.budgeted_fte, 0), b.budgeted_fte),
        coalesce(s.headcount, b.headcount)
    ) AS vacancy_rate,
    shown_beside(
        shown_rate(b0.vacant_fte / nullif(b0.budgeted_fte, 0), b0.budgeted_fte),
        coalesce(s0.headcount, b0.headcount)
    ) AS vacancy_rate_year_before,
    shown_beside(b.vacant_fte, coalesce(s.headcount, b.headcount)) AS vacant_fte,
    shown_share(s.turnover_rate, s.exits_12m, s.avg_headcount) AS turnover_rate,
    shown_share(s0.turnover_rate, s0.exits_12m, s0.avg_headcount) AS turnover_rate_year_before,
    shown_share(s.voluntary_turnover_rate, s.voluntary_exits_12m, s.avg_headcount) AS voluntary_turnover_rate,
    shown_share(s0.voluntary_turnover_rate, s0.voluntary_exits_12m, s0.avg_headcount)
        AS voluntary_turnover_rate_year_before,
    shown_count(c.active_carers) AS active_carers,
    shown_count(c0.active_carers) AS active_carers_year_before,
    shown_beside(shown_count(c.approved_places), c.active_carers) AS approved_places,
    shown_beside(shown_count(c0.approved_places), c0.active_carers) AS approved_places_year_before,
    shown_beside(
        shown_share(c.occupied_places / nullif(c.approved_places, 0), c.occupied_places, c.approved_places),
        c.active_carers
    ) AS occupancy_rate,
    -- changes over the year, for the home page's figures (NULL when either figure is hidden)
    shown_count(s.headcount) - shown_count(s0.headcount) AS headcount_change,
    shown_beside(
        shown_rate(b.vacant_fte / nullif(b.budgeted_fte, 0), b.budgeted_fte),
        coalesce(s.headcount, b.headcount)
    )
    - shown_beside(
        shown_rate(b0.vacant_fte / nullif(b0.budgeted_fte, 0), b0.budgeted_fte),
        coalesce(s0.headcount, b0.headcount)
    ) AS vacancy_rate_change,
    shown_share(s.turnover_rate, s.exits_12m, s.avg_headcount)
    - shown_share(s0.turnover_rate, s0.exits_12m, s0.avg_headcount) AS turnover_rate_change,
    shown_count(c.active_carers) - shown_count(c0.active_carers) AS active_carers_change
FROM period AS p
LEFT JOIN staff AS s ON s.month = p.as_of_month
LEFT JOIN staff AS s0 ON s0.month = p.year_before
LEFT JOIN budget AS b ON b.month = p.as_of_month
LEFT JOIN budget AS b0 ON b0.month = p.year_before
LEFT JOIN carers AS c ON c.month = p.as_of_month
LEFT JOIN carers AS c0 ON c0.month = p.year_before
