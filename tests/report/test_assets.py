"""The `director_report` asset: in the Dagster definitions, downstream of what the views read,
outside the nightly job, and a thin call to the build whose figures become its metadata."""

import dagster as dg

from pipelines.definitions import defs
from pipelines.report import assets
from pipelines.report.build import Report
from pipelines.report.evidence import BuildResult
from pipelines.report.pdf import PrintedReport
from pipelines.resources import VivierSettings
from pipelines.warehouse import Warehouse
from tests.conftest import vivier_env

KEY = dg.AssetKey("director_report")


def test_the_report_reads_the_marts_and_is_not_in_the_nightly_job():
    # Which tables are its parents, and why: tests/report/test_lineage.py.
    graph = defs.resolve_asset_graph()
    some_parents = {dg.AssetKey(["marts", "workforce_monthly"]), dg.AssetKey(["ml", "carer_attrition_scores"])}
    assert some_parents <= graph.get(KEY).parent_keys
    assert graph.get(KEY).group_name == "report" and not graph.get(KEY).child_keys
    assert KEY not in defs.resolve_job_def("nightly_refresh").asset_layer.selected_asset_keys


def test_the_asset_builds_into_the_report_folder_and_reports_its_figures(tmp_path, monkeypatch):
    calls = []

    def build(warehouse, out_dir, echo, departement=None, pdf=False):
        calls.append((warehouse.path, out_dir, pdf))
        printed = PrintedReport(out_dir / "rapport.pdf", pages=21, megabytes=3.2, seconds=60.0, sections=())
        return Report(
            site=BuildResult(out_dir, pages=56, megabytes=58.6, seconds=90.0), rows={"home_key_figures": 1}, pdf=printed
        )

    monkeypatch.setattr(assets, "build_report", build)
    with vivier_env(VIVIER_REPORT_DIR=str(tmp_path / "site")):
        result = dg.materialize(
            [assets.director_report],
            resources={"warehouse": Warehouse(path=str(tmp_path / "w.duckdb")), "settings": VivierSettings()},
        )
    assert calls == [(str(tmp_path / "w.duckdb"), tmp_path / "site", True)]
    metadata = result.asset_materializations_for_node("director_report")[0].metadata
    assert metadata["pages"].value == 56 and metadata["view_rows"].value == {"home_key_figures": 1}
    assert metadata["pdf_path"].value == str((tmp_path / "site" / "rapport.pdf").resolve())
    assert (metadata["pdf_pages"].value, metadata["pdf_megabytes"].value) == (21, 3.2)


def test_the_code_location_loads_with_every_job():
    # A job may not share its name with an asset: Dagster refuses the whole code location then
    # (the UI and the daemon), while `vivier run`, which resolves one job, still works.
    assert {job.name for job in defs.get_repository_def().get_all_jobs()} >= {"nightly_refresh", "report_refresh"}


def test_a_successful_refresh_asks_for_the_report_and_nothing_else_does():
    sensor = defs.get_sensor_def("report_after_refresh")
    assert sensor.job_name == "report_refresh"
    assert defs.resolve_job_def("report_refresh").asset_layer.selected_asset_keys == {KEY}

    @dg.asset
    def nothing():
        return None

    job = dg.define_asset_job("nightly_refresh", selection=[nothing])
    with dg.DagsterInstance.ephemeral() as instance:
        result = (
            dg.Definitions(assets=[nothing], jobs=[job])
            .resolve_job_def("nightly_refresh")
            .execute_in_process(instance=instance)
        )
        context = dg.build_run_status_sensor_context(
            sensor_name="report_after_refresh",
            dagster_instance=instance,
            dagster_run=result.dagster_run,
            dagster_event=result.get_run_success_event(),
        )
        request = sensor(context)
    assert request.run_key == f"report-after-{result.run_id}"
