-- The employer's département as DREES published it, 2014-2020: the staff of its social action
-- (assistants familiaux apart) and the assistants familiaux it employs, head counts on 31 December,
-- each figure with its source and sheet (pipelines/reference/drees_departements.csv). The département is
-- VIVIER_DEPARTEMENT, set by the report build in the session variable `vivier_departement`: unset, or a
-- code DREES does not publish, the view is empty and the pages draw nothing.
SELECT
    departement,
    departement_name,
    year,
    cast(year AS VARCHAR) AS year_label,
    -- the year as a date (its first day) for a chart's time axis, whose ticks fall on 1 January: the figure
    -- itself is the head count on 31 December of that year
    make_date(year, 1, 1) AS year_date,
    measure,
    CASE measure
        WHEN 'assistants_familiaux' THEN 'Assistants familiaux'
        ELSE 'Autres personnels de l''action sociale'
    END AS measure_label,
    value,
    source,
    sheet
FROM reference.drees_departements
WHERE departement = getvariable('vivier_departement')
ORDER BY measure, year
