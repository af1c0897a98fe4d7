"""The settings in one place (issue 15, item 6): one schema, read from the environment without writing to
it, giving the same values to `vivier run`, the Dagster resources, the report and the landing sensor;
the pseudonym key never shown in the UI nor stored with a run."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.remote_representation.external_data import RepositorySnap

from pipelines.cli import usable_settings
from pipelines.definitions import defs
from pipelines.operations import landing_sensor
from pipelines.progress import RunOutcome
from pipelines.report import assets as report_assets
from pipelines.report.build import Report
from pipelines.report.evidence import BuildResult
from pipelines.report.pdf import PrintedReport
from pipelines.resources import VivierSettings, warehouse_from_settings
from pipelines.settings import DEMO_PSEUDONYM_KEY, SCHEMA, Settings, load_settings, sensor_interval_seconds

ROOT = Path(__file__).resolve().parents[2]
KEY = "a-distinctive-test-key-4d1f9c2e"


@pytest.fixture
def no_settings(monkeypatch):
    """Unsets every VIVIER_* variable for the test."""
    for name in [n for n in os.environ if n.startswith("VIVIER_")]:
        monkeypatch.delenv(name)


def vivier_variables() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name.startswith("VIVIER_")}


# ------------------------------------------------------------------ the schema


def test_the_schema_gives_every_field_of_the_settings_and_says_which_one_is_secret():
    assert [s.field for s in SCHEMA] == [f.name for f in dataclasses.fields(Settings)]
    assert [s.variable for s in SCHEMA if s.secret] == ["VIVIER_PSEUDONYM_KEY"]


def test_with_nothing_set_every_setting_takes_its_default_from_contract_section_1():
    assert load_settings({}) == Settings(
        landing_dir=Path("data/landing"),
        warehouse=Path("data/warehouse/vivier.duckdb"),
        report_dir=Path("reports/build"),
        pseudonym_key=DEMO_PSEUDONYM_KEY,
        history_months=120,
        as_of=None,
        sensor_interval_seconds=30,
    )
    assert load_settings({}).uses_demo_key


def test_a_blank_setting_takes_its_default_but_a_blank_key_is_refused():
    blank = {s.variable: " " for s in SCHEMA if not s.secret}
    assert load_settings(blank) == load_settings({})
    with pytest.raises(ValueError, match="^VIVIER_PSEUDONYM_KEY is blank"):
        load_settings({"VIVIER_PSEUDONYM_KEY": ""})


def test_each_setting_is_read_from_its_variable():
    settings = load_settings(
        {
            "VIVIER_LANDING_DIR": "/in",
            "VIVIER_WAREHOUSE": "/w/v.duckdb",
            "VIVIER_REPORT_DIR": "/site",
            "VIVIER_PSEUDONYM_KEY": KEY,
            "VIVIER_HISTORY_MONTHS": "24",
            "VIVIER_AS_OF": "31/12/2024",
            "VIVIER_SENSOR_INTERVAL_SECONDS": " 5 ",
        }
    )
    assert settings == Settings(Path("/in"), Path("/w/v.duckdb"), Path("/site"), KEY, 24, dt.date(2024, 12, 31), 5)


@pytest.mark.parametrize(
    ("variable", "value", "sentence"),
    [
        ("VIVIER_HISTORY_MONTHS", "0", "VIVIER_HISTORY_MONTHS must be a whole number of months, 1 or more (got '0')."),
        (
            "VIVIER_AS_OF",
            "2025-13-01",
            "VIVIER_AS_OF must be a date such as 2025-12-31 or 31/12/2025 (got '2025-13-01').",
        ),
        (
            "VIVIER_SENSOR_INTERVAL_SECONDS",
            "0.5",
            "VIVIER_SENSOR_INTERVAL_SECONDS must be a whole number of seconds, 1 or more (got '0.5').",
        ),
    ],
)
def test_a_value_that_cannot_be_used_is_refused_in_one_sentence(variable, value, sentence):
    with pytest.raises(ValueError) as refused:
        load_settings({variable: value})
    assert str(refused.value) == sentence


def test_the_key_is_never_printed_with_the_settings():
    settings = load_settings({"VIVIER_PSEUDONYM_KEY": KEY})
    assert KEY not in repr(settings) and KEY not in str(settings)
    assert "pseudonym_key=<hidden>" in repr(settings)


# ------------------------------------------------------------------ read, never written


def test_reading_the_settings_writes_nothing_to_the_environment(no_settings):
    before = dict(os.environ)
    load_settings()
    sensor_interval_seconds()
    usable_settings()
    assert dict(os.environ) == before
    assert vivier_variables() == {}


def test_loading_the_definitions_writes_no_setting_and_shows_no_key(tmp_path):
    # A fresh process, as `dagster dev` and `vivier run` load them: every setting unset but the key.
    script = """
