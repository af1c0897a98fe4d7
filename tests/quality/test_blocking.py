"""A failed blocking check, through the real job: `vivier run` exits 1 with a message that
names the extract, the check and what to fix; the assets downstream of the bad table
are stopped, the others still run."""

from __future__ import annotations

import dagster as dg
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.ingest.assets import ingest_assets
from pipelines.run_tags import WARNINGS_TAG
from pipelines.settings import load_settings
from pipelines.warehouse import Warehouse
from tests.conftest import query
from tests.quality.catalogue import CATALOGUE
from tests.quality.landing import edit, write_landing


def case(id_: str):
    return next(c for c in CATALOGUE if c.id == id_)


def test_a_placement_before_its_carer_started_stops_the_carer_marts_and_fails_the_run(tmp_path):
    landing = write_landing(tmp_path / "landing", case("placement_before_carer_started").changes)
    warehouse = tmp_path / "v.duckdb"
    env = {
        "VIVIER_LANDING_DIR": str(landing),
        "VIVIER_WAREHOUSE": str(warehouse),
        "DAGSTER_HOME": str(tmp_path / "dagster"),
        "VIVIER_AS_OF": "",
    }
    result = CliRunner().invoke(main, ["run"], env=env)

    assert result.exit_code == 1, result.output
    failed = result.output.split("\nFailed:\n", 1)[1]
    line = next(s for s in failed.splitlines() if s.startswith("  - staging/placements: "))
    # The extract, the check, the expectation, where, and what to fix.
    assert "staging/placements: expectations_are_met: placements extract:" in line
    assert "start_date_is_not_before_carer_employment_start_date failed: 1 row(s), e.g. placements.csv row 4" in line
    assert "Fix: A placement starts before its foster carer was employed" in line
    assert "Run FAILED" in result.output

    skipped = result.output.split("Not run because an upstream asset failed: ", 1)[1].split("\n")[0].split(", ")
    # Downstream of the placements: stopped.
    assert {"marts/carer_capacity_monthly", "ml/carer_features"} <= set(skipped)
    # Not downstream of them: still run, the as-of date included.
    tables = {f"{s}.{t}" for s, t in query(warehouse, "SELECT table_schema, table_name FROM information_schema.tables")}
    assert {
        "staging.reporting_period",
        "marts.workforce_monthly",
        "marts.turnover_12m",
        "marts.time_to_fill",
        "marts.carer_funnel",
    } <= tables
    assert not {"marts/workforce_monthly", "staging/reporting_period", "marts/carer_funnel"} & set(skipped)
    assert "marts.carer_capacity_monthly" not in tables
    # The results of every suite that ran are kept, the failure included.
    assert query(
        warehouse,
        """SELECT suite, success, unexpected_count FROM quality.validation_results
        WHERE expectation = 'start_date_is_not_before_carer_employment_start_date'""",
    ) == [("staging.placements", False, 1)]

    # The next night, nothing changed: the refused table is checked again and still stops the carer marts.
    again = CliRunner().invoke(main, ["run"], env=env)
    assert again.exit_code == 1, again.output
    assert "staging/placements: its check expectations_are_met failed last time: checked again" in again.output
    assert "staging/placements: expectations_are_met: placements extract:" in again.output.split("\nFailed:\n")[1]
    assert "marts.carer_capacity_monthly" not in {
        f"{s}.{t}" for s, t in query(warehouse, "SELECT table_schema, table_name FROM information_schema.tables")
    }


def test_a_future_event_date_that_moves_the_as_of_date_stops_every_mart(tmp_path):
    landing = write_landing(tmp_path / "landing", edit("carer_events.csv", "2025-06-30", "2062-06-30"))
    resources = {
        "warehouse": Warehouse(path=str(tmp_path / "v.duckdb")),
        "settings": load_settings(
            {
                "VIVIER_LANDING_DIR": str(landing),
                "VIVIER_PSEUDONYM_KEY": "blocking-test-key-0123",
                "VIVIER_HISTORY_MONTHS": "12",
            }
        ),
    }
    result = dg.materialize(
        ingest_assets, resources=resources, raise_on_error=False, instance=dg.DagsterInstance.ephemeral()
    )

    assert not result.success
    checks = {(e.asset_key.path[-1], e.check_name): e for e in result.get_asset_check_evaluations()}
    as_of = checks[("reporting_period", "as_of_date_is_not_in_the_future")]
    assert not as_of.passed and as_of.blocking
    assert "carer_events: 1 row(s) with event_date after today" in as_of.description
    assert "carer_events.csv row 3" in as_of.description and "set VIVIER_AS_OF" in as_of.description
    events = checks[("carer_events", "event_dates_are_not_in_the_future")]
    assert not events.passed and events.severity == dg.AssetCheckSeverity.WARN
    assert checks[("staff", "event_dates_are_not_in_the_future")].passed


def test_with_vivier_as_of_set_a_future_date_does_not_move_the_as_of_date(tmp_path):
    landing = write_landing(tmp_path / "landing", edit("carer_events.csv", "2025-06-30", "2062-06-30"))
    resources = {
        "warehouse": Warehouse(path=str(tmp_path / "v.duckdb")),
        "settings": load_settings(
            {
                "VIVIER_LANDING_DIR": str(landing),
                "VIVIER_PSEUDONYM_KEY": "blocking-test-key-0123",
                "VIVIER_HISTORY_MONTHS": "12",
                "VIVIER_AS_OF": "2025-05-31",
            }
        ),
    }
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize(ingest_assets, resources=resources, raise_on_error=False, instance=instance)
    assert result.success
    period = [e for e in result.get_asset_check_evaluations() if e.asset_key.path[-1] == "reporting_period"]
    passed = {e.check_name: e.passed for e in period}
    assert passed == {"as_of_date_is_not_in_the_future": True}
    # The date after today is still a warning, and the run says it warned (the runs list shows the tag).
    warned = [e for e in result.get_asset_check_evaluations() if not e.passed]
    assert [(e.asset_key.path[-1], e.check_name) for e in warned] == [
        ("carer_events", "event_dates_are_not_in_the_future")
    ]
    assert instance.get_run_by_id(result.run_id).tags[WARNINGS_TAG] == "1"
