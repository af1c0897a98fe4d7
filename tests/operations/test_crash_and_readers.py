"""A real `vivier run`, killed with SIGKILL at several points, never changes the published warehouse;
a run succeeds while readers hold the published file; the rerun gives the same tables as a clean run."""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb

from pipelines.definitions import defs
from tests.conftest import SEGUR_ESTIMATES, query, snapshot

VIVIER = str(Path(sys.executable).parent / "vivier")
PROGRESS_LINE = re.compile(r"^\s+\[\s*\d+\] (ok|FAIL|skip) ")
RUN_TIMEOUT = 240

READER = """
import json, sys, time
from pathlib import Path
from pipelines.warehouse import Warehouse
warehouse, stop = Warehouse(path=sys.argv[1]), Path(sys.argv[2])
ok, errors = 0, []
while not stop.exists():
    try:
        warehouse.query("SELECT count(*) FROM marts.workforce_monthly")
        ok += 1
    except Exception as error:
        errors.append(str(error))
    time.sleep(0.05)
print(json.dumps({"ok": ok, "errors": errors[:3]}))
"""


class VivierRun:
    """`vivier run` in a child process, its progress lines read as they come."""

    def __init__(self, landing: Path, warehouse: Path, home: Path, *options: str):
        env = os.environ | {
            "VIVIER_LANDING_DIR": str(landing),
            "VIVIER_WAREHOUSE": str(warehouse),
            "DAGSTER_HOME": str(home),
            "VIVIER_AS_OF": "",
        }
        self.process = subprocess.Popen(
            [VIVIER, "run", *options], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def wait_for_progress(self, count: int) -> None:
        """Returns as soon as `count` assets have finished (ok, FAIL or skip)."""
        deadline, seen = time.monotonic() + RUN_TIMEOUT, sum(bool(PROGRESS_LINE.match(x)) for x in self.output)
        while seen < count:
            line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.1))
            assert line is not None, "vivier run ended before it got there:\n" + "".join(self.output)
            self.output.append(line)
            seen += bool(PROGRESS_LINE.match(line))

    def finish(self) -> int:
        code = self.process.wait(timeout=RUN_TIMEOUT)
        while (line := self.lines.get(timeout=10)) is not None:
            self.output.append(line)
        return code

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        assert self.process.wait(timeout=30) == -signal.SIGKILL


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_killed_runs_leave_the_published_warehouse_and_the_rerun_matches_a_clean_run(small_demo, tmp_path):
    warehouse, home = tmp_path / "warehouse" / "vivier.duckdb", tmp_path / "dagster"
    # A clean run made the same way as the rerun below: the Ségur estimate's last digits can differ
    # between a run inside pytest's process and a `vivier run` of its own.
    clean = VivierRun(small_demo, warehouse, home)
    assert clean.finish() == 0, "".join(clean.output)
    steps = len(defs.resolve_job_def("nightly_refresh").nodes_in_topological_order)
    published, clean_tables = digest(warehouse), snapshot(warehouse)
    shutil.copyfile(warehouse, tmp_path / "clean.duckdb")

    # Early in ingest, in the marts, in the model. (The rename that publishes is atomic: test_publish.py.)
    for finished in (1, int(steps * 0.3), int(steps * 0.7)):
        # --full: nothing changed since the clean run, and an incremental run would have nothing to do.
        run = VivierRun(small_demo, warehouse, home, "--full")
        run.wait_for_progress(finished)
        run.kill()
        assert digest(warehouse) == published, f"killed after {finished} assets, the published file changed"
    assert snapshot(warehouse) == clean_tables

    # The rerun, while a connection holds the published file and another process keeps querying it.
    stop = tmp_path / "stop-reading"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(warehouse), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    with duckdb.connect(str(warehouse), read_only=True) as held:
        before = held.execute("SELECT count(*) FROM marts.workforce_monthly").fetchall()
        rerun = VivierRun(small_demo, warehouse, home)
        while rerun.process.poll() is None:
            assert held.execute("SELECT count(*) FROM marts.workforce_monthly").fetchall() == before
            time.sleep(0.2)
        assert rerun.finish() == 0, "".join(rerun.output)
    # Incremental: Dagster recorded what the killed runs materialised, the published file does not hold it.
    assert "the published warehouse does not hold run" in "".join(rerun.output)
    stop.touch()
    reading = json.loads(reader.communicate(timeout=60)[0])
    assert reading["errors"] == [] and reading["ok"] > 0, reading

    # The Ségur estimate is left out: on this small demo (3 establishments) pyfixest's fits of the months
    # before coverage are unstable between two processes (pre-trend p 0.89 against 0.93, absurd leads);
    # what this test checks is that a killed run changes nothing and the rerun gives the same tables.
    assert snapshot(warehouse, leave_out=SEGUR_ESTIMATES) == {
        t: rows for t, rows in clean_tables.items() if t not in SEGUR_ESTIMATES
    }
    # Both runs did estimate it: the same rows, outcomes and estimators.
    estimated = "SELECT outcome, estimator, estimate IS NOT NULL FROM marts.segur_effect ORDER BY ALL"
    assert query(warehouse, estimated) == query(tmp_path / "clean.duckdb", estimated)
    assert not list(warehouse.parent.glob("*.run-*")), "a work file was left beside the warehouse"
