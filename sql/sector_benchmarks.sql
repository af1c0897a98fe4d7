-- Public benchmarks of the sector, one row each (pipelines/reference/sector_benchmarks.csv, read by the
-- report build into the catalog `reference`): the value (a share as a fraction, or a count), the period
-- it describes, its scope, its source, what differs from the employer's own figure, and the value and
-- the chart label written the French way ("21,4 %", "9 %", "35 971", with no-break spaces: a line never
-- breaks inside a figure).
WITH benchmarks AS (
    SELECT
        *,
        CASE
            WHEN unit = 'share'
                THEN replace(regexp_replace(printf('%.1f', value * 100), '\.0$', ''), '.', ',') || chr(160) || '%'
            ELSE replace(format('{:,}', cast(value AS BIGINT)), ',', chr(160))
        END AS value_text
    FROM reference.sector_benchmarks
)

SELECT
    benchmark,
    label_fr,
    value,
    unit,
    period,
    scope,
    source,
    source_short,
    comparison,
    value_text,
    'Secteur (' || source_short || ', ' || period || ') : ' || value_text AS chart_label
FROM benchmarks
ORDER BY benchmark
