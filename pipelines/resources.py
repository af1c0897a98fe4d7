"""Dagster resources built from the settings (`VIVIER_*`, read in `pipelines.settings`)."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from pipelines.settings import parse_as_of


class VivierSettings(dg.ConfigurableResource):
    """Where the extracts are, the pseudonym key and the reporting window."""

    landing_dir: str
    pseudonym_key: str
    history_months: int = 120
    as_of: str = ""

    def as_of_date(self) -> dt.date | None:
        return parse_as_of(self.as_of)
