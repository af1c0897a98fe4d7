"""Every failure of a run says its cause, and stops only what depends on it: settings refused at
start in one line, the reason of a failed step rather than Dagster's wrapper around it, the
reporting period computed after every extract even when one fails, reference lists replaced only
by a file of their exact name."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pytest
from click.testing import CliRunner

from pipelines.cli import landing_warnings, main
from pipelines.ingest import period
from pipelines.ingest.assets import ingest_assets
from pipelines.paths import REFERENCE_DIR
from pipelines.progress import RunOutcome
from pipelines.resources import VivierSettings
from pipelines.settings import load_settings, parse_as_of, warehouse_path_problem
from pipelines.warehouse import Warehouse
from tests.conftest import query, vivier_env
from tests.quality.landing import write_landing

JOB_FAMILIES = (REFERENCE_DIR / "job_families.csv").read_text(encoding="utf-8")


def ingest(landing, warehouse, **settings) -> RunOutcome:
    """Runs the ingest assets (raw, staging, the period) through Dagster, the settings read from the
    environment when the run starts, as in a run started from the UI (`as_of="2025-09-30"` sets
    VIVIER_AS_OF); gives what `vivier run` would report."""
    values = {"landing_dir": str(landing), "pseudonym_key": "run-failures-test-key", "as_of": ""} | settings
    resources = {"warehouse": Warehouse(path=str(warehouse)), "settings": VivierSettings()}
    with vivier_env(**{f"VIVIER_{name.upper()}": str(value) for name, value in values.items()}):
        result = dg.materialize(
            ingest_assets, resources=resources, raise_on_error=False, instance=dg.DagsterInstance.ephemeral()
        )
    return RunOutcome.from_result(result)


def cli_run(tmp_path, **env):
    landing = write_landing(tmp_path / "landing")
    settings = {
        "VIVIER_LANDING_DIR": str(landing),
        "VIVIER_WAREHOUSE": str(tmp_path / "v.duckdb"),
        "DAGSTER_HOME": str(tmp_path / "dagster"),
        "VIVIER_AS_OF": "",
    } | env
    return CliRunner().invoke(main, ["run"], env=settings)


# ------------------------------------------------------------------ the as-of date


def test_vivier_as_of_after_today_is_refused_at_start_in_one_line(tmp_path):
    result = cli_run(tmp_path, VIVIER_AS_OF="2099-12-31")
    assert result.exit_code == 1
    today = dt.date.today()
    assert result.output == (
        f"Error: VIVIER_AS_OF is 2099-12-31, after today ({today}): months that are not over cannot be reported. "
        "Set it to the last day of a complete month, or leave it unset to take the latest complete month of the "
        "extracts.\n"
    )
    assert not (tmp_path / "v.duckdb").exists()


def test_vivier_as_of_may_be_today_but_not_tomorrow():
    today = dt.date(2026, 6, 30)
    assert parse_as_of("30/06/2026", today) == today
    with pytest.raises(ValueError, match="after today"):
        parse_as_of("2026-07-01", today)


def test_an_as_of_date_months_after_the_latest_event_stops_every_mart(tmp_path):
    # The tiny folder's latest event is a carer event of 30/06/2025.
    outcome = ingest(write_landing(tmp_path / "landing"), tmp_path / "v.duckdb", as_of="2025-09-30")
    assert not outcome.success
    assert outcome.failures == {
        "staging/reporting_period: as_of_date_is_not_in_the_future": (
            "VIVIER_AS_OF is 2025-09-30, but the latest event in the extracts (a contract or placement start, an "
            "application, a posting, an enquiry, a carer event) is on 2025-06-30: the months after 06/2025 would be "
            "reported from no data. Load the newer extracts, or set VIVIER_AS_OF to 2025-06-30 or earlier, or leave "
            "it unset."
        )
    }


@pytest.mark.parametrize(
    ("as_of", "latest", "refused"),
    [
        (dt.date(2025, 6, 30), dt.date(2025, 6, 2), False),  # the month of the latest event: reported
        (dt.date(2025, 5, 31), dt.date(2025, 6, 2), False),
        (dt.date(2025, 7, 31), dt.date(2025, 6, 30), True),  # a month with no event at all
    ],
)
def test_an_as_of_date_is_refused_only_in_a_month_after_the_latest_event(as_of, latest, refused):
    row = period.reporting_period(latest, as_of, 12).row(0, named=True)
    assert (period.as_of_after_the_events(row) is not None) == refused
    derived = period.reporting_period(latest, None, 12).row(0, named=True)
    assert period.as_of_after_the_events(derived) is None


def test_a_window_reaching_before_1900_says_which_setting_to_change():
    with pytest.raises(
        ValueError,
        match=r"^VIVIER_HISTORY_MONTHS is 30000: a window of that many months ending in "
        r"06/2025 would start before 1900\.",
    ):
        period.first_month(dt.date(2025, 6, 30), 30000)


# ------------------------------------------------------------------ the reason of a failure


def test_the_summary_gives_the_reason_of_a_failed_step_not_dagsters_wrapper(tmp_path):
    outcome = ingest(write_landing(tmp_path / "landing"), tmp_path / "v.duckdb", history_months=30000)
    assert outcome.failures == {
        "reporting_period": "VIVIER_HISTORY_MONTHS is 30000: a window of that many months ending in 06/2025 would "
        "start before 1900. Set it to the number of months to report, e.g. 120 for ten years."
    }


@pytest.mark.parametrize("where", ["folder", "under a file"])
def test_a_warehouse_path_that_cannot_be_a_file_is_refused_in_one_line(tmp_path, where):
    if where == "folder":
        path = tmp_path / "vivier.duckdb"
        path.mkdir()
        expected = (
            f"VIVIER_WAREHOUSE is {path}, which is a folder: it must name the DuckDB file, for example "
            f"{path / 'vivier.duckdb'}."
        )
    else:
        (tmp_path / "data").write_text("not a folder")
        path = tmp_path / "data" / "vivier.duckdb"
        expected = (
            f"VIVIER_WAREHOUSE is {path}, but {tmp_path / 'data'} is a file, not a folder: choose a path in "
            "a folder, for example data/warehouse/vivier.duckdb."
        )
    assert warehouse_path_problem(path) == expected
    result = cli_run(tmp_path, VIVIER_WAREHOUSE=str(path))
    assert (result.exit_code, result.output) == (1, f"Error: {expected}\n")
    # Started from the UI or the daemon, the run fails before any step, with the same sentence.
    outcome = ingest(tmp_path / "landing", path)
    assert outcome.failures == {"run": expected}


def test_a_key_that_is_not_utf8_fails_a_run_started_from_the_ui_before_any_step_saying_why(tmp_path):
    # os.environ holds bytes that are not UTF-8 as lone surrogates.
    outcome = ingest(
        write_landing(tmp_path / "landing"), tmp_path / "v.duckdb", pseudonym_key="vivier-\udcff-key-0123456789"
    )
    assert list(outcome.failures) == ["run"]
    assert outcome.failures["run"].startswith("VIVIER_PSEUDONYM_KEY is not valid UTF-8 text")
    assert not (tmp_path / "v.duckdb").exists()


def test_a_short_key_fails_a_run_started_from_the_ui_before_any_step_without_showing_it(tmp_path):
    outcome = ingest(write_landing(tmp_path / "landing"), tmp_path / "v.duckdb", pseudonym_key="hunter2")
    assert list(outcome.failures) == ["run"]
    assert outcome.failures["run"].startswith("VIVIER_PSEUDONYM_KEY is 7 character(s) long: too short")
    assert "hunter2" not in outcome.failures["run"]
    assert not (tmp_path / "v.duckdb").exists()


def test_a_good_warehouse_path_has_no_problem(tmp_path):
    assert warehouse_path_problem(tmp_path / "new" / "vivier.duckdb") is None
    assert warehouse_path_problem(tmp_path / "vivier.duckdb") is None


# ------------------------------------------------------------------ the period after every extract


def test_the_period_starts_after_every_staging_step_has_ended(tmp_path):
    landing = write_landing(tmp_path / "landing", {"foster_carers.csv": b"\x00\x81" * 100})
    resources = {
        "warehouse": Warehouse(path=str(tmp_path / "v.duckdb")),
        "settings": load_settings(
            {"VIVIER_LANDING_DIR": str(landing), "VIVIER_PSEUDONYM_KEY": "run-failures-test-key"}
        ),
    }
    result = dg.materialize(
        ingest_assets, resources=resources, raise_on_error=False, instance=dg.DagsterInstance.ephemeral()
    )
    order = [(e.step_key, e.event_type_value) for e in result.all_events if e.step_key]
    period_start = order.index(("reporting_period", "STEP_START"))
    ended = {k for k, kind in order[:period_start] if kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED")}
    staging = {k for k, _ in order if k.startswith("staging__")}
    # foster_carers failed; placements and carer_events, which refer to it, were never started.
    assert staging - ended == set()
    assert ("staging__placements", "STEP_START") not in order
    assert query(tmp_path / "v.duckdb", "SELECT extracts_not_loaded FROM staging.reporting_period") == [
        ("placements, carer_events",)
    ]


# ------------------------------------------------------------------ reference lists


def test_a_reference_list_is_replaced_only_by_a_file_of_its_exact_name_and_the_run_says_so(tmp_path):
    landing = write_landing(
        tmp_path / "landing",
        {
            "job_families_paie.csv": JOB_FAMILIES,
            "segur_measures.csv": (REFERENCE_DIR / "segur_measures.csv").read_text(encoding="utf-8"),
        },
    )
    assert landing_warnings(landing) == [
        "job_families_paie.csv matches no extract and is not read: only a file named exactly job_families (.csv, "
        ".xlsx or .parquet) replaces the shipped job_families list.",
        "segur_measures.csv in the landing folder replaces the shipped segur_measures list.",
    ]


def test_a_replaced_reference_list_that_most_rows_do_not_match_fails_their_extract(tmp_path):
    # The payroll software's own codes for the same job families.
    payroll = "job_family;label_fr;segur_group\n" + "".join(
        f"{code};{label};SOIN\n" for code, label in [("EDUC-SPE", "Éducateur spécialisé"), ("PSY", "Psychologue")]
    )
    outcome = ingest(write_landing(tmp_path / "landing", {"job_families.csv": payroll}), tmp_path / "v.duckdb")
    assert outcome.failures["staging/staff"] == (
        "5 of the 5 staff rows (100%) have a job_family that is not in job_families.csv, the landing file that "
        "replaces the shipped job_families list: it is probably another list (the payroll software's own codes?). "
        "Correct job_families.csv so that its job_family column holds the codes the extracts use, or remove it to "
        "use the shipped list. The staff tables are kept as they were."
    )
    assert {"staging/budgeted_posts", "staging/job_postings"} <= set(outcome.failures)
    assert "staging.staff" not in {
        f"{s}.{t}"
        for s, t in query(tmp_path / "v.duckdb", "SELECT table_schema, table_name FROM information_schema.tables")
    }


def test_a_run_of_part_of_the_assets_on_a_new_warehouse_does_not_compute_the_period_without_an_extract(tmp_path):
    # Staff's latest start is 2025-04-14, the carer events' 2025-06-30: without the events the
    # as-of date would be 2025-03-31, three months early, and nothing would say so.
    landing = write_landing(tmp_path / "landing")
    resources = {
        "warehouse": Warehouse(path=str(tmp_path / "v.duckdb")),
        "settings": load_settings(
            {"VIVIER_LANDING_DIR": str(landing), "VIVIER_PSEUDONYM_KEY": "run-failures-test-key"}
        ),
    }
    part = dg.AssetSelection.assets(dg.AssetKey(["staging", "reporting_period"]), dg.AssetKey(["staging", "staff"]))
    result = dg.materialize(
        ingest_assets,
        selection=part.upstream(),
        resources=resources,
        raise_on_error=False,
        instance=dg.DagsterInstance.ephemeral(),
    )
    failure = RunOutcome.from_result(result).failures["reporting_period"]
    missing = [n for n in period.EVENT_DATES if n != "staff"]
    assert failure == (
        f"The as-of date is the latest event date of every extract, but {', '.join(missing)} have never been "
        "loaded and are not part of this run, although the landing folder has their files. Materialise "
        + ", ".join(f"staging/{n}" for n in missing)
        + " too, or run every asset (`vivier run`, or the job "
        "nightly_refresh)."
    )
    assert len(missing) == 5
    # With the event extracts in the run, the period is the one of a whole run.
    whole = part | dg.AssetSelection.assets(*[dg.AssetKey(["staging", n]) for n in period.EVENT_DATES])
    result = dg.materialize(
        ingest_assets,
        selection=whole.upstream(),
        resources=resources,
        raise_on_error=False,
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    assert query(tmp_path / "v.duckdb", "SELECT as_of_date FROM staging.reporting_period") == [(dt.date(2025, 6, 30),)]
