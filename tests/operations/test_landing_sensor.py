"""The landing sensor: a run when an extract file is added or changed, never twice for one state of the folder."""

from __future__ import annotations

import json
import os
import time

import dagster as dg

from pipelines.definitions import defs
from pipelines.operations import decide, list_landing

SECOND = 10**9
NOW = 1_800_000_000 * SECOND
OLD = NOW - 60 * SECOND  # written a minute ago: settled


def test_the_first_tick_only_remembers_the_folder():
    decision = decide(None, {"staff.csv": (10, OLD)}, NOW)
    assert not decision.run
    assert decision.remember == {"staff.csv": (10, OLD)}


def test_an_added_file_starts_a_run():
    decision = decide({"staff.csv": (10, OLD)}, {"staff.csv": (10, OLD), "staff_2026-07.csv": (5, OLD)}, NOW)
    assert decision.run
    assert decision.changed == ("staff_2026-07.csv",)


def test_a_new_size_or_a_new_modification_time_is_a_change():
    before = {"staff.csv": (10, OLD)}
    assert decide(before, {"staff.csv": (11, OLD)}, NOW).run
    assert decide(before, {"staff.csv": (10, OLD + 1)}, NOW).run


def test_the_same_files_do_not_start_a_second_run():
    listing = {"staff.csv": (10, OLD)}
    first = decide({}, listing, NOW)
    again = decide(first.remember, listing, NOW + 30 * SECOND)
    assert first.run and not again.run


def test_a_file_still_being_written_waits_and_is_still_a_change_on_the_next_tick():
    before = {"staff.csv": (10, OLD)}
    copying = {"staff.csv": (10, OLD), "placements.csv": (999, NOW - SECOND)}
    waiting = decide(before, copying, NOW, settle_seconds=5)
    assert not waiting.run and "placements.csv" in waiting.reason
    later = decide(waiting.remember, copying, NOW + 10 * SECOND, settle_seconds=5)
    assert later.run and later.changed == ("placements.csv",)


def test_a_removed_file_is_forgotten_without_a_run():
    decision = decide({"staff.csv": (10, OLD), "old.csv": (1, OLD)}, {"staff.csv": (10, OLD)}, NOW)
    assert not decision.run and "old.csv" in decision.reason
    assert decision.remember == {"staff.csv": (10, OLD)}


def test_one_state_of_the_folder_has_one_run_key():
    a = decide({}, {"staff.csv": (10, OLD), "placements.csv": (3, OLD)}, NOW)
    b = decide({"x.csv": (1, 1)}, {"placements.csv": (3, OLD), "staff.csv": (10, OLD)}, NOW)
    c = decide({}, {"staff.csv": (11, OLD), "placements.csv": (3, OLD)}, NOW)
    assert a.run_key == b.run_key != c.run_key


def test_the_listing_keeps_extract_files_only(tmp_path):
    (tmp_path / "staff.csv").write_text("a\n")
    (tmp_path / "notes.txt").write_text("not an extract")
    (tmp_path / ".staff.csv.swp").write_text("hidden")
    (tmp_path / "_truth").mkdir()
    (tmp_path / "_truth" / "staff.csv").write_text("a sub-folder is not read")
    listing = list_landing(tmp_path)
    assert listing == {"staff.csv": (2, (tmp_path / "staff.csv").stat().st_mtime_ns)}


def test_the_sensor_requests_one_run_per_change_of_the_landing_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("VIVIER_LANDING_DIR", str(tmp_path))
    monkeypatch.setenv("VIVIER_WAREHOUSE", str(tmp_path / "warehouse" / "vivier.duckdb"))
    sensor = defs.resolve_sensor_def("landing_files_sensor")
    staff = tmp_path / "staff.csv"
    staff.write_text("employee_id\n1\n")
    settled = time.time() - 60
    os.utime(staff, (settled, settled))

    with dg.DagsterInstance.ephemeral() as instance:

        def tick(cursor):
            context = dg.build_sensor_context(
                instance=instance, cursor=cursor, repository_def=defs.get_repository_def()
            )
            return sensor.evaluate_tick(context)

        first = tick(None)
        assert not first.run_requests and "Watching 1 landing file" in first.skip_message
        (tmp_path / "placements_2026-07.csv").write_text("placement_id\np1\n")
        os.utime(tmp_path / "placements_2026-07.csv", (settled, settled))
        second = tick(first.cursor)
        assert [r.job_name or "nightly_refresh" for r in second.run_requests] == ["nightly_refresh"]
        assert second.run_requests[0].tags["vivier/changed_files"] == "placements_2026-07.csv"
        assert set(json.loads(second.cursor)) == {"staff.csv", "placements_2026-07.csv"}
        third = tick(second.cursor)
        assert not third.run_requests and third.skip_message == "No landing file added or changed."
