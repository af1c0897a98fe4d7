"""The directors' report (group `report`): a thin asset over `pipelines.report.build`.

It is not part of `nightly_refresh` (a build takes minutes and needs Node): `vivier report`,
`make run` or a click on "Materialize" in the Dagster UI builds it, and under the Dagster
daemon the sensor `report_after_refresh` rebuilds it after every successful refresh."""

import dagster as dg

from pipelines.report.build import build_report
from pipelines.settings import load_settings
from pipelines.warehouse import Warehouse

# What the sql/ views read.
READS = [
    dg.AssetKey(["marts", name])
    for name in ("workforce_monthly", "turnover_12m", "turnover_12m_by_organisation", "exits_by_reason",
                 "early_attrition", "time_to_fill", "recruitment_funnel", "long_vacancies", "segur_effect",
                 "segur_event_study", "segur_pay", "carer_capacity_monthly", "carer_funnel", "carer_age_profile",
                 "carer_projection")  # fmt: skip
] + [dg.AssetKey(["ml", "carer_attrition_scores"]), dg.AssetKey(["ml", "model_metrics"]),
     dg.AssetKey(["ml", "model_fairness"]), dg.AssetKey(["staging", "reporting_period"])]  # fmt: skip


@dg.asset(
    deps=READS,
    group_name="report",
    kinds={"duckdb", "evidence"},
    description="The directors' static report (Evidence, in French): every sql/ view run on the warehouse, "
    "disclosure-controlled, built into VIVIER_REPORT_DIR.",
)
def director_report(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    report = build_report(warehouse, load_settings().report_dir, echo=context.log.debug)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(report.site.out_dir.resolve())),
            "pages": report.site.pages,
            "megabytes": round(report.site.megabytes, 1),
            "seconds": round(report.site.seconds, 1),
            "view_rows": dg.MetadataValue.json(report.rows),
        }
    )


report_assets = [director_report]

report_refresh = dg.define_asset_job(
    "report_refresh", selection=dg.AssetSelection.groups("report"), executor_def=dg.in_process_executor,
    description="The directors' report, rebuilt from the published warehouse.",
)  # fmt: skip


def report_after_refresh(refresh_job) -> dg.SensorDefinition:
    """Gives the sensor that rebuilds the directors' report after each successful run of `refresh_job`:
    the scheduled refresh at night, or one the landing sensor started. A failed refresh leaves the
    last report as it was."""

    @dg.run_status_sensor(
        name="report_after_refresh",
        run_status=dg.DagsterRunStatus.SUCCESS,
        monitored_jobs=[refresh_job],
        request_job=report_refresh,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Rebuilds the directors' report when the nightly refresh succeeds.",
    )
    def rebuild_report(context: dg.RunStatusSensorContext):
        return dg.RunRequest(run_key=f"report-after-{context.dagster_run.run_id}")

    return rebuild_report
