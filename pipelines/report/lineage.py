"""The warehouse tables each `sql/` view reads, found by DuckDB's own parser: the report's lineage.

DuckDB parses the view (`json_serialize_sql`) and every table reference in the tree is kept, wherever
it stands: FROM, JOIN, a comma join, a subquery in WHERE or SELECT, a CTE's body. A regex on
`FROM/JOIN schema.table` would also count a name in a comment or a string literal and miss a comma
join; the parser does neither, needs no warehouse (the tables need not exist), and reads the SQL as
the warehouse will run it. Pure: no Dagster here; `pipelines.report.assets` turns the tables into
asset keys."""

from __future__ import annotations

import json
from collections.abc import Iterable

import duckdb

from pipelines.report.database import View
from pipelines.report.reference import CATALOG as REFERENCE
from pipelines.warehouse import SCHEMAS

# What a view may read: the warehouse's schemas, and the shipped reference tables the report build puts
# beside them (`reference.sector_benchmarks`: pipelines/report/reference.py).
READABLE = (*SCHEMAS, REFERENCE)

EXAMPLE = "marts.turnover_12m"


class ViewSqlError(ValueError):
    """A view of `sql/` whose tables cannot be told: not one SELECT, or a table outside the schemas."""


def tables_read(view: View) -> frozenset[str]:
    """Gives the tables one view reads, as `schema.table` in lower case; the view's own CTEs are left out."""
    tree = _parse(view)
    ctes: set[str] = set()
    references: list[dict] = []
    _collect(tree, ctes, references)
    tables = set()
    for ref in references:
        schema, table = ref["schema_name"].lower(), ref["table_name"].lower()
        where = f"sql/{view.name}.sql, line {_line(view.sql, ref.get('query_location'))}"
        if ref.get("catalog_name"):
            raise ViewSqlError(
                f"{where}: the table `{ref['catalog_name']}.{schema}.{table}` names a database; "
                f"name it schema.table, as `{EXAMPLE}`: the view runs on whichever warehouse is open."
            )
        if not schema:
            if table in ctes:
                continue
            raise ViewSqlError(
                f"{where}: the table `{table}` has no schema and is not a CTE of the view; "
                f"name it schema.table, as `{EXAMPLE}` (schemas: {', '.join(READABLE)})."
            )
        if schema not in READABLE:
            raise ViewSqlError(
                f"{where}: the table `{schema}.{table}` is outside the warehouse's schemas; "
                f"a view reads only {', '.join(READABLE)} tables, as `{EXAMPLE}`."
            )
        tables.add(f"{schema}.{table}")
    return frozenset(tables)


def tables_read_by_views(views: Iterable[View]) -> dict[str, frozenset[str]]:
    """Gives, for each view by name, the tables it reads."""
    return {view.name: tables_read(view) for view in views}


def _parse(view: View) -> dict:
    # An in-memory connection: parsing binds nothing, so the warehouse is never opened.
    with duckdb.connect() as con:
        serialized = json.loads(con.execute("SELECT json_serialize_sql(?)", [view.sql]).fetchone()[0])
    if serialized.get("error"):
        raise ViewSqlError(
            f"sql/{view.name}.sql: DuckDB cannot read it as one SELECT statement "
            f"({serialized.get('error_message')}); a view is a single SELECT (or WITH ... SELECT)."
        )
    if len(serialized["statements"]) != 1:
        raise ViewSqlError(
            f"sql/{view.name}.sql holds {len(serialized['statements'])} statements; "
            "a view is a single SELECT (or WITH ... SELECT), named as its file."
        )
    return serialized["statements"][0]


def _collect(node: object, ctes: set[str], references: list[dict]) -> None:
    # CTE names are gathered from the whole tree, not scope by scope: a name without a schema outside
    # its CTE's scope would read the `main` schema, where Vivier writes no table, so such a view fails
    # on the warehouse when the report is built and no lineage is lost by the shortcut.
    if isinstance(node, dict):
        if node.get("type") == "BASE_TABLE" and "table_name" in node:
            references.append(node)
        if isinstance(node.get("cte_map"), dict):
            ctes.update(cte["key"].lower() for cte in node["cte_map"].get("map", []))
        for value in node.values():
            _collect(value, ctes, references)
    elif isinstance(node, list):
        for value in node:
            _collect(value, ctes, references)


def _line(sql: str, location: object) -> str:
    # DuckDB gives the reference's offset in the text; a line is what an editor shows.
    return str(sql[:location].count("\n") + 1) if isinstance(location, int) else "?"
