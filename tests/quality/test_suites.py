"""The suites as data: one per table, named as predicates, each with its fix; and the
Dagster checks they become. Nothing here runs Great Expectations."""

from __future__ import annotations

import re
import subprocess
import sys

import dagster as dg
import pytest

from pipelines.ingest.contract import EXTRACTS
from pipelines.quality.checks import (
    CHECK_NAME,
    OTHER_TABLES_CHECK,
    WARNINGS_CHECK,
    build_suite_checks,
    check_result,
    check_results,
    parameters,
    quality_checks,
)
from pipelines.quality.gx import Outcome
from pipelines.quality.suites import (
    BLOCKING,
    WARNING,
    Suite,
    blocking,
    is_found_in,
    load_suites,
    staging_suite,
    warning,
)

SUITES = {s.table: s for s in load_suites()}
PREDICATE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")


def test_every_staging_table_and_the_workforce_marts_have_a_suite():
    assert {f"staging.{name}" for name in EXTRACTS} <= set(SUITES)
    assert {"marts.workforce_monthly", "marts.turnover_12m", "marts.time_to_fill"} <= set(SUITES)


@pytest.mark.parametrize("suite", SUITES.values(), ids=lambda s: s.table)
def test_expectations_are_predicates_with_a_fix_and_a_severity(suite: Suite):
    assert suite.source == f"expectations/{suite.table.replace('.', '_')}.py"
    for e in suite.expectations:
        assert PREDICATE.match(e.name), e.name
        assert e.type.startswith("expect_"), e.type
        assert e.severity in (BLOCKING, WARNING)
        assert len(e.fix) > 20, e.name
    # Required fields (keys included) block.
    if suite.table.startswith("staging."):
        names = {e.name for e in suite.expectations if e.severity == BLOCKING}
        assert names & {"required_fields_are_filled", "keys_are_filled"}, names


def test_the_batch_query_reads_the_columns_the_expectations_name_and_adds_theirs():
    sql = SUITES["staging.placements"].batch_sql()
    assert sql.startswith("SELECT t.start_date,\n")  # the date pairs; the key is counted in SQL (keys_are_unique)
    assert "t.*" not in sql and "t.child_id," not in sql and "t.placement_id," not in sql  # nothing else is read
    assert "AS carer_employment_start_date" in sql and "FROM staging.placements t" in sql
    assert "count(*) OVER (PARTITION BY t.placement_id) > 1" in sql
    # Failing rows are named apart, by their ids; the table's order keeps their examples the same run after run.
    assert sql.endswith("t.rowid AS _row\nFROM staging.placements t\nORDER BY _row")
    assert "t.source_file || ' row ' || t.source_row" in SUITES["staging.placements"].row_names_sql()


def test_pseudonyms_and_birth_dates_are_never_shown():
    suite = SUITES["staging.placements"]
    assert suite.is_private("carer_id") and suite.is_private("child_birth_date")
    assert suite.is_private("carer_id_not_in_foster_carers")  # a column named after one
    assert not suite.is_private("start_date")


def test_each_suite_is_one_step_with_a_blocking_check_and_a_warning_check():
    checks = {c.node_def.name: c for c in quality_checks}
    staff = checks["staging__staff__expectations"]
    assert [(s.name, s.blocking, s.asset_key) for s in staff.check_specs] == [
        (CHECK_NAME, True, dg.AssetKey(["staging", "staff"])),
        (WARNINGS_CHECK, False, dg.AssetKey(["staging", "staff"])),
    ]
    blocking_spec, warning_spec = staff.check_specs
    # What a failure means and what to do, in a sentence; the expectations, technical, below it.
    assert blocking_spec.description.startswith("Rules the staff extract must meet for the figures computed from it")
    assert "keys_are_unique" in blocking_spec.description.split("\n\n")[1]
    assert "row_count_is_stable" not in blocking_spec.description
    assert warning_spec.description.startswith(
        "Warnings on the staff extract, values that look wrong: when one fails, "
    )
    assert "nothing is stopped" in warning_spec.description.split("\n\n")[0]
    assert "row_count_is_stable" in warning_spec.description.split("\n\n")[1]
    assert "keys_are_unique" not in warning_spec.description


def test_a_suite_of_one_severity_has_only_that_check():
    checks = {c.node_def.name: c for c in quality_checks}
    period = checks["staging__reporting_period__expectations"]
    assert [(s.name, s.blocking) for s in period.check_specs] == [(CHECK_NAME, True)]


TERRITORIES = Suite(
    "staging.territories",
    [
        blocking(
            "keys_are_unique",
            "expect_column_values_to_be_unique",
            "Give every territory its own id.",
            column="territory_id",
        ),
        warning(
            "names_are_filled",
            "expect_column_values_to_not_be_null",
            "Give every territory its name.",
            column="territory_name",
        ),
    ],
)


