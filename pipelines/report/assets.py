"""The directors' report (group `report`): a thin asset over `pipelines.report.build`.

It is not part of `nightly_refresh` (a build takes minutes and needs Node): `vivier report`,
`make run` or a click on "Materialize" in the Dagster UI builds it, and under the Dagster
daemon the sensor `report_after_refresh` rebuilds it after every successful refresh."""

import dagster as dg

from pipelines.report.build import build_report
from pipelines.report.database import report_views
from pipelines.report.lineage import tables_read_by_views
from pipelines.settings import Settings
from pipelines.tables import asset_key
from pipelines.warehouse import Warehouse

# The quality tables are not assets, so they are no dependency: `quality.quarantine` and
# `quality.ingest_report` are written in parts, one per extract, by every staging asset, and
# `quality.validation_results` by the asset checks. Every staging asset is upstream of the report
# through the marts anyway (tests/report/test_lineage.py holds it), and the quality pages show the
# checks of past runs as they stand, whichever assets ran.
# The shipped reference tables (`reference.*`) are read by the report build from pipelines/reference/, not
# written by any asset.
NOT_ASSETS = ("quality", "reference")

VIEW_TABLES = tables_read_by_views(report_views())
# What the sql/ views read, as the views name it: a view that reads a new table makes it a dependency.
READS = [
    asset_key(table) for table in sorted(set().union(*VIEW_TABLES.values())) if table.split(".")[0] not in NOT_ASSETS
]


@dg.asset(
    deps=READS,
    group_name="report",
    kinds={"duckdb", "evidence"},
    description="The directors' static report (Evidence, in French): every sql/ view run on the warehouse, "
    "disclosure-controlled, built into VIVIER_REPORT_DIR, with its main pages printed to one A4 PDF there "
    "(rapport.pdf).",
)
def director_report(
    context: dg.AssetExecutionContext, warehouse: Warehouse, settings: dg.ResourceParam[Settings]
) -> dg.MaterializeResult:
    report = build_report(
        warehouse, settings.report_dir, echo=context.log.debug, departement=settings.departement, pdf=True
    )
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(report.site.out_dir.resolve())),
            "pages": report.site.pages,
            "megabytes": round(report.site.megabytes, 1),
            "seconds": round(report.site.seconds, 1),
            "view_rows": dg.MetadataValue.json(report.rows),
            "pdf_path": dg.MetadataValue.path(str(report.pdf.path.resolve())),
            "pdf_pages": report.pdf.pages,
            "pdf_megabytes": round(report.pdf.megabytes, 1),
        }
    )


report_assets = [director_report]

report_refresh = dg.define_asset_job(
    "report_refresh",
    selection=dg.AssetSelection.groups("report"),
    executor_def=dg.in_process_executor,
    description="The directors' report, rebuilt from the published warehouse.",
)


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
