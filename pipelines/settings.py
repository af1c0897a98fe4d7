"""The one place that reads Vivier's settings (`VIVIER_*` environment variables).

Defaults follow contract section 1. `apply_defaults()` writes the default of
every unset variable into the environment, so that Dagster resources declared
with `EnvVar("VIVIER_...")` resolve the same values in `vivier run` and in
`dagster dev`. An empty VIVIER_PSEUDONYM_KEY is not unset: it is refused as blank.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from pipelines.text import printable

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
        # A key set but empty is a secret lookup that failed (`$(cat /missing)`), not "no key":
        # it is refused as blank rather than quietly replaced by the public demo key.
        unset = name not in os.environ if name == "VIVIER_PSEUDONYM_KEY" else not os.environ.get(name)
        if unset:
            os.environ[name] = value


def load_settings() -> Settings:
    """Gives the settings in force, defaults filled in, with clear errors for bad values."""
    apply_defaults()
    env = os.environ
    return Settings(
        landing_dir=Path(env["VIVIER_LANDING_DIR"]),
        warehouse=Path(env["VIVIER_WAREHOUSE"]),
        report_dir=Path(env["VIVIER_REPORT_DIR"]),
        pseudonym_key=check_pseudonym_key(env["VIVIER_PSEUDONYM_KEY"]),
        history_months=parse_history_months(env["VIVIER_HISTORY_MONTHS"]),
        as_of=parse_as_of(env["VIVIER_AS_OF"]),
    )


# A key that is short or guessable lets anyone holding an extract, or a list of likely
# matricules, recompute every pseudonym: the contract asks for 16 characters at least.
MIN_KEY_CHARACTERS = 16


def check_pseudonym_key(key: str) -> str:
    """Gives VIVIER_PSEUDONYM_KEY if it can make pseudonyms (the demo key, or a key of your own of at
    least 16 characters, not blank, valid UTF-8); the error never shows the key."""
    if key == DEMO_PSEUDONYM_KEY:
        return key
    fix = "Set it to a secret of at least 16 characters, e.g. the output of `openssl rand -hex 16`, and keep it."
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        # os.environ holds bytes that are not UTF-8 as lone surrogates (PEP 383).
        raise ValueError(f"VIVIER_PSEUDONYM_KEY is not valid UTF-8 text (it holds bytes of another encoding). "
                         f"{fix}") from None  # fmt: skip
    if not key.strip():
        raise ValueError(f"VIVIER_PSEUDONYM_KEY is blank (only spaces). {fix}")
    if len(key) < MIN_KEY_CHARACTERS:
        raise ValueError(f"VIVIER_PSEUDONYM_KEY is {len(key)} character(s) long: too short to keep pseudonyms "
                         f"from being recomputed. {fix}")  # fmt: skip
    return key


def parse_history_months(text: str) -> int:
    """Gives VIVIER_HISTORY_MONTHS as a positive whole number of months."""
    try:
        months = int(text)
    except ValueError:
        months = 0
    if months < 1:
        raise ValueError(f"VIVIER_HISTORY_MONTHS must be a whole number of months, 1 or more (got {text!r}).")
    return months


def parse_as_of(text: str, today: dt.date | None = None) -> dt.date | None:
    """Gives VIVIER_AS_OF as a date (None when unset), accepting YYYY-MM-DD or DD/MM/YYYY, and
    refusing a day after today: a month is reported only once it is over (contract section 1)."""
    text = text.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            as_of = dt.datetime.strptime(text, fmt).date()
            break
        except ValueError:
            pass
    else:
        raise ValueError(f"VIVIER_AS_OF must be a date such as 2025-12-31 or 31/12/2025 (got {printable(text)!r}).")
    today = today or dt.date.today()
    if as_of > today:
        raise ValueError(
            f"VIVIER_AS_OF is {as_of}, after today ({today}): months that are not over cannot be reported. "
            "Set it to the last day of a complete month, or leave it unset to take the latest complete month "
            "of the extracts."
        )
    return as_of


def warehouse_path_problem(path: Path) -> str | None:
    """Gives why VIVIER_WAREHOUSE cannot be a warehouse file (it is a folder, or sits under a file), or None."""
    if path.is_dir():
        return (f"VIVIER_WAREHOUSE is {printable(str(path))}, which is a folder: it must name the DuckDB file, "
                f"for example {printable(str(path / 'vivier.duckdb'))}.")  # fmt: skip
    for parent in path.parents:
        if parent.is_dir():
            break
        if parent.exists():
            return (f"VIVIER_WAREHOUSE is {printable(str(path))}, but {printable(str(parent))} is a file, not a "
                    "folder: choose a path in a folder, for example data/warehouse/vivier.duckdb.")  # fmt: skip
    return None


def sensor_interval_seconds() -> int:
    """Gives how often the landing sensor looks at the folder (`VIVIER_SENSOR_INTERVAL_SECONDS`, default 30)."""
    text = os.environ.get("VIVIER_SENSOR_INTERVAL_SECONDS", "").strip() or "30"
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"VIVIER_SENSOR_INTERVAL_SECONDS must be a whole number of seconds, 1 or more (got {text!r}).")
    return int(text)