def outcomes(*passed: bool) -> list[Outcome]:
    return [Outcome(e, ok, None if ok else 2) for e, ok in zip(TERRITORIES.expectations, passed, strict=True)]


NAMES = {BLOCKING: CHECK_NAME, WARNING: WARNINGS_CHECK}


def results(*passed: bool) -> dict[str, dg.AssetCheckResult]:
    """Gives the two checks' results of one validation of TERRITORIES, by check name."""
    return {r.check_name: r for r in check_results(TERRITORIES, NAMES, outcomes(*passed))}


def test_a_failed_blocking_expectation_fails_the_blocking_check_with_severity_error():
    found = results(False, True)
    blocking_check, warning_check = found[CHECK_NAME], found[WARNINGS_CHECK]
    assert (blocking_check.passed, blocking_check.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert blocking_check.description == (
        "Blocking: in the territories extract, 2 rows break 1 rule (keys are unique); the figures computed from it "
        "are not updated in this run. What to do: Give every territory its own id.\n\n"
        "territories extract: keys_are_unique failed: 2 row(s). Fix: Give every territory its own id."
    )
    assert warning_check.passed and warning_check.description is None


def test_failed_warnings_alone_fail_only_the_warning_check_with_severity_warn():
    found = results(True, False)
    assert found[CHECK_NAME].passed
    warning_check = found[WARNINGS_CHECK]
    assert (warning_check.passed, warning_check.severity) == (False, dg.AssetCheckSeverity.WARN)
    assert warning_check.description.startswith(
        "Warning, nothing stopped: in the territories extract, 2 rows break 1 rule (names are filled). "
        "What to do: Give every territory its name.\n\nterritories extract: names_are_filled failed"
    )
    assert "Blocking" not in warning_check.description and "blocking" not in warning_check.description


def test_when_both_fail_each_check_says_its_own():
    found = results(False, False)
    assert found[CHECK_NAME].severity == dg.AssetCheckSeverity.ERROR
    assert "names_are_filled" not in found[CHECK_NAME].description
    assert found[WARNINGS_CHECK].severity == dg.AssetCheckSeverity.WARN
    assert "keys_are_unique" not in found[WARNINGS_CHECK].description


def test_several_failed_rules_send_the_reader_to_each_fix():
    two = Suite(
        "staging.territories",
        [
            *TERRITORIES.expectations[1:],
            warning(
                "ids_are_short",
                "expect_column_value_lengths_to_be_between",
                "Shorten territory ids.",
                column="territory_id",
            ),
        ],
    )
    failed = [Outcome(e, False, 1) for e in two.expectations]
    result = check_result(two, WARNINGS_CHECK, failed)
    assert result.description.startswith(
        "Warning, nothing stopped: in the territories extract, 2 rows break 2 rules (names are filled; ids are "
        "short). What to do: see each rule's fix below.\n\n"
    )


def test_a_check_that_passes_lists_no_failure():
    result = check_result(TERRITORIES, CHECK_NAME, outcomes(True, True))
    assert result.passed and result.description is None and result.metadata["failed"].value == 0


def test_warnings_that_read_a_table_not_upstream_run_apart_and_never_block():
    checks = {c.node_def.name: c for c in quality_checks}
    apart = checks["staging__job_postings__expectations_on_other_tables"]
    assert [(s.name, s.blocking) for s in apart.check_specs] == [(OTHER_TABLES_CHECK, False)]
    # the main step of job_postings does not wait for staff: a failed staff file leaves the recruitment marts alone
    main = checks["staging__job_postings__expectations"]
    assert dg.AssetKey(["staging", "staff"]) not in {d.asset_key for s in main.check_specs for d in s.additional_deps}


def test_a_blocking_expectation_may_not_read_a_table_the_checked_one_does_not_wait_for():
    suite = staging_suite("job_postings", is_found_in("contract_id", "staging.staff"))
    with pytest.raises(ValueError, match="blocking expectations may read only tables"):
        build_suite_checks(suite)


def test_two_expectations_of_one_name_are_refused():
    twice = [blocking("keys_are_unique", "expect_column_values_to_be_unique", "Give every row its id.", column="a")] * 2
    with pytest.raises(ValueError, match="used twice: keys_are_unique"):
        Suite("staging.territories", twice)


def test_row_count_may_fall_by_a_fifth_at_most():
    assert parameters(1000) == {"min_row_count": 800}
    assert parameters(None) == {"min_row_count": 0}


def test_loading_the_definitions_does_not_import_great_expectations():
    code = "import sys, pipelines.definitions; print('great_expectations' in sys.modules, 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split()[0] == "False"
