"""The as-of rule is said in the same words by `vivier --help`, the README, the run summary and the contract."""

from __future__ import annotations

import re
from datetime import date

import duckdb
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.paths import ROOT
from pipelines.progress import RunOutcome
from pipelines.summary import AS_OF_RULE, as_of_lines, run_summary


def words(text: str) -> str:
    """Gives `text` with every run of spaces and line breaks (and the README's table bars) as one space."""
    return re.sub(r"\s+", " ", text)


def test_help_readme_and_contract_say_the_rule_in_the_same_words():
    assert "the last day of the latest month whose last day is on or before the latest event date" in AS_OF_RULE
    help_text = words(CliRunner().invoke(main, ["--help"]).output)
    assert f"The as-of date (the last day reported) is VIVIER_AS_OF if set, else {AS_OF_RULE}." in help_text
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `VIVIER_AS_OF`"))
    assert row.endswith(f"| {AS_OF_RULE} |")
    contract = words((ROOT / "docs" / "contract.md").read_text(encoding="utf-8"))
    assert f"The as-of date, unless `VIVIER_AS_OF` sets it, is {AS_OF_RULE}" in contract


def period(source: str, latest: date | None) -> dict:
    return {
        "as_of_date": date(2026, 6, 30),
        "first_month": date(2016, 7, 1),
        "latest_event_date": latest,
        "as_of_source": source,
        "extracts_not_loaded": "",
    }


def test_the_summary_says_the_rule_in_the_same_words_and_the_latest_event_date(tmp_path):
    warehouse = tmp_path / "vivier.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE SCHEMA staging")
        con.execute(
            "CREATE TABLE staging.reporting_period AS SELECT DATE '2026-06-30' AS as_of_date, "
            "DATE '2026-06-01' AS as_of_month, DATE '2016-07-01' AS first_month, 120 AS history_months, "
            "DATE '2026-07-03' AS latest_event_date, 'latest event date in the extracts' AS as_of_source, "
            "'' AS extracts_not_loaded"
        )
    text = run_summary(warehouse, RunOutcome(success=True), [])
    assert "\nAs-of date 2026-06-30 (the last day reported); months reported from 2016-07-01.\n  VIVIER_AS_OF" in text
    assert f"VIVIER_AS_OF is not set, so the as-of date is {AS_OF_RULE}." in words(text)
    assert "\n  The latest event date is 2026-07-03.\n" in text
    assert all(len(line) <= 112 for line in text.splitlines() if "VIVIER_AS_OF is" in line or "dates)" in line)


def test_the_summary_names_vivier_as_of_when_it_sets_the_date():
    assert as_of_lines(period("VIVIER_AS_OF", date(2026, 7, 3))) == [
        "As-of date 2026-06-30 (the last day reported); months reported from 2016-07-01.",
        "  Set by VIVIER_AS_OF.",
    ]
