"""The DuckDB warehouse as a Dagster resource: explicit reads, and table writes
that replace a whole table in one transaction, so a failed run never leaves a
half-written table behind.

A Dagster run never writes the published file (`VIVIER_WAREHOUSE`). It takes
the writer lock, copies the published file to a work file beside it, writes
there, and when the run ends publishes the work file with one atomic rename.
Readers (the UI, `vivier report`, analysts) open the published file read-only
and are never blocked by a run; a run killed at any point leaves the published
file as it was, and only a stale work file that the next run removes.
docs/operations.md says why."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
from pydantic import PrivateAttr

from pipelines.settings import warehouse_path_problem

SCHEMAS = ("raw", "staging", "marts", "ml", "quality")
# Which run's materialisation of each asset the file holds (issue 19; written just before publishing).
VERSIONS_TABLE = "quality.asset_versions"
WORK_SUFFIX = ".run-"
# How the writer lock's messages begin: `vivier run` shows them on the console (pipelines/progress.py).
WAITING_FOR_LOCK = "Waiting for the run that is writing"
GOT_LOCK = "Got the writer lock of"


class WarehousePathError(ValueError):
    """VIVIER_WAREHOUSE names no file a warehouse can be written to; the message says why."""


class Warehouse(dg.ConfigurableResource):
    """The DuckDB file of contract section 3 (`VIVIER_WAREHOUSE`)."""

    path: str
    # During a Dagster run every asset shares one connection, to the run's work
    # file: opening a file costs ~10 ms, and a run makes hundreds of reads and writes.
    _run_connection: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator[Warehouse]:
        log = context.log or dg.get_dagster_logger()
        problem = warehouse_path_problem(Path(self.path))
        if problem:
            raise WarehousePathError(problem)
        run_id = context.dagster_run.run_id if context.dagster_run else uuid.uuid4().hex
        with writer_lock(Path(self.path), run_id, log), work_copy(Path(self.path), run_id, log) as work:
            self._run_connection = _open(str(work), read_only=False)
            try:
                yield self
            except BaseException:
                # Interrupted or crashed: the published file stays as it was.
                self._close_run_connection()
                log.warning(f"Run ended early: {self.path} was not changed.")
                raise
            if context.instance is not None and context.dagster_run is not None:
                record_materializations(self._run_connection, context.instance, run_id)
            self._close_run_connection()
            publish(work, Path(self.path), log)

    def _close_run_connection(self) -> None:
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
        if self._run_connection is None and not Path(self.path).exists():
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
        (quarantine rows of one extract, say). A column the table lacks is added (empty in the
        other slices): the table was written by an earlier version of Vivier."""
        with self.transaction() as con:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {table.split('.')[0]}")
            con.register("incoming", frame)
            con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM incoming LIMIT 0")
            present = {row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()}
            for name, kind, *_ in con.execute("DESCRIBE SELECT * FROM incoming").fetchall():
                if name not in present:
                    con.execute(f'ALTER TABLE {table} ADD COLUMN "{name}" {kind}')
            con.execute(f"DELETE FROM {table} WHERE {column} = ?", [value])
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM incoming")
            con.unregister("incoming")
        return frame.height


