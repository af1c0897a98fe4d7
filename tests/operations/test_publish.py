"""The warehouse a run publishes: built in a work file, renamed onto the published file at the end."""

from __future__ import annotations

import threading
import time

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipelines.warehouse import Warehouse, work_path, writer_lock


def published_with(path, values) -> Warehouse:
    warehouse = Warehouse(path=str(path))
    warehouse.replace("marts.t", pl.DataFrame({"a": values}))
    return warehouse


@dg.asset
def t(warehouse: Warehouse) -> None:
    warehouse.replace("marts.t", pl.DataFrame({"a": [2, 2]}))


def test_a_run_succeeds_while_a_reader_holds_the_published_file_which_then_shows_the_new_tables(tmp_path):
    path = tmp_path / "vivier.duckdb"
    published_with(path, [1])
    with duckdb.connect(str(path), read_only=True) as reader:
        result = dg.materialize([t], resources={"warehouse": Warehouse(path=str(path))})
        assert result.success
        assert reader.execute("SELECT a FROM marts.t").fetchall() == [(1,)]  # the reader's file is unchanged
    assert Warehouse(path=str(path)).read("marts.t")["a"].to_list() == [2, 2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vivier.duckdb", "vivier.duckdb.lock"]


def test_a_run_that_ends_early_leaves_the_published_file_as_it_was_and_no_work_file(tmp_path):
    path = tmp_path / "vivier.duckdb"
    published_with(path, [1])
    before = path.read_bytes()
    warehouse = Warehouse(path=str(path))
    with pytest.raises(KeyboardInterrupt):
        with warehouse.yield_for_execution(dg.build_init_resource_context()) as run:
            run.replace("marts.t", pl.DataFrame({"a": [9]}))
            assert run.read("marts.t")["a"].to_list() == [9]  # the run reads its own writes
            raise KeyboardInterrupt
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.run-*"))


def test_the_next_run_removes_what_a_killed_run_left(tmp_path):
    path = tmp_path / "vivier.duckdb"
    published_with(path, [1])
    stale = work_path(path, "killed-run")
    stale.write_bytes(b"half a warehouse")
    stale.with_name(stale.name + ".wal").write_bytes(b"its log")
    assert dg.materialize([t], resources={"warehouse": Warehouse(path=str(path))}).success
    assert not list(tmp_path.glob("*.run-*"))


def test_a_first_run_publishes_a_new_warehouse(tmp_path):
    path = tmp_path / "new" / "vivier.duckdb"
    assert dg.materialize([t], resources={"warehouse": Warehouse(path=str(path))}).success
    assert Warehouse(path=str(path)).read("marts.t")["a"].to_list() == [2, 2]


def test_a_second_writer_waits_for_the_first_to_release_the_lock(tmp_path):
    path, order = tmp_path / "vivier.duckdb", []
    log = dg.get_dagster_logger()
    first_holds = threading.Event()

    def first():
        with writer_lock(path, "first", log):
            first_holds.set()
            time.sleep(0.5)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    assert first_holds.wait(10)
    with writer_lock(path, "second", log):
        order.append("second holds")
    thread.join()
    assert order == ["first done", "second holds"]
