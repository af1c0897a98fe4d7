"""Everything Dagster shows for Vivier: assets by domain, resources, the nightly job.

`dagster dev` (through workspace.yaml) and `vivier run` load this same module."""

from __future__ import annotations

import dagster as dg

from pipelines.carers.assets import carer_assets, carer_checks
from pipelines.ingest.assets import ingest_assets
from pipelines.operations import landing_sensor, nightly_schedule
from pipelines.progress import PROGRESS_LOGGER, progress_logger
from pipelines.quality.checks import quality_checks
from pipelines.report.assets import report_after_refresh, report_assets, report_refresh
from pipelines.resources import VivierSettings, warehouse_from_settings
from pipelines.segur.assets import segur_assets
from pipelines.workforce.assets import workforce_assets, workforce_checks

# In-process: DuckDB has one writer anyway, and it is 3x faster than one process per step.
nightly_refresh = dg.define_asset_job(
    "nightly_refresh",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("report"),
    executor_def=dg.in_process_executor,
    description="Every asset, from the landing files to the marts (the report: `vivier report`).",
)

defs = dg.Definitions(
    assets=[*ingest_assets, *workforce_assets, *carer_assets, *segur_assets, *report_assets],
    asset_checks=[*workforce_checks, *quality_checks, *carer_checks],
    jobs=[nightly_refresh, report_refresh],
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
