"""End to end: a real dagster-daemon sees a landing file change and the run its sensor starts succeeds."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
from dagster._core.scheduler.instigation import InstigatorType

from pipelines.dagster_home import ensure_dagster_home
from tests.conftest import query

ROOT = Path(__file__).resolve().parents[2]
DAEMON = str(Path(sys.executable).parent / "dagster-daemon")
SENSOR = "landing_files_sensor"


def wait_until(condition, timeout: float, what: str, log: Path):
    """Polls `condition` every half second; gives its first true value, or fails with the daemon's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.5)
    raise AssertionError(f"Waited {timeout:.0f} s for {what}. dagster-daemon said:\n{log.read_text()[-3000:]}")


def test_the_daemon_starts_a_refresh_when_a_landing_file_changes(small_demo, tmp_path):
    landing, home, log = tmp_path / "landing", tmp_path / "dagster", tmp_path / "daemon.log"
    shutil.copytree(small_demo, landing)
    ensure_dagster_home(home)
    # Create and migrate the instance's SQLite storage before the daemon starts: two processes
    # creating it at once can make one of them fail its schema check (alembic), which a loaded
    # CI machine once showed as a daemon that never ticked.
    with dg.DagsterInstance.from_config(str(home)):
        pass
    env = os.environ | {
        "DAGSTER_HOME": str(home),
        "VIVIER_LANDING_DIR": str(landing),
        "VIVIER_AS_OF": "",
        "VIVIER_WAREHOUSE": str(tmp_path / "vivier.duckdb"),
        "VIVIER_SENSOR_INTERVAL_SECONDS": "1",
    }
    with open(log, "w") as out:
        # Its own process group: the runs it launches (the report after the refresh, too) end with it.
        daemon = subprocess.Popen(
            [DAEMON, "run", "-m", "pipelines.definitions"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        with dg.DagsterInstance.from_config(str(home)) as instance:

            def sensor_cursor():
                states = instance.all_instigator_state(instigator_type=InstigatorType.SENSOR)
                return next(
                    (
                        s.instigator_data.cursor
                        for s in states
                        if s.instigator_name == SENSOR and s.instigator_data and s.instigator_data.cursor
                    ),
                    None,
                )

            # The first tick only remembers the folder as it is: no run for files already there.
            wait_until(sensor_cursor, 90, "the sensor's first tick", log)
            assert not instance.get_runs()
            os.utime(landing / "staff.csv")  # a new modification time: the extract was exported again

            def sensor_run_done():
                runs = instance.get_runs(dg.RunsFilter(tags={"dagster/sensor_name": SENSOR}))
                return runs[0] if runs and runs[0].is_finished else None

            run = wait_until(sensor_run_done, 300, "the sensor's run to finish", log)
            assert run.status == dg.DagsterRunStatus.SUCCESS, [
                e.message
                for e in instance.all_logs(run.run_id)
                if e.is_dagster_event and e.dagster_event.is_step_failure
            ]
            assert run.tags["vivier/changed_files"] == "staff.csv"
            assert query(tmp_path / "vivier.duckdb", "SELECT count(*) FROM marts.workforce_monthly")[0][0] > 0
            sensor_runs = instance.get_runs(dg.RunsFilter(tags={"dagster/sensor_name": SENSOR}))
            assert len(sensor_runs) == 1, "the same landing files started a second run"
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        try:
            daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(daemon.pid, signal.SIGKILL)
