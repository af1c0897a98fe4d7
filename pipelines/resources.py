"""Dagster resources built from the settings (`VIVIER_*`, read in `pipelines.settings`)."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from pipelines.settings import check_pseudonym_key, parse_as_of


class VivierSettings(dg.ConfigurableResource):
    """Where the extracts are, the pseudonym key and the reporting window."""

    landing_dir: str
    pseudonym_key: str
    history_months: int = 120
    as_of: str = ""

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # A run started from the UI or the daemon does not go through `vivier run`'s checks: a
        # setting that cannot be used fails the run before any step, with the same sentence.
        check_pseudonym_key(self.pseudonym_key)
        parse_as_of(self.as_of)
        if self.history_months < 1:
            raise ValueError(f"VIVIER_HISTORY_MONTHS must be a whole number of months, 1 or more "
                             f"(got {self.history_months}).")  # fmt: skip

    def as_of_date(self) -> dt.date | None:
        return parse_as_of(self.as_of)

