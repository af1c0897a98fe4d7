"""Runs: extracts gone the night after, reference files, dates beyond the data, failures explained
(issue 13, sections 1 and 4).

What these kinds must show is mostly the run's: an extract that fails, what the summary says,
which marts still run. The catalogue's test checks what it can (the rows, nothing lost, nothing
personal); `also` names the test of the run."""

from __future__ import annotations

from pipelines.paths import REFERENCE_DIR
from tests.quality.case import STAFF, Case

NIGHTS = "tests/operations/test_night_after.py"
FAILURES = "tests/ingest/test_run_failures.py"
SHIPPED_JOB_FAMILIES = len((REFERENCE_DIR / "job_families.csv").read_text(encoding="utf-8").strip().splitlines()) - 1
NOT_TEXT = bytes(range(256)) * 4

CASES: list[Case] = [
    Case(
        "files_gone_the_night_after",
        "The night after a good load, the extract's file is gone (deleted, an empty landing folder)",
        "staff",
        {"staff.csv": None},
        before={},
        check=("row_count_is_stable", "warning"),
        also=f"{NIGHTS}: the run fails the extract naming what the last load read, and publishes its tables as "
        "they were (test_a_file_gone_..., test_an_empty_landing_folder_..., test_a_link_to_a_share_...)",
    ),
    Case(
        "header_only_the_night_after",
        "The night after a good load, the extract's file holds its header and no "
        "row (an export whose query found nothing)",
        "staff",
        {"staff.csv": STAFF.splitlines()[0] + "\n"},
        before={},
        check=("row_count_is_stable", "warning"),
        also=f"{NIGHTS}: the run fails the extract naming what the last load read, and keeps its tables "
        "(test_a_file_with_a_header_and_no_row_...)",
    ),
    Case(
        "extract_removed_on_purpose",
        "An extract removed on purpose: its file deleted and an empty carer_events.removed put in the landing folder",
        "carer_events",
        {"carer_events.csv": None, "carer_events.removed": ""},
        loaded=lambda f: f.height == 0,
        also=f"{NIGHTS}::test_an_extract_removed_on_purpose_..., test_a_removed_extract_whose_file_is_back_...",
    ),
    Case(
        "bad_carer_file_other_marts_run",
        "A foster-carer file that is not text, beside good workforce extracts",
        "foster_carers",
        {"foster_carers.csv": NOT_TEXT},
        file_error="neither UTF-8 nor Windows-1252",
        also=f"{NIGHTS}::test_a_bad_foster_carer_file_...: the workforce marts are computed, the carer marts "
        f"are not, the as-of date keeps the carers' last dates; {FAILURES}::test_the_period_starts_after_...",
    ),
    Case(
        "reference_file_with_a_longer_name",
        "A list of the payroll's job codes named job_families_paie.csv beside the extracts",
        "job_families",
        {"job_families_paie.csv": "job_family;label_fr;segur_group\nEDUC-SPE;Éducateur spécialisé;SOIN\n"},
        loaded=lambda f: f.height == SHIPPED_JOB_FAMILIES and set(f["source_file"]) == {"job_families.csv"},
        also=f"{FAILURES}::test_a_reference_list_is_replaced_only_by_a_file_of_its_exact_name_...: the run "
        "warns that it matches no extract",
    ),
    Case(
        "control_characters_in_a_file_name",
        "A file name holding terminal control characters (clear the screen, "
        "back to the start of the line, a fake 'Run succeeded.')",
        "staff",
        {"staff.csv": None, "staff\x1b[2J\x1b[H\rRun succeeded.csv": STAFF},
        loaded=lambda f: f.height == 5,
        also=f"{NIGHTS}::test_control_characters_in_file_names_are_escaped_on_the_terminal",
    ),
]
