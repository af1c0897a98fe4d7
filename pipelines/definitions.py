"""Everything Dagster shows for Vivier: assets by domain, resources, the nightly job.

`dagster dev` (through workspace.yaml) and `vivier run` load this same module."""

from __future__ import annotations

import dagster as dg

from pipelines.carers.assets import RETRAIN_TAG, carer_assets, carer_attrition_model, carer_checks
from pipelines.ingest.assets import ingest_assets, landing_sources
from pipelines.operations import landing_sensor, nightly_schedule
from pipelines.progress import PROGRESS_LOGGER, progress_logger
from pipelines.quality.checks import quality_checks
from pipelines.report.assets import report_after_refresh, report_assets, report_refresh
from pipelines.resources import VivierSettings, warehouse_from_settings
from pipelines.segur.assets import segur_assets
from pipelines.versions import code_version
from pipelines.workforce.assets import workforce_assets, workforce_checks

# Every asset carries the version of the code that computes it (pipelines/versions.py): after an
# upgrade, each is "Unsynced: has a new code version" in the UI and the next refresh rebuilds it.
CODE_VERSION = code_version()
computed = dg.map_asset_specs(
    lambda spec: spec.replace_attributes(code_version=CODE_VERSION),
    [*ingest_assets, *workforce_assets, *carer_assets, *segur_assets],
)

# In-process: DuckDB has one writer anyway, and it is 3x faster than one process per step.
nightly_refresh = dg.define_asset_job(
    "nightly_refresh",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("report", "landing"),
    executor_def=dg.in_process_executor,
    description="Every asset, from the landing files to the marts (the report: `vivier report`).",
)

# The attrition model retrained now, whatever the quarter, and what reads it (`vivier run --retrain` does the same
# within a refresh).
retrain_attrition_model = dg.define_asset_job(
    "retrain_attrition_model",
    selection=dg.AssetSelection.assets(*carer_attrition_model.keys).downstream() - dg.AssetSelection.groups("report"),
    executor_def=dg.in_process_executor,
    tags={RETRAIN_TAG: "true"},
    description="Retrains the foster-carer attrition model now and rescores the carers. The nightly refresh "
    "retrains it only when the as-of quarter or the features' definition changes.",
)

defs = dg.Definitions(
    assets=[landing_sources, *computed, *report_assets],
    asset_checks=[*workforce_checks, *quality_checks, *carer_checks],
    jobs=[nightly_refresh, report_refresh, retrain_attrition_model],
    schedules=[nightly_schedule(nightly_refresh)],
    sensors=[landing_sensor(nightly_refresh), report_after_refresh(nightly_refresh)],
    # Runs started from the UI too run in one process: the warehouse is copied, written and
    # published once per run, not once per step (docs/operations.md).
    executor=dg.in_process_executor,
    # The console logger stays the default; `vivier run` swaps in the progress lines.
    loggers={"console": dg.colored_console_logger, PROGRESS_LOGGER: progress_logger},
    resources={
        # The VIVIER_* variables are read once when a run starts, defaults filled in (pipelines/settings.py);
        # the warehouse takes its path from that read. Neither has a config field: nothing of the
        # settings, the pseudonym key least of all, is shown in the UI or stored in a run's config.
        "settings": VivierSettings(),
        "warehouse": warehouse_from_settings,
    },
)
