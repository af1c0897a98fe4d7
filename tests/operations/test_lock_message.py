"""A run that has to wait for the warehouse's writer lock says so on the console (`vivier run`'s progress
lines), then says when it got it; a run that does not wait says nothing of it."""

from __future__ import annotations

import re
import threading
import time

import click
import dagster as dg
import polars as pl

from pipelines.progress import PROGRESS_LOGGER, progress_logger
from pipelines.warehouse import Warehouse, writer_lock


@dg.asset(key_prefix="marts")
def t(warehouse: Warehouse) -> None:
    warehouse.replace("marts.t", pl.DataFrame({"a": [1]}))


def run_job(path) -> dg.ExecuteInProcessResult:
    """Runs a one-asset job as `vivier run` runs nightly_refresh: with the progress logger."""
    job = dg.define_asset_job("j", executor_def=dg.in_process_executor)
    defs = dg.Definitions(
        assets=[t],
        jobs=[job],
        resources={"warehouse": Warehouse(path=str(path))},
        loggers={PROGRESS_LOGGER: progress_logger},
    )
    return defs.resolve_job_def("j").execute_in_process(run_config={"loggers": {PROGRESS_LOGGER: {}}})


def test_a_run_waiting_for_the_writer_lock_says_so_then_when_it_got_it(tmp_path, capsys, monkeypatch):
    path = tmp_path / "vivier.duckdb"
    holds, waits = threading.Event(), threading.Event()
    echo = click.echo

    def echo_and_tell(message=None, *args, **kwargs):
        if "Waiting for" in str(message):
            waits.set()
        echo(message, *args, **kwargs)

    monkeypatch.setattr(click, "echo", echo_and_tell)

    def other_run():
        # Holds the lock until the run has said that it waits, then one second more.
        with writer_lock(path, "other-run", dg.get_dagster_logger()):
            holds.set()
            waits.wait(60)
            time.sleep(1.0)

    thread = threading.Thread(target=other_run)
    thread.start()
    assert holds.wait(10)
    result = run_job(path)
    thread.join()
    assert result.success and waits.is_set()

    lines = capsys.readouterr().out.splitlines()
    waiting = [i for i, line in enumerate(lines) if "Waiting for the run that is writing" in line]
    got = [i for i, line in enumerate(lines) if "Got the writer lock of" in line]
    done = [i for i, line in enumerate(lines) if "ok   marts/t" in line]
    assert len(waiting) == len(got) == len(done) == 1, lines
    assert waiting[0] < got[0] < done[0]
    assert f"{path} (run other-run, process " in lines[waiting[0]]
    assert re.fullmatch(
        rf"  Got the writer lock of {re.escape(str(path))} after waiting [1-9]\d* s: this run starts now\.",
        lines[got[0]],
    )

    # Nobody holds the lock: nothing is said of it.
    assert run_job(path).success
    assert "writer lock" not in capsys.readouterr().out
