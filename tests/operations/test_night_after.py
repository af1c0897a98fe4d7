"""The night after a good load: files gone, an empty folder, a link to a share not mounted, a
broken extract, an extract removed on purpose. The published warehouse is then the previous
one, or holds the failed extract's tables exactly as before; never empty staging tables beside
marts kept from the previous run, never a mix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from tests.conftest import SEGUR_ESTIMATES, query, snapshot
from tests.quality.landing import EXTRACTS, write_landing

NOT_TEXT = bytes(range(256)) * 4


def vivier_run(landing: Path, warehouse: Path, home: Path, **env: str):
    settings = {
        "VIVIER_LANDING_DIR": str(landing),
        "VIVIER_WAREHOUSE": str(warehouse),
        "DAGSTER_HOME": str(home),
        "VIVIER_AS_OF": "",
    } | env
    return CliRunner().invoke(main, ["run"], env=settings)


@pytest.fixture(scope="module")
def good_night(tmp_path_factory) -> Path:
    """A warehouse published by a good load of the tiny landing folder."""
    folder = tmp_path_factory.mktemp("good")
    result = vivier_run(write_landing(folder / "landing"), folder / "vivier.duckdb", folder / "dagster")
    assert result.exit_code == 0, result.output
    return folder / "vivier.duckdb"


@pytest.fixture
def night(good_night, tmp_path):
    """The next night: the tiny landing folder (to change) and a copy of the published warehouse."""
    warehouse = tmp_path / "vivier.duckdb"
    shutil.copyfile(good_night, warehouse)
    return write_landing(tmp_path / "landing"), warehouse, snapshot(good_night, leave_out=SEGUR_ESTIMATES)


PERIOD = "staging.reporting_period"


def assert_unchanged(warehouse: Path, before: dict, not_loaded: str) -> None:
    """Every table as the good load left it (the marts the run computed again from the same rows
    included); the reporting period the same, naming the event extracts not loaded tonight."""
    after = snapshot(warehouse, leave_out=SEGUR_ESTIMATES)
    assert {t: r for t, r in after.items() if t != PERIOD} == {t: r for t, r in before.items() if t != PERIOD}
    assert after[PERIOD] == [row.replace(", '')", f", {not_loaded!r})") for row in before[PERIOD]]


def failures(output: str) -> list[str]:
    return [line for line in output.split("\nFailed:\n", 1)[1].split("\n\n")[0].splitlines()]


def test_a_file_gone_fails_its_extract_naming_the_last_load_and_the_warehouse_is_unchanged(night, tmp_path):
    landing, warehouse, before = night
    (landing / "staff.csv").unlink()
    result = vivier_run(landing, warehouse, tmp_path / "dagster")

    assert result.exit_code == 1
    assert failures(result.output) == [
        f"  - raw/staff: No file for the staff extract in {landing}: the last load read staff.csv (5 rows). Its "
        "tables are kept as they were. If the files are on a share, check that it is mounted; to remove the extract "
        "on purpose, put an empty file named staff.removed in the landing folder."
    ]
    assert "\nstaff                   FAILED  (its tables are those of its last load)\n" in result.output
    # staging.staff is last night's, and so are the marts built on it: nothing emptied, nothing mixed.
    assert_unchanged(warehouse, before, "staff")
    assert query(warehouse, "SELECT count(*) FROM staging.staff") == [(5,)]


def test_a_file_with_a_header_and_no_row_the_night_after_fails_and_keeps_the_tables(night, tmp_path):
    # An export that found nothing (a failed query) writes its header alone: loaded, it would
    # empty staff and every workforce mart, with "Run succeeded".
    landing, warehouse, before = night
    (landing / "staff.csv").write_text(EXTRACTS["staff.csv"].splitlines()[0] + "\n", encoding="utf-8")
    result = vivier_run(landing, warehouse, tmp_path / "dagster")

    assert result.exit_code == 1
    assert failures(result.output) == [
        "  - raw/staff: staff.csv hold(s) no row, only a header: the last load of the staff extract read staff.csv "
        "(5 rows). Its tables are kept as they were. Export the extract again; to empty it on purpose, delete its "
        "files and put an empty file named staff.removed in the landing folder."
    ]
    assert "Run FAILED" in result.output
    assert_unchanged(warehouse, before, "staff")


def test_an_empty_landing_folder_fails_every_extract_and_publishes_the_same_warehouse(night, tmp_path):
    landing, warehouse, before = night
    for path in landing.iterdir():
        path.unlink()
    result = vivier_run(landing, warehouse, tmp_path / "dagster")

    assert result.exit_code == 1
    failed = failures(result.output)
    # Every extract read from the landing folder; the shipped reference lists still load.
    assert len(failed) == 10
    assert "  - raw/carer_events: No file for the carer_events extract" in "\n".join(failed)
    assert "the last load read carer_events.csv (3 rows)" in "\n".join(failed)
    assert_unchanged(warehouse, before, "staff, placements, applications, job_postings, carer_enquiries, carer_events")
    assert "The reporting period" not in result.output  # computed again, from last night's tables
    assert "As-of date 2025-06-30 (the last day reported)" in result.output


def test_a_link_to_a_share_not_mounted_is_named_and_fails_its_extract(night, tmp_path):
    landing, warehouse, before = night
    (landing / "placements.csv").unlink()
    (landing / "placements.csv").symlink_to(tmp_path / "share" / "placements.csv")
    result = vivier_run(landing, warehouse, tmp_path / "dagster")

    assert result.exit_code == 1
    assert failures(result.output) == [
        f"  - raw/placements: placements.csv is a link to {tmp_path / 'share' / 'placements.csv'}, which cannot be "
        "reached. Is the share mounted? Put the file back, or remove the link. The placements tables are kept as "
        "they were."
    ]
    assert_unchanged(warehouse, before, "placements")


def test_a_bad_foster_carer_file_stops_the_carer_marts_only_and_the_as_of_date_keeps_their_last_dates(night, tmp_path):
    landing, warehouse, before = night
    (landing / "foster_carers.csv").write_bytes(NOT_TEXT)
    result = vivier_run(landing, warehouse, tmp_path / "dagster")

    assert result.exit_code == 1
    assert failures(result.output)[0].startswith("  - raw/foster_carers: foster_carers.csv: the text is neither")
    assert "\nfoster_carers           FAILED  (its tables are those of its last load)\n" in result.output
    assert "\nplacements             not run  (its tables are those of its last load)\n" in result.output
    skipped = result.output.split("Not run because an upstream asset failed: ", 1)[1].split("\n")[0].split(", ")
    assert {"marts/carer_capacity_monthly", "ml/carer_attrition_scores", "staging/placements"} <= set(skipped)
    assert not {"marts/workforce_monthly", "marts/turnover_12m", "staging/reporting_period"} & set(skipped)
    # The carer events (the latest event, 30/06/2025) were not loaded: their last load's dates keep the as-of date.
    assert "As-of date 2025-06-30 (the last day reported); months reported from 2015-07-01." in result.output
    assert (
        "  placements, carer_events: not loaded in this run; the as-of date uses the dates of their last load."
        in result.output
    )
    # The workforce marts were computed again (same extracts: same rows); the carers' kept as they were.
    assert_unchanged(warehouse, before, "placements, carer_events")


def test_a_bad_foster_carer_file_on_the_first_load_takes_the_as_of_date_from_the_extracts_that_loaded(tmp_path):
    landing = write_landing(tmp_path / "landing", {"foster_carers.csv": NOT_TEXT})
    result = vivier_run(landing, tmp_path / "vivier.duckdb", tmp_path / "dagster")

    assert result.exit_code == 1
    # No placement nor carer event was ever loaded: the latest event loaded is an application of 20/05/2025.
    assert "As-of date 2025-04-30 (the last day reported)" in result.output
    assert "The latest event date is 2025-05-20." in result.output
    assert "  placements, carer_events: never loaded; the as-of date is taken from the other extracts." in result.output
    assert query(tmp_path / "vivier.duckdb", "SELECT count(*) FROM marts.workforce_monthly")[0][0] > 0


def test_an_extract_removed_on_purpose_loads_empty_with_a_warning(night, tmp_path):
    landing, warehouse, _ = night
    (landing / "carer_events.csv").unlink()
    (landing / "carer_events.removed").write_text("")
    result = vivier_run(landing, warehouse, tmp_path / "dagster")

    assert (
        "  - carer_events.removed: the carer_events extract is removed on purpose; its tables are emptied."
        in result.output
    )
    assert "\ncarer_events                 0           0           0           0           0  -\n" in result.output
    assert query(warehouse, "SELECT count(*) FROM staging.carer_events") == [(0,)]
    assert "Failed:" not in result.output


def test_a_removed_extract_whose_file_is_back_fails_until_one_of_them_is_deleted(night, tmp_path):
    landing, warehouse, before = night
    (landing / "carer_events.removed").write_text("")
    result = vivier_run(landing, warehouse, tmp_path / "dagster")

    assert failures(result.output) == [
        "  - raw/carer_events: carer_events.removed says the carer_events extract is removed, but carer_events.csv "
        "is in the landing folder: delete one of them."
    ]
    assert_unchanged(warehouse, before, "carer_events")


def test_control_characters_in_file_names_are_escaped_on_the_terminal(tmp_path):
    # A name that would clear the screen, go back to the start of the line and print a verdict of its own.
    fake = "staff\x1b[2J\x1b[H\rRun succeeded.\n.csv"
    landing = write_landing(
        tmp_path / "landing",
        {"staff.csv": None, fake: EXTRACTS["staff.csv"], "notes\x1b]0;pwned\x07.csv": "a;b\n1;2\n"},
    )
    result = vivier_run(landing, tmp_path / "vivier.duckdb", tmp_path / "dagster", VIVIER_AS_OF="2025-06-30")

    assert result.exit_code == 0, result.output
    for control in ("\x1b", "\r", "\x07"):
        assert control not in result.output
    assert "notes\\x1b]0;pwned\\x07.csv matches no extract and is not read" in result.output
    # The file is read, under its name, and the only line that says how the run ended is the last.
    assert query(
        tmp_path / "vivier.duckdb", "SELECT source_file FROM quality.ingest_files WHERE extract = 'staff'"
    ) == [(fake,)]
    assert [line for line in result.output.splitlines() if line.startswith("Run ")] == ["Run succeeded."]
    # The staff file is read without a note, so its name, which holds the words of the verdict, is shown
    # nowhere, not even escaped: the verdict is said once.
    assert result.output.count("Run succeeded.") == 1
