"""The one place that reads Vivier's settings (`VIVIER_*` environment variables).

Defaults follow contract section 1. `apply_defaults()` writes the default of
every unset variable into the environment, so that Dagster resources declared
with `EnvVar("VIVIER_...")` resolve the same values in `vivier run` and in
`dagster dev`.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

# Not a secret: it only makes demo pseudonyms reproducible. Every run that uses
# it says so, because pseudonyms made with a public key can be reversed.
DEMO_PSEUDONYM_KEY = "vivier-demo-key-not-secret"

DEFAULTS = {
    "VIVIER_LANDING_DIR": "data/landing",
    "VIVIER_WAREHOUSE": "data/warehouse/vivier.duckdb",
    "VIVIER_REPORT_DIR": "reports/build",
    "VIVIER_PSEUDONYM_KEY": DEMO_PSEUDONYM_KEY,
    "VIVIER_HISTORY_MONTHS": "120",
    # Empty: the as-of date is derived from the extracts (contract section 1).
    "VIVIER_AS_OF": "",
}


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse: Path
    report_dir: Path
    pseudonym_key: str
    history_months: int
    as_of: dt.date | None

    @property
    def uses_demo_key(self) -> bool:
        return self.pseudonym_key == DEMO_PSEUDONYM_KEY


def apply_defaults() -> None:
    """Sets every unset `VIVIER_*` variable to its default."""
    for name, value in DEFAULTS.items():
        if not os.environ.get(name):
            os.environ[name] = value


def load_settings() -> Settings:
    """Gives the settings in force, defaults filled in, with clear errors for bad values."""
    apply_defaults()
    env = os.environ
    return Settings(
        landing_dir=Path(env["VIVIER_LANDING_DIR"]),
        warehouse=Path(env["VIVIER_WAREHOUSE"]),
        report_dir=Path(env["VIVIER_REPORT_DIR"]),
        pseudonym_key=env["VIVIER_PSEUDONYM_KEY"],
        history_months=parse_history_months(env["VIVIER_HISTORY_MONTHS"]),
        as_of=parse_as_of(env["VIVIER_AS_OF"]),
    )


def parse_history_months(text: str) -> int:
    """Gives VIVIER_HISTORY_MONTHS as a positive whole number of months."""
    try:
        months = int(text)
    except ValueError:
        months = 0
    if months < 1:
        raise ValueError(f"VIVIER_HISTORY_MONTHS must be a whole number of months, 1 or more (got {text!r}).")
    return months


def parse_as_of(text: str) -> dt.date | None:
    """Gives VIVIER_AS_OF as a date (None when unset), accepting YYYY-MM-DD or DD/MM/YYYY."""
    text = text.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ValueError(f"VIVIER_AS_OF must be a date such as 2025-12-31 or 31/12/2025 (got {text!r}).")


def sensor_interval_seconds() -> int:
    """Gives how often the landing sensor looks at the folder (`VIVIER_SENSOR_INTERVAL_SECONDS`, default 30)."""
    text = os.environ.get("VIVIER_SENSOR_INTERVAL_SECONDS", "").strip() or "30"
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"VIVIER_SENSOR_INTERVAL_SECONDS must be a whole number of seconds, 1 or more (got {text!r}).")
    return int(text)
