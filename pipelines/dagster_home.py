"""The one place that writes Dagster's instance settings (`$DAGSTER_HOME/dagster.yaml`).

`make install`, `make serve` and `vivier run` all go through `ensure_dagster_home`."""

from __future__ import annotations

import os
from pathlib import Path

MARKER = "# Written by Vivier (pipelines/dagster_home.py). Delete this line to keep your own edits."
# Earlier versions wrote only this: it is replaced as well.
OLD_DEFAULT = "telemetry:\n  enabled: false\n"
DAGSTER_YAML = f"""{MARKER}
telemetry:
  enabled: false
# No first-visit dialog asking for an email and the Dagster newsletter (Dagster's
# instance setting `nux`; without it the UI on localhost shows it until someone dismisses it).
nux:
  enabled: false
# One run at a time: DuckDB has one writer, and a second run would only wait
# for the first to publish the warehouse (docs/operations.md).
concurrency:
  runs:
    max_concurrent_runs: 1
"""

# The first step past one machine (docs/scaling.md): runs, events and schedules in PostgreSQL, so
# that the webserver, the daemon and the runs can live on different machines. Read from the environment.
POSTGRES_STORAGE = """# Runs, event logs and schedules in PostgreSQL (docs/scaling.md).
storage:
  postgres:
    postgres_db:
      hostname: {env: DAGSTER_PG_HOST}
      port: {env: DAGSTER_PG_PORT}
      db_name: {env: DAGSTER_PG_DB}
      username: {env: DAGSTER_PG_USER}
      password: {env: DAGSTER_PG_PASSWORD}
      # dagster-postgres brings psycopg2; SQLAlchemy 2.1 would otherwise look for psycopg 3.
      scheme: postgresql+psycopg2
"""


def default_dagster_home() -> Path:
    """Gives DAGSTER_HOME, set to the repository's .dagster_home when unset."""
    return Path(os.environ.setdefault("DAGSTER_HOME", str(Path(".dagster_home").resolve())))


def ensure_dagster_home(home: Path, extra: str = "") -> Path:
    """Creates `home` with Vivier's dagster.yaml (plus `extra` settings); leaves a dagster.yaml
    someone edited alone. Gives the path of dagster.yaml."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    current = config.read_text() if config.exists() else None
    if current is None or current == OLD_DEFAULT or current.startswith(MARKER):
        config.write_text(DAGSTER_YAML + extra)
    return config
