-- The territories, each with its page, and what the report knows of them.
SELECT
    t.territory_id,
    t.name AS territory_name,
    (
        SELECT count(*)
        FROM staging.establishments AS e
        WHERE e.territory_id = t.territory_id
    ) AS establishments
FROM staging.territories AS t
ORDER BY t.territory_id
