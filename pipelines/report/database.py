"""The report's own DuckDB file: every view of `sql/` run on the warehouse, results only.

Evidence reads this file, never the warehouse: it holds aggregated, disclosure-controlled
tables and nothing else, it is written in a storage format Evidence's Node DuckDB (1.4) reads,
and the report build never holds the warehouse's lock."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipelines.paths import SQL_DIR
from pipelines.report.disclosure import create_macros, protect
from pipelines.report.reference import attach_reference
from pipelines.warehouse import Warehouse

# The newest on-disk format DuckDB 1.4 (Evidence's Node binding) opens.
STORAGE_VERSION = "v1.2.0"


@dataclass(frozen=True)
class View:
    name: str
    sql: str

    @classmethod
    def from_file(cls, path: Path) -> View:
        return cls(name=path.stem, sql=path.read_text(encoding="utf-8"))


def report_views(sql_dir: Path = SQL_DIR) -> list[View]:
    """Gives the report's views: one per `sql/*.sql` file, named as the file."""
    return [View.from_file(p) for p in sorted(sql_dir.glob("*.sql"))]


class ViewError(RuntimeError):
    """A view of `sql/` failed on the warehouse."""


def run_views(
    con: duckdb.DuckDBPyConnection, views: list[View], departement: str | None = None
) -> dict[str, pl.DataFrame]:
    """Gives each view's result, run on `con` with the disclosure macros defined and the shipped reference
    tables beside the warehouse (`attach_reference`: the sector's benchmarks, and the DREES series of
    `departement` when one is named), then with the figures that would give a hidden count back by
    subtraction hidden too (`protect`: across views, a territory and its establishments, a year and its months...)."""
    create_macros(con)
    attach_reference(con, departement)
    results = {}
    for view in views:
        try:
            results[view.name] = con.sql(view.sql).pl()
        except duckdb.Error as error:
            raise ViewError(
                f"sql/{view.name}.sql failed on the warehouse: {error}. "
                "Fix the view (the tables it reads are in contract section 3)."
            ) from error
    return protect(results)


def query_views(warehouse: Warehouse, views: list[View], departement: str | None = None) -> dict[str, pl.DataFrame]:
    """Gives each view's result on the warehouse, read only (`departement`: VIVIER_DEPARTEMENT, see `run_views`)."""
    with warehouse.connect(read_only=True) as con:
        return run_views(con, views, departement)


def storable(frame: pl.DataFrame) -> pl.DataFrame:
    """Gives the frame, or one row of NULLs in its place when it is empty: Evidence writes an empty
    source table as an unreadable Parquet file and the build fails, so pages filter on a key being
    not NULL instead."""
    return frame if frame.height else frame.clear(n=1)


def write_report_database(results: dict[str, pl.DataFrame], path: Path) -> dict[str, int]:
    """Writes one table per view result into a new DuckDB file at `path`; gives the rows of each
    result (an empty one is stored as one row of NULLs, see `storable`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    with duckdb.connect(str(partial), config={"storage_compatibility_version": STORAGE_VERSION}) as con:
        for name, frame in results.items():
            con.register("result", storable(frame))
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM result')
            con.unregister("result")
    partial.replace(path)
    return {name: frame.height for name, frame in results.items()}
