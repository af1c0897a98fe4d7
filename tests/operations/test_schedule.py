"""The nightly schedule: 02:00 in Paris, whatever the season."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg
from dagster._utils.schedules import cron_string_iterator  # what the daemon uses to find the next tick

from pipelines.definitions import defs

PARIS = ZoneInfo("Europe/Paris")


def next_ticks(after: dt.datetime, count: int) -> list[dt.datetime]:
    schedule = defs.resolve_schedule_def("nightly_refresh_schedule")
    ticks = cron_string_iterator(after.timestamp(), schedule.cron_schedule, schedule.execution_timezone)
    return [next(ticks).astimezone(dt.UTC) for _ in range(count)]


def test_the_refresh_runs_at_two_in_the_morning_paris_time_in_winter_and_in_summer():
    # Clocks go forward on 29 March 2026: 02:00 Paris is 01:00 UTC before, 00:00 UTC after.
    ticks = next_ticks(dt.datetime(2026, 3, 27, 12, tzinfo=PARIS), 3)
    assert ticks == [
        dt.datetime(2026, 3, 28, 1, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 29, 1, tzinfo=dt.UTC),  # 02:00 does not exist that night: 03:00 CEST
        dt.datetime(2026, 3, 30, 0, tzinfo=dt.UTC),
    ]
    assert all(t.astimezone(PARIS).hour in (2, 3) for t in ticks)


def test_a_first_tick_requests_every_asset_of_the_nightly_refresh(tmp_path, monkeypatch):
    monkeypatch.setenv("VIVIER_LANDING_DIR", str(tmp_path))
    monkeypatch.setenv("VIVIER_WAREHOUSE", str(tmp_path / "vivier.duckdb"))
    schedule = defs.resolve_schedule_def("nightly_refresh_schedule")
    with dg.instance_for_test() as instance:  # a schedule's context needs an instance on disk, as the daemon's
        context = dg.build_schedule_context(
            instance=instance,
            scheduled_execution_time=dt.datetime(2026, 7, 1, 2, tzinfo=PARIS),
            repository_def=defs.get_repository_def(),
        )
        result = schedule.evaluate_tick(context)
    # Nothing materialised yet: every asset of the job (a night with nothing new is skipped: test_refresh.py).
    assert len(result.run_requests) == 1
    (request,) = result.run_requests
    job_assets = defs.resolve_job_def("nightly_refresh").asset_layer.selected_asset_keys
    assert set(request.asset_selection) == set(job_assets) and len(job_assets) == 50
    assert request.tags["vivier/refresh"] == "50 rebuilt, 0 unchanged"
    assert schedule.job_name == "nightly_refresh"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