def record_materializations(con: duckdb.DuckDBPyConnection, instance: dg.DagsterInstance, run_id: str) -> None:
    """Writes into `quality.asset_versions` the assets this run materialised (run, data and code versions), in
    the file about to be published: the refresh (pipelines/refresh.py) then knows which of Dagster's
    materialisations the published warehouse holds, and rebuilds any it does not."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION).records
    rows = {}
    for record in records:
        event = record.event_log_entry
        materialization = event.asset_materialization
        tags = materialization.tags or {}
        rows[materialization.asset_key.to_user_string()] = (
            run_id,
            tags.get("dagster/data_version"),
            tags.get("dagster/code_version"),
            dt.datetime.fromtimestamp(event.timestamp, dt.UTC).replace(tzinfo=None),
        )
    frame = pl.DataFrame(
        [(asset, *values) for asset, values in rows.items()],
        schema={
            "asset": pl.String,
            "run_id": pl.String,
            "data_version": pl.String,
            "code_version": pl.String,
            "materialized_at": pl.Datetime("us"),
        },
        orient="row",
    )
    con.register("materialized", frame)
    con.begin()
    con.execute("CREATE SCHEMA IF NOT EXISTS quality")
    con.execute(f"CREATE TABLE IF NOT EXISTS {VERSIONS_TABLE} AS SELECT * FROM materialized LIMIT 0")
    con.execute(f"DELETE FROM {VERSIONS_TABLE} WHERE asset IN (SELECT asset FROM materialized)")
    con.execute(f"INSERT INTO {VERSIONS_TABLE} BY NAME SELECT * FROM materialized")
    con.commit()
    con.unregister("materialized")


def _open(path: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(path, read_only=read_only)
    # Only registered frames are visible: a missing table must not resolve to
    # a Python variable that happens to share its name.
    con.execute("SET python_enable_replacements = false")
    # DuckDB's allocator gives freed memory back from a thread of its own, not at its next allocation: a
    # run's steps follow one another in one process (issue 19, docs/performance.md).
    con.execute("SET allocator_background_threads = true")
    return con


def work_path(published: Path, run_id: str) -> Path:
    """Gives the file a run writes before publishing it: `vivier.duckdb.run-<run id>`, beside the warehouse."""
    return published.with_name(f"{published.name}{WORK_SUFFIX}{run_id}")


@contextmanager
def writer_lock(published: Path, run_id: str, log) -> Iterator[None]:
    """Holds the one writer lock of a warehouse (`<file>.lock`) for a block; waits while another run holds it.

    The lock is an flock: the system releases it when its process dies, kill -9 included."""
    published.parent.mkdir(parents=True, exist_ok=True)
    with open(published.with_name(published.name + ".lock"), "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            log.info(f"{WAITING_FOR_LOCK} {published} ({holder}) to publish it: this run starts after it.")
            started = time.monotonic()
            fcntl.flock(lock, fcntl.LOCK_EX)
            log.info(f"{GOT_LOCK} {published} after waiting {time.monotonic() - started:.0f} s: this run starts now.")
        lock.truncate(0)
        lock.write(f"run {run_id}, process {os.getpid()}\n")
        lock.flush()
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def work_copy(published: Path, run_id: str, log) -> Iterator[Path]:
    """Gives a work copy of the published warehouse for a run (empty if none is published yet); removes it
    after the block unless it was published. Call it holding the writer lock: other work files are then stale."""
    for stale in published.parent.glob(f"{published.name}{WORK_SUFFIX}*"):
        log.info(f"Removing {stale.name}, left by a run that did not finish.")
        stale.unlink(missing_ok=True)
    work = work_path(published, run_id)
    if published.exists():
        if published.with_name(published.name + ".wal").exists():
            # Written directly (outside a run) and not checkpointed: fold the log in before copying.
            _open(str(published), read_only=False).close()
        started = time.monotonic()
        shutil.copyfile(published, work)
        log.info(
            f"Copied {published.name} ({published.stat().st_size / 2**20:,.0f} MiB) to {work.name} "
            f"in {time.monotonic() - started:.1f} s; this run writes there."
        )
    try:
        yield work
    finally:
        work.unlink(missing_ok=True)
        work.with_name(work.name + ".wal").unlink(missing_ok=True)


def publish(work: Path, published: Path, log) -> None:
    """Replaces the published warehouse by a closed work file in one atomic rename, durable once it returns."""
    started = time.monotonic()
    _open(str(work), read_only=False).close()  # a last checkpoint: no write-ahead log is left beside it
    with open(work, "rb+") as file:
        os.fsync(file.fileno())
    os.replace(work, published)
    directory = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    log.info(f"Published {published} in {time.monotonic() - started:.1f} s.")
