"""`quality.validation_results` (contract section 3): one row per expectation per run,
appended, so the report can show data quality over time; and the last run's row count
of a table, for the row-count check."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.quality.gx import Outcome
from pipelines.quality.suites import Suite
from pipelines.warehouse import Warehouse

TABLE = "quality.validation_results"
# The contract's columns first; the rest help read them.
SCHEMA = {
    "suite": pl.String,
    "expectation": pl.String,
    "success": pl.Boolean,
    "unexpected_count": pl.Int64,
    "run_id": pl.String,
    "checked_at": pl.Datetime("us", "UTC"),
    "severity": pl.String,
    "expectation_type": pl.String,
    "observed_value": pl.String,
    "row_count": pl.Int64,
}
DDL = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    + ", ".join(
        f"{name} {sql}"
        for name, sql in zip(
            SCHEMA,
            (
                "VARCHAR",
                "VARCHAR",
                "BOOLEAN",
                "BIGINT",
                "VARCHAR",
                "TIMESTAMPTZ",
                "VARCHAR",
                "VARCHAR",
                "VARCHAR",
                "BIGINT",
            ),
            strict=True,
        )
    )
    + ")"
)


def result_rows(
    suite: Suite, outcomes: list[Outcome], run_id: str, checked_at: dt.datetime, row_count: int
) -> pl.DataFrame:
    """Gives the rows of `quality.validation_results` for one suite's run."""
    return pl.DataFrame(
        [
            {
                "suite": suite.name,
                "expectation": o.expectation.name,
                "success": o.success,
                "unexpected_count": o.unexpected_count,
                "run_id": run_id,
                "checked_at": checked_at,
                "severity": o.expectation.severity,
                "expectation_type": o.expectation.type,
                "observed_value": o.error or o.observed,
                "row_count": row_count,
            }
            for o in outcomes
        ],
        schema=SCHEMA,
    )


def append_results(warehouse: Warehouse, rows: pl.DataFrame) -> None:
    """Appends a run's results: earlier runs stay, a rerun of the same run replaces its own rows."""
    with warehouse.connect() as con:
        con.begin()
        try:
            con.execute("CREATE SCHEMA IF NOT EXISTS quality")
            con.execute(DDL)
            con.register("incoming", rows)
            con.execute(
                f"DELETE FROM {TABLE} WHERE (suite, expectation, run_id) IN "
                "(SELECT suite, expectation, run_id FROM incoming)"
            )
            con.execute(f"INSERT INTO {TABLE} BY NAME SELECT * FROM incoming")
            con.unregister("incoming")
            con.commit()
        except BaseException:
            con.rollback()
            raise


def previous_row_count(warehouse: Warehouse, suite: Suite, run_id: str) -> int | None:
    """Gives the table's row count at the last earlier run that checked it, or None."""
    with warehouse.connect(read_only=True) as con:
        exists = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'quality' "
            "AND table_name = 'validation_results'"
        ).fetchall()
        if not exists[0][0]:
            return None
        found = con.execute(
            f"SELECT row_count FROM {TABLE} WHERE suite = ? AND run_id <> ? ORDER BY checked_at DESC LIMIT 1",
            [suite.name, run_id],
        ).fetchall()
    return found[0][0] if found else None
