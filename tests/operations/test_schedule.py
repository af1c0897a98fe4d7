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


def test_a_tick_requests_the_whole_nightly_refresh():
    schedule = defs.resolve_schedule_def("nightly_refresh_schedule")
    with dg.DagsterInstance.ephemeral() as instance:
        context = dg.build_schedule_context(
            instance=instance, scheduled_execution_time=dt.datetime(2026, 7, 1, 2, tzinfo=PARIS)
        )
        result = schedule.evaluate_tick(context)
    assert len(result.run_requests) == 1
    assert schedule.job_name == "nightly_refresh"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
