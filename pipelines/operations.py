"""When the nightly refresh runs: every night at 02:00 Paris time, and when extracts land.

The sensor's decision is a pure function of two listings of the landing folder
(name, size, modification time), so it is tested without Dagster; the sensor
itself only lists the folder, calls it and keeps the listing as its cursor.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pipelines.ingest.files import extract_of, landing_files
from pipelines.settings import load_settings, sensor_interval_seconds

NIGHTLY_CRON = "0 2 * * *"
NIGHTLY_TIMEZONE = "Europe/Paris"
# A file modified this recently may still be being copied in: the sensor waits for a later tick.
SETTLE_SECONDS = 5.0

# What the sensor remembers of a landing file: (size in bytes, modification time in nanoseconds).
Listing = dict[str, tuple[int, int]]


def list_landing(landing_dir: Path) -> Listing:
    """Gives the name, size and modification time of each landing file that belongs to an extract."""
    listing = {}
    for path in landing_files(landing_dir):
        if extract_of(path.name) is None:
            continue
        try:
            stat = path.stat()
        except FileNotFoundError:  # removed between the listing and the stat
            continue
        listing[path.name] = (stat.st_size, stat.st_mtime_ns)
    return listing


@dataclass(frozen=True)
class LandingDecision:
    """What the sensor does on a tick: whether to start a run, why, and the listing to remember."""

    run: bool
    reason: str
    remember: Listing
    changed: tuple[str, ...] = ()

    @property
    def run_key(self) -> str:
        """Gives a key that names this state of the landing folder: Dagster never starts two runs with one key."""
        return hashlib.sha256(json.dumps(sorted(self.remember.items())).encode()).hexdigest()[:16]


def decide(
    previous: Listing | None, current: Listing, now_ns: int, settle_seconds: float = SETTLE_SECONDS
) -> LandingDecision:
    """Gives the sensor's decision: a run when a landing file was added or changed (name, size, modification
    time) since the listing remembered, once every such file has been left alone for `settle_seconds`.

    With nothing remembered (the sensor's first tick) the folder is only remembered: the nightly schedule
    loads what was already there. Removed files are forgotten without a run."""
    if previous is None:
        return LandingDecision(
            False, f"Watching {len(current)} landing file(s); a run starts when one is added or changed.", current
        )
    changed = tuple(sorted(name for name, seen in current.items() if previous.get(name) != seen))
    settling = [n for n in changed if now_ns - current[n][1] < settle_seconds * 1e9]
    if settling:
        # Remember the old listing so these files still count as changed on the next tick.
        return LandingDecision(False, f"Waiting for {', '.join(settling)} to stop changing.", previous)
    if not changed:
        removed = sorted(set(previous) - set(current))
        reason = (
            f"{', '.join(removed)} removed; no run for a removal." if removed else "No landing file added or changed."
        )
        return LandingDecision(False, reason, current)
    return LandingDecision(True, f"Added or changed: {', '.join(changed)}.", current, changed)


def nightly_schedule(job: dg.UnresolvedAssetJobDefinition) -> dg.ScheduleDefinition:
    """Gives the schedule that refreshes everything at 02:00 Paris time, summer and winter."""

    @dg.schedule(
        name="nightly_refresh_schedule",
        job=job,
        cron_schedule=NIGHTLY_CRON,
        execution_timezone=NIGHTLY_TIMEZONE,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="The refresh every night at 02:00, Paris time: the assets whose inputs or code changed "
        "(pipelines/refresh.py); none when nothing changed.",
    )
    def nightly_refresh_schedule(context: dg.ScheduleEvaluationContext):
        from pipelines.refresh import refresh_request

        return refresh_request(context.instance, context.repository_def, load_settings())

    return nightly_refresh_schedule


def landing_sensor(job: dg.UnresolvedAssetJobDefinition) -> dg.SensorDefinition:
    """Gives the sensor that starts the refresh when extracts are added to or changed in the landing folder."""

    @dg.sensor(
        name="landing_files_sensor",
        job=job,
        minimum_interval_seconds=sensor_interval_seconds(),
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Starts the refresh when a landing file is added or changed (by name, size and "
        "modification time), once per state of the folder.",
    )
    def landing_files_sensor(context: dg.SensorEvaluationContext):
        landing_dir = load_settings().landing_dir
        previous = {name: tuple(seen) for name, seen in json.loads(context.cursor).items()} if context.cursor else None
        decision = decide(previous, list_landing(landing_dir), time.time_ns())
        context.update_cursor(json.dumps(decision.remember))
        if not decision.run:
            return dg.SkipReason(decision.reason)
        context.log.info(f"{landing_dir}: {decision.reason}")
        from pipelines.refresh import refresh_request

        return refresh_request(
            context.instance,
            context.repository_def,
            load_settings(),
            run_key=decision.run_key,
            tags={"vivier/changed_files": _short(decision.changed)},
        )

    return landing_files_sensor


def _short(names: tuple[str, ...]) -> str:
    text = ", ".join(names)
    return text if len(text) <= 200 else text[:197] + "..."
