"""Dagster resources built from the settings (`VIVIER_*`, known to `pipelines.settings` only).

Neither resource has a config field: the settings are read from the environment once per
run, when the run starts, and so never appear in the run config or on the UI's Resources
page (the pseudonym key least of all)."""

from __future__ import annotations

from collections.abc import Iterator

import dagster as dg

from pipelines.settings import Settings, load_settings
from pipelines.warehouse import Warehouse


class VivierSettings(dg.ConfigurableResource):
    """The VIVIER_* settings (pipelines/settings.py), read from the environment once when a run starts,
    defaults filled in. A setting that cannot be used fails the run before any step, saying why in one
    sentence, as `vivier run` does. No config: nothing of them, the pseudonym key least of all, shows here."""

    # Assets get the `Settings` record (`settings: dg.ResourceParam[Settings]`), not this object.
    def create_resource(self, context: dg.InitResourceContext) -> Settings:
        return load_settings()


@dg.resource(
    required_resource_keys={"settings"},
    description="The DuckDB warehouse named by VIVIER_WAREHOUSE, as the run's settings read it.",
)
def warehouse_from_settings(context: dg.InitResourceContext) -> Iterator[Warehouse]:
    """Gives the run's Warehouse at the path of the run's settings (the same read as every asset's)."""
    settings: Settings = context.resources.settings
    with Warehouse(path=str(settings.warehouse)).yield_for_execution(context) as warehouse:
        yield warehouse
