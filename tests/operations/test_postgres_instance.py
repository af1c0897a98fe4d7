"""docs/scaling.md's first step, on this machine: the Dagster instance on a local PostgreSQL server
started by the test, with the storage settings that `vivier dagster-home --postgres` writes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import dagster as dg
import psycopg2
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.definitions import defs
from tests.conftest import vivier_env

SERVER = ["initdb", "pg_ctl", "postgres"]


def as_postgres_user(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: as root, run it as the system's postgres user.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture
def postgres_server():
    """Gives (port, user, database) of a throw-away PostgreSQL server listening on 127.0.0.1."""
    missing = [b for b in SERVER if shutil.which(b) is None]
    if missing:
        pytest.skip(f"PostgreSQL server binaries not installed ({', '.join(missing)}): apt-get install postgresql")
    folder = Path(tempfile.mkdtemp(prefix="vivier-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = folder / "data"
    subprocess.run(
        as_postgres_user(["initdb", "-D", str(data), "-U", "vivier", "-A", "trust", "--no-sync"]),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        as_postgres_user(["pg_ctl", "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"]),
        check=True,
        capture_output=True,
    )
    try:
        yield port, "vivier", "postgres"
    finally:
        subprocess.run(
            as_postgres_user(["pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop"]), capture_output=True
        )
        shutil.rmtree(folder, ignore_errors=True)


def test_runs_and_schedules_are_kept_in_postgresql(postgres_server, small_demo, tmp_path):
    port, user, database = postgres_server
    env = {
        "DAGSTER_HOME": str(tmp_path / "dagster"),
        "DAGSTER_PG_HOST": "127.0.0.1",
        "DAGSTER_PG_PORT": str(port),
        "DAGSTER_PG_DB": database,
        "DAGSTER_PG_USER": user,
        "DAGSTER_PG_PASSWORD": "not-checked-trust-auth",
    }
    written = CliRunner().invoke(main, ["dagster-home", "--postgres"], env=env)
    assert written.exit_code == 0, written.output

    settings = {"VIVIER_LANDING_DIR": str(small_demo), "VIVIER_WAREHOUSE": str(tmp_path / "vivier.duckdb")}
    with vivier_env(**env, **settings), dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.schedule_storage).__name__ == "PostgresScheduleStorage"
        job = defs.resolve_job_def("nightly_refresh")
        result = job.execute_in_process(instance=instance, asset_selection=[dg.AssetKey(["raw", "territories"])])
        assert result.success

    with psycopg2.connect(host="127.0.0.1", port=port, user=user, dbname=database) as con, con.cursor() as cur:
        cur.execute("SELECT status FROM runs WHERE run_id = %s", (result.run_id,))
        assert cur.fetchall() == [("SUCCESS",)]
        cur.execute(
            "SELECT count(*) FROM event_logs WHERE run_id = %s AND dagster_event_type = 'ASSET_MATERIALIZATION'",
            (result.run_id,),
        )
        assert cur.fetchone()[0] == 1