import json, os
before = dict(os.environ)
import dagster as dg
from dagster._core.remote_representation.external_data import RepositorySnap
from pipelines.definitions import defs
from pipelines.settings import DEMO_PSEUDONYM_KEY
snap = RepositorySnap.from_def(defs.get_repository_def())
text = dg.serialize_value(snap)
after = dict(os.environ)
print(json.dumps({
    "changed": sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k)),
    "key_shown": os.environ["VIVIER_PSEUDONYM_KEY"] in text,
    "demo_key_shown": DEMO_PSEUDONYM_KEY in text,
    "config": {r.name: [f.name for f in r.config_field_snaps] + list(r.configured_values) for r in snap.resources},
    "interval": defs.get_sensor_def("landing_files_sensor").minimum_interval_seconds,
}))
"""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIVIER_")} | {"VIVIER_PSEUDONYM_KEY": KEY}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=300
    )
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    # Libraries may set their own variables (Polars sets its allocator's); no VIVIER_* is written.
    assert [name for name in seen["changed"] if name.startswith("VIVIER_")] == []
    # What the webserver gets from the code location (the Resources page, each job's config
    # schema and the launchpad's default run config) holds no config of the settings, and no key.
    assert seen["config"] == {"settings": [], "warehouse": []}
    assert not seen["key_shown"] and not seen["demo_key_shown"]
    assert seen["interval"] == 30


class Holder(dg.ConfigurableResource):
    key: str


def test_the_snapshot_the_ui_gets_would_show_a_key_held_in_resource_config():
    # The check above can see a configured value: a resource holding the key as config shows it.
    @dg.asset
    def uses(holder: Holder) -> None:
        return None

    snap = RepositorySnap.from_def(
        dg.Definitions(assets=[uses], resources={"holder": Holder(key=KEY)}).get_repository_def()
    )
    assert KEY in dg.serialize_value(snap)


# ------------------------------------------------------------------ one read, the same values everywhere


def test_one_read_gives_the_same_values_to_vivier_run_the_resources_the_report_and_the_sensor(
    tmp_path, monkeypatch, no_settings
):
    landing, warehouse, site = tmp_path / "landing", tmp_path / "w.duckdb", tmp_path / "site"
    landing.mkdir()
    (landing / "staff.csv").write_text("employee_id\n1\n")
    for name, value in {
        "VIVIER_LANDING_DIR": landing,
        "VIVIER_WAREHOUSE": warehouse,
        "VIVIER_REPORT_DIR": site,
        "VIVIER_PSEUDONYM_KEY": KEY,
        "VIVIER_SENSOR_INTERVAL_SECONDS": "7",
    }.items():
        monkeypatch.setenv(name, str(value))
    settings = load_settings()
    assert usable_settings() == settings  # what `vivier run` checks and prints

    # The resources of a run started from the UI: the settings, and the warehouse at their path.
    with dg.build_resources({"settings": VivierSettings(), "warehouse": warehouse_from_settings}) as resources:
        assert resources.settings == settings
        assert resources.warehouse.path == str(warehouse)

    # The report asset, through the Dagster job: the warehouse and the folder of the same read.
    calls = []

    def build(warehouse, out_dir, echo, departement=None, pdf=False):
        calls.append((warehouse.path, out_dir))
        printed = PrintedReport(out_dir / "rapport.pdf", pages=1, megabytes=0.1, seconds=1.0, sections=())
        return Report(site=BuildResult(out_dir, pages=1, megabytes=0.1, seconds=1.0), rows={}, pdf=printed)

    monkeypatch.setattr(report_assets, "build_report", build)
    with dg.DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def("report_refresh").execute_in_process(instance=instance)
        assert result.success
        assert calls == [(str(warehouse), site)]
        # Nothing the run stores (its config, tags, events) holds the key.
        run = instance.get_run_by_id(result.run_id)
        stored = dg.serialize_value(run) + "".join(dg.serialize_value(e) for e in instance.all_logs(result.run_id))
        assert KEY not in stored

    # The landing sensor: the folder, and how often it looks.
    sensor = defs.resolve_sensor_def("landing_files_sensor")
    with dg.DagsterInstance.ephemeral() as instance:
        tick = sensor.evaluate_tick(dg.build_sensor_context(instance=instance))
    assert tick.skip_message.startswith("Watching 1 landing file(s)")
    assert landing_sensor(defs.resolve_job_def("nightly_refresh")).minimum_interval_seconds == 7


def test_a_setting_that_cannot_be_used_fails_a_run_of_the_definitions_before_any_step(monkeypatch, no_settings):
    monkeypatch.setenv("VIVIER_HISTORY_MONTHS", "0")
    with dg.DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def("report_refresh").execute_in_process(instance=instance, raise_on_error=False)
    assert RunOutcome.from_result(result).failures == {
        "run": "VIVIER_HISTORY_MONTHS must be a whole number of months, 1 or more (got '0')."
    }
