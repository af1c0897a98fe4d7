"""The versions the refresh compares (pipelines/versions.py, `landing_observations`): what changes an
extract's data version, what does not, and what the settings' version tells. No run: each case
observes a landing folder before and after one change, as `vivier run` does before it plans."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from pipelines.ingest.assets import LANDING, SETTINGS, landing_observations
from pipelines.paths import REFERENCE_DIR
from pipelines.settings import load_settings
from pipelines.versions import code_version, files_version
from tests.conftest import vivier_env

STAFF = "employee_id,contract_id\nM1,C1\n"


@pytest.fixture
def landing(tmp_path) -> Path:
    folder = tmp_path / "landing"
    folder.mkdir()
    (folder / "staff.csv").write_text(STAFF)
    (folder / "applications.csv").write_text("application_id\nA1\n")
    return folder


def versions(landing: Path, **env: str) -> dict[str, str]:
    with vivier_env(**{"VIVIER_LANDING_DIR": str(landing), "VIVIER_AS_OF": ""} | env):
        settings = load_settings()
    return {key.to_user_string(): version for key, (version, _) in landing_observations(settings).items()}


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {k for k in before if before[k] != after[k]}


def test_a_file_touched_but_not_changed_keeps_its_version(landing):
    before = versions(landing)
    os.utime(landing / "staff.csv", (1, 1))  # a copy that kept the bytes, not the time
    assert changed(before, versions(landing)) == set()


def test_the_same_name_and_size_with_other_bytes_is_a_new_version(landing):
    before = versions(landing)
    (landing / "staff.csv").write_text(STAFF.replace("M1", "M2"))  # same size
    assert changed(before, versions(landing)) == {"landing/staff"}


def test_a_file_renamed_added_or_removed_is_a_new_version_of_its_extract_only(landing):
    before = versions(landing)
    (landing / "staff.csv").rename(landing / "staff_2026-06.csv")
    assert changed(before, versions(landing)) == {"landing/staff"}
    before = versions(landing)
    (landing / "applications_2026-07.csv").write_text("application_id\nA2\n")
    assert changed(before, versions(landing)) == {"landing/applications"}
    before = versions(landing)
    (landing / "applications_2026-07.csv").unlink()
    assert changed(before, versions(landing)) == {"landing/applications"}


def test_a_removed_marker_and_a_link_that_cannot_be_reached_change_the_version(landing):
    before = versions(landing)
    (landing / "placements.removed").write_text("")
    assert changed(before, versions(landing)) == {"landing/placements"}
    before = versions(landing)
    (landing / "carer_events.csv").symlink_to(landing / "gone.csv")
    assert changed(before, versions(landing)) == {"landing/carer_events"}


def test_a_reference_list_copied_unchanged_into_the_landing_folder_keeps_its_version(landing):
    before = versions(landing)
    shutil.copy(REFERENCE_DIR / "job_families.csv", landing / "job_families.csv")
    assert changed(before, versions(landing)) == set()
    (landing / "job_families.csv").write_text((REFERENCE_DIR / "job_families.csv").read_text() + "\n")
    assert changed(before, versions(landing)) == {"landing/job_families"}


def test_no_file_and_an_empty_extract_have_the_versions_of_their_states(landing):
    observed = versions(landing)
    assert observed["landing/foster_carers"] == files_version([]) == versions(landing)["landing/placements"]
    assert observed["landing/staff"] != files_version([])


def test_the_settings_version_changes_with_each_setting_and_shows_nothing_of_the_key(landing):
    key = "a-secret-pseudonym-key-of-32-chars!"
    base = versions(landing, VIVIER_PSEUDONYM_KEY=key)
    for env in (
        {"VIVIER_PSEUDONYM_KEY": key + "x"},
        {"VIVIER_PSEUDONYM_KEY": key, "VIVIER_HISTORY_MONTHS": "60"},
        {"VIVIER_PSEUDONYM_KEY": key, "VIVIER_AS_OF": "2026-05-31"},
    ):
        other = versions(landing, **env)
        assert changed(base, other) == {SETTINGS.to_user_string()}, env
    assert key not in str(base) and key[:8] not in base[SETTINGS.to_user_string()]
    assert set(base) == {k.to_user_string() for k in LANDING.values()} | {SETTINGS.to_user_string()}


def test_the_code_version_changes_with_any_file_that_computes_a_table(tmp_path):
    for folder in ("pipelines", "sql", "expectations"):
        (tmp_path / folder).mkdir()
    (tmp_path / "pipelines" / "marts.py").write_text("RATE = 1\n")
    (tmp_path / "sql" / "view.sql").write_text("SELECT 1\n")
    (tmp_path / "README.md").write_text("words\n")
    before = code_version(tmp_path)
    (tmp_path / "README.md").write_text("other words\n")
    assert code_version(tmp_path) == before
    (tmp_path / "sql" / "view.sql").write_text("SELECT 2\n")
    assert code_version(tmp_path) != before


def test_the_settings_record_is_what_the_version_reads():
    # A new setting that changes results must be added to `settings_version`: this lists those it covers.
    fields = {f.name for f in dataclasses.fields(load_settings())}
    assert fields == {
        "landing_dir",  # where the files are: their names and contents are the extracts' versions
        "warehouse",
        "report_dir",
        "pseudonym_key",  # in the settings' version
        "history_months",  # in the settings' version
        "as_of",  # in the settings' version
        "sensor_interval_seconds",
        "departement",  # the report only
    }
