"""The Great Expectations bridge on the tiny landing folder: no network, examples that point
at rows and never at people, results appended run after run, and what `vivier run` says."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import dagster as dg

from pipelines.progress import RunOutcome
from pipelines.quality.checks import check_suite
from pipelines.quality.messages import describe, technical_part
from pipelines.quality.suites import Suite, load_suites
from pipelines.summary import run_summary
from tests.conftest import query
from tests.quality.catalogue import CATALOGUE
from tests.quality.harness import check_staging, ingest, load_warehouse
from tests.quality.landing import write_landing

ROOT = Path(__file__).resolve().parents[2]


def loaded_warehouse(tmp_path, case_id: str | None = None):
    changes = next(c for c in CATALOGUE if c.id == case_id).changes if case_id else None
    return load_warehouse(ingest(write_landing(tmp_path / "landing", changes)), tmp_path / "w.duckdb")


def test_the_suites_run_with_the_network_unavailable(tmp_path):
    """Every socket refuses to connect before Great Expectations is even imported."""
    script = textwrap.dedent(f"""
        import json, socket
        attempts = []
        def refuse(*args, **kwargs):
            attempts.append(repr(args)[:80])
            raise OSError("network unavailable in this test")
        socket.socket.connect = socket.socket.connect_ex = refuse
        socket.create_connection = socket.getaddrinfo = refuse

        from pathlib import Path
        from pipelines.ingest.contract import LOAD_ORDER
        from tests.quality.harness import check_staging, ingest, load_warehouse
        from tests.quality.landing import write_landing
        landing = write_landing(Path({str(tmp_path / "landing")!r}))
        warehouse = load_warehouse(ingest(landing), Path({str(tmp_path / "w.duckdb")!r}))
        outcomes = [o for name in LOAD_ORDER for o in check_staging(warehouse, name)]
        import great_expectations
        print(json.dumps({{"attempts": attempts, "expectations": len(outcomes),
                          "errors": [o.error for o in outcomes if o.error],
                          "blocking_failed": [o.expectation.name for o in outcomes
                                              if not o.success and o.expectation.severity == "blocking"]}}))
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    found = json.loads(run.stdout.strip().splitlines()[-1])
    assert found["attempts"] == []
    assert found["expectations"] > 100 and found["errors"] == [] and found["blocking_failed"] == []


def test_examples_point_at_the_file_and_row_with_the_value_at_fault(tmp_path):
    outcomes = check_staging(loaded_warehouse(tmp_path, "contracts_above_full_time"), "staff")
    above = next(o for o in outcomes if o.expectation.name == "employee_fte_is_at_most_full_time")
    assert (above.success, above.unexpected_count, above.examples) == (False, 1, ("staff.csv row 4: 1.6",))


def test_no_frame_of_a_validation_stays_in_memory_after_it(tmp_path):
    # GX keeps the last batch and its metrics until the next validation: at national scale that held
    # 0.6 GB through the steps after the applications suite. A failing suite also runs its second pass.
    import gc

    import pandas as pd

    def frames() -> int:
        gc.collect()
        return sum(isinstance(o, pd.DataFrame | pd.Series) for o in gc.get_objects())

    warehouse = loaded_warehouse(tmp_path, "contracts_above_full_time")
    check_staging(warehouse, "job_families")  # GX's first use creates its context and data source
    before = frames()
    outcomes = check_staging(warehouse, "staff")
    assert any(not o.success for o in outcomes)
    assert frames() == before


def test_examples_never_show_a_pseudonym(tmp_path):
    outcomes = check_staging(loaded_warehouse(tmp_path, "approved_carer_unknown"), "carer_enquiries")
    unknown = next(o for o in outcomes if o.expectation.name == "carer_id_is_found_in_foster_carers")
    assert unknown.examples == ("carer_enquiries.csv row 2",)


def test_what_a_failure_says_names_the_extract_the_expectation_the_rows_and_the_fix(tmp_path):
    suite = next(s for s in load_suites() if s.table == "staging.placements")
    outcomes = check_staging(loaded_warehouse(tmp_path, "placement_before_carer_started"), "placements")
    text = describe(suite, [o for o in outcomes if not o.success and o.expectation.severity == "blocking"])
    # For the analyst, in the UI: what failed and what to do; then the technical names.
    assert text.startswith(
        "Blocking: in the placements extract, 1 row breaks 1 rule (start date is not before carer employment start "
        "date); the figures computed from it are not updated in this run. What to do: A placement starts before its "
        "foster carer was employed"
    )
    assert technical_part(text) == (
        "placements extract: start_date_is_not_before_carer_employment_start_date failed: 1 row(s), e.g. "
        "placements.csv row 4: start_date 2014-06-02, carer_employment_start_date 2015-03-01. Fix: A placement "
        "starts before its foster carer was employed: correct the placement's start_date, or the carer's "
        "employment_start_date in foster_carers."
    )


def test_results_are_appended_at_every_run_and_a_rerun_replaces_its_own(tmp_path):
    warehouse = loaded_warehouse(tmp_path)
    suite = next(s for s in load_suites() if s.table == "staging.staff")
    for run_id in ("run-1", "run-2", "run-2"):
        check_suite(suite, warehouse, run_id)
    rows = query(
        tmp_path / "w.duckdb",
        """SELECT run_id, count(*), count(DISTINCT checked_at), min(row_count)
        FROM quality.validation_results GROUP BY run_id ORDER BY run_id""",
    )
    n = len(suite.expectations)
    assert rows == [("run-1", n, 1, 5), ("run-2", n, 1, 5)]
    columns = [
        c
        for (c,) in query(
            tmp_path / "w.duckdb",
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'validation_results' ORDER BY ordinal_position",
        )
    ]
    assert columns[:6] == ["suite", "expectation", "success", "unexpected_count", "run_id", "checked_at"]


