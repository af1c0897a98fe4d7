"""The DuckDB warehouse as a Dagster resource: explicit reads, and table writes
that replace a whole table in one transaction, so a failed run never leaves a
half-written table behind."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
from pydantic import PrivateAttr

SCHEMAS = ("raw", "staging", "marts", "ml", "quality")


class Warehouse(dg.ConfigurableResource):
    """The DuckDB file of contract section 3 (`VIVIER_WAREHOUSE`)."""

    path: str
    # During a Dagster run every asset shares one connection: opening the file
    # costs ~10 ms, and a run makes hundreds of reads and writes.
    _run_connection: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._run_connection = _open(self.path, read_only=False)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._run_connection is not None:
            self._run_connection.close()
            self._run_connection = None

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        if self._run_connection is not None:
            yield self._run_connection
            return
        if not read_only:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        con = _open(self.path, read_only)
        try:
            yield con
        finally:
            con.close()

    def read(self, table: str) -> pl.DataFrame:
        """Gives a whole table as a Polars frame."""
        with self.connect(read_only=True) as con:
            return con.sql(f"SELECT * FROM {table}").pl()

    def query(self, sql: str) -> pl.DataFrame:
        """Gives the result of a read-only query as a Polars frame."""
        with self.connect(read_only=True) as con:
            return con.sql(sql).pl()

    def exists(self, table: str) -> bool:
        schema, name = table.split(".")
        if not Path(self.path).exists():
            return False
        with self.connect(read_only=True) as con:
            found = con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
                [schema, name],
            ).fetchall()  # fetchall: fetchone leaves the result open on the run's shared connection
        return bool(found[0][0])

    def replace(self, table: str, frame: pl.DataFrame | pl.LazyFrame) -> int:
        """Replaces `table` by `frame` in one transaction; gives the rows written."""
        return self.replace_many({table: frame})[table]

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Gives a connection inside a transaction: committed if the block ends, rolled back if it raises."""
        with self.connect() as con:
            con.begin()
            try:
                yield con
                con.commit()
            except BaseException:
                con.rollback()
                raise

    def replace_many(self, tables: dict[str, pl.DataFrame | pl.LazyFrame]) -> dict[str, int]:
        """Replaces several tables in one transaction: all are written, or none."""
        frames = {t: f.collect() if isinstance(f, pl.LazyFrame) else f for t, f in tables.items()}
        with self.transaction() as con:
            for table, frame in frames.items():
                con.execute(f"CREATE SCHEMA IF NOT EXISTS {table.split('.')[0]}")
                con.register("incoming", frame)
                con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM incoming")
                con.unregister("incoming")
        return {t: f.height for t, f in frames.items()}

    def replace_part(self, table: str, column: str, value: str, frame: pl.DataFrame) -> int:
        """Replaces the rows of `table` where `column = value` by `frame`, in one transaction.

        For tables that several assets share, each owning its own slice
        (quarantine rows of one extract, say)."""
        with self.transaction() as con:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {table.split('.')[0]}")
            con.register("incoming", frame)
            con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM incoming LIMIT 0")
            con.execute(f"DELETE FROM {table} WHERE {column} = ?", [value])
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
            con.unregister("incoming")
        return frame.height


def _open(path: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(path, read_only=read_only)
    # Only registered frames are visible: a missing table must not resolve to
    # a Python variable that happens to share its name.
    con.execute("SET python_enable_replacements = false")
    return con