def test_a_drop_in_rows_against_the_last_run_is_a_warning(tmp_path):
    case = next(c for c in CATALOGUE if c.id == "half_exported")
    warehouse = loaded_warehouse(tmp_path)
    check_staging(warehouse, "staff", run_id="monday")
    half = load_warehouse(ingest(write_landing(tmp_path / "half", case.changes)), tmp_path / "w.duckdb")
    stable = next(
        o for o in check_staging(half, "staff", run_id="tuesday") if o.expectation.name == "row_count_is_stable"
    )
    assert (stable.success, stable.observed, stable.expected) == (False, "2", "at least 4")


def test_failed_checks_reach_the_summary_errors_as_failures_warnings_as_warnings(tmp_path):
    @dg.asset(key=["staging", "staff"])
    def staff():
        return None

    @dg.asset(key=["staging", "job_postings"])
    def job_postings():
        return None

    @dg.asset(key=["marts", "workforce_monthly"], deps=[staff])
    def workforce_monthly():
        return None

    @dg.asset(key=["marts", "time_to_fill"], deps=[job_postings])
    def time_to_fill():
        return None

    def suite_check(asset, severity, description):
        @dg.multi_asset_check(
            specs=[dg.AssetCheckSpec("expectations_are_met", asset=asset, blocking=True)],
            name=f"{asset.key.path[-1]}_expectations",
        )
        def expectations():
            yield dg.AssetCheckResult(
                check_name="expectations_are_met", passed=False, severity=severity, description=description
            )

        return expectations

    checks = [
        suite_check(staff, dg.AssetCheckSeverity.ERROR, "staff extract: keys_are_unique failed: 2 row(s). Fix: ..."),
        suite_check(job_postings, dg.AssetCheckSeverity.WARN, "job_postings extract: has_rows failed"),
    ]
    job = dg.define_asset_job("j", executor_def=dg.in_process_executor)
    defs = dg.Definitions(
        assets=[staff, job_postings, workforce_monthly, time_to_fill], asset_checks=checks, jobs=[job]
    )
    outcome = RunOutcome.from_result(defs.resolve_job_def("j").execute_in_process(raise_on_error=False))

    assert not outcome.success
    assert outcome.failures == {
        "staging/staff: expectations_are_met": "staff extract: keys_are_unique failed: 2 row(s). Fix: ..."
    }
    assert outcome.warnings == ["staging/job_postings: expectations_are_met: job_postings extract: has_rows failed"]
    # A blocking check that fails with severity WARN stops nothing.
    assert outcome.skipped == ["marts/workforce_monthly"]
    text = run_summary(tmp_path / "none.duckdb", outcome, [])
    assert "Failed:\n  - staging/staff: expectations_are_met: staff extract: keys_are_unique" in text
    assert "Warnings:\n  - staging/job_postings: expectations_are_met: job_postings extract: has_rows failed" in text
    assert text.endswith("Run FAILED: see the messages above.")


def test_keys_are_unique_counts_in_sql_what_gx_counts_in_pandas():
    # Uniqueness is a whole-table rule, counted in SQL over the whole table (issue 19): it must find the rows
    # GX's own uniqueness expectations find, every copy of a repeated key, a key with every part empty left out.
    import duckdb
    import pandas as pd

    from pipelines.quality import gx
    from pipelines.quality.suites import blocking, keys_are_unique

    rows = pd.DataFrame(
        {
            "a": [1, 1, 1, 1, None, None, 2, 3, 3, 3, 4],
            "b": ["x", "x", None, None, None, None, "y", "z", "z", "z", "x"],
        }
    )
    con = duckdb.connect()
    con.register("rows", rows)
    con.execute("CREATE SCHEMA test")
    con.execute("CREATE TABLE test.keys AS SELECT a::BIGINT AS a, b FROM rows")

    def failing(expectations) -> dict[str, int]:
        suite = Suite("test.keys", expectations)
        outcomes = gx.validate(suite, con.execute(suite.batch_sql()).df(), {"min_row_count": 0})
        return {o.expectation.name: o.unexpected_count for o in outcomes if not o.success}

    # By hand: (1, x) twice, (1, empty) twice, (3, z) three times; the two all-empty keys are left out. Four keys
    # have an empty part, for keys_are_filled.
    ours = failing(keys_are_unique(("a", "b"), "Give every row its own key."))
    assert ours == {"keys_are_filled": 4, "keys_are_unique": 7}
    theirs = failing([blocking("unique", "expect_compound_columns_to_be_unique", "fix", column_list=["a", "b"])])
    assert theirs == {"unique": 7}
    # One column: 1 four times, 3 three times; empty values are not keys.
    assert failing(keys_are_unique(("a",), "Give every row its own key.")) == {
        "keys_are_filled": 2,
        "keys_are_unique": 7,
    }
    assert failing([blocking("unique", "expect_column_values_to_be_unique", "fix", column="a")]) == {"unique": 7}
