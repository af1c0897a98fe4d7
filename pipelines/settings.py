"""The one place that knows Vivier's settings (`VIVIER_*` environment variables).

`SCHEMA` names each setting, its default, how its text is read (with the sentence that
says why a value cannot be used) and whether it is secret. `load_settings()` reads them
all from the environment in one go and never writes to it: `vivier run`, the Dagster
resources (`pipelines/resources.py`, read once per run), the landing sensor and the report
all go through it, so they see the same values, defaults included (contract section 1).

A setting set to an empty value (or only spaces) takes its default, but for the pseudonym
key: an empty VIVIER_PSEUDONYM_KEY is a secret lookup that failed, and is refused as blank.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.text import printable

# Not a secret: it only makes demo pseudonyms reproducible. Every run that uses
# it says so, because pseudonyms made with a public key can be reversed.
DEMO_PSEUDONYM_KEY = "vivier-demo-key-not-secret"


@dataclass(frozen=True, repr=False)
class Settings:
    """The settings in force, as `load_settings()` read them: one field per entry of `SCHEMA`."""

    landing_dir: Path
    warehouse: Path
    report_dir: Path
    pseudonym_key: str
    history_months: int
    # None: the as-of date is derived from the extracts (contract section 1).
    as_of: dt.date | None
    sensor_interval_seconds: int
    # None: the report shows no département's DREES series (README, "The sector beside your figures").
    departement: str | None = None

    @property
    def uses_demo_key(self) -> bool:
        return self.pseudonym_key == DEMO_PSEUDONYM_KEY

    def __repr__(self) -> str:
        # A secret is never printed, whoever prints the settings (a log line, a traceback's locals).
        shown = (f"{s.field}={'<hidden>' if s.secret else repr(getattr(self, s.field))}" for s in SCHEMA)
        return f"Settings({', '.join(shown)})"


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
        raise ValueError(
            f"VIVIER_PSEUDONYM_KEY is not valid UTF-8 text (it holds bytes of another encoding). {fix}"
        ) from None
    if not key.strip():
        raise ValueError(f"VIVIER_PSEUDONYM_KEY is blank (only spaces). {fix}")
    if len(key) < MIN_KEY_CHARACTERS:
        raise ValueError(
            f"VIVIER_PSEUDONYM_KEY is {len(key)} character(s) long: too short to keep pseudonyms "
            f"from being recomputed. {fix}"
        )
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


def parse_sensor_interval(text: str) -> int:
    """Gives VIVIER_SENSOR_INTERVAL_SECONDS as a positive whole number of seconds."""
    text = text.strip()
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"VIVIER_SENSOR_INTERVAL_SECONDS must be a whole number of seconds, 1 or more (got {text!r}).")
    return int(text)


# A département as DREES and INSEE write it: 01 to 95, 2A and 2B (20 for the Collectivité de Corse), 971 to
# 976, 69D and 69M (the Rhône and the Métropole de Lyon, which DREES counts apart).
DEPARTEMENT = re.compile(r"(0[1-9]|[1-8][0-9]|9[0-5]|2[AB]|97[1-6]|69[DM])")


def parse_departement(text: str) -> str | None:
    """Gives VIVIER_DEPARTEMENT as its code (None when unset): upper case, a single digit with its zero."""
    code = text.strip().upper()
    if not code:
        return None
    code = code.zfill(2) if code.isdigit() else code
    if not DEPARTEMENT.fullmatch(code):
        raise ValueError(
            f"VIVIER_DEPARTEMENT must be a département code such as 34, 2A, 974 or 69M (got {printable(text)!r}), "
            "or be left unset for a report without a département's DREES series."
        )
    return code


@dataclass(frozen=True)
class Setting:
    """One `VIVIER_*` variable: its default (as the text it would be set to), how its text is read
    (a ValueError whose sentence says what is wrong and never shows a secret), and whether it is secret."""

    variable: str
    default: str
    parse: Callable[[str], Any]
    secret: bool = False
    # False for the key: set but empty, it is a secret lookup that failed (`$(cat /missing)`), not
    # "no key", and is refused as blank rather than quietly replaced by the public demo key.
    blank_means_default: bool = True
    # What it sets, in a few words, for `vivier --help`.
    description: str = ""

    @property
    def field(self) -> str:
        """Gives the name of its field in `Settings`: VIVIER_AS_OF is `as_of`."""
        return self.variable.removeprefix("VIVIER_").lower()

    def read(self, env: Mapping[str, str]) -> Any:
        """Gives the value in force in `env`, its default when unset; raises ValueError when it cannot be used."""
        text = env.get(self.variable)
        if text is None or (self.blank_means_default and not text.strip()):
            text = self.default
        return self.parse(text)


# Contract section 1, in the order the settings are checked (the first that cannot be used is reported).
SCHEMA = (
    Setting("VIVIER_LANDING_DIR", "data/landing", Path, description="folder of the extracts"),
    Setting("VIVIER_WAREHOUSE", "data/warehouse/vivier.duckdb", Path, description="DuckDB warehouse file"),
    Setting("VIVIER_REPORT_DIR", "reports/build", Path, description="where the report is built"),
    Setting(
        "VIVIER_PSEUDONYM_KEY",
        DEMO_PSEUDONYM_KEY,
        check_pseudonym_key,
        secret=True,
        blank_means_default=False,
        description="key of the pseudonyms",
    ),
    Setting("VIVIER_HISTORY_MONTHS", "120", parse_history_months, description="months reported"),
    # Empty: the as-of date is derived from the extracts.
    Setting("VIVIER_AS_OF", "", parse_as_of, description="last day reported (see below)"),
    Setting(
        "VIVIER_SENSOR_INTERVAL_SECONDS",
        "30",
        parse_sensor_interval,
        description="seconds between sensor looks",
    ),
    # Empty: the report shows the sector's benchmarks only, no département's DREES series.
    Setting("VIVIER_DEPARTEMENT", "", parse_departement, description="your département, for DREES series"),
)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Gives the settings in force in `env` (default: the environment), defaults filled in; raises
    ValueError, with one sentence that says why, for the first value that cannot be used.
    Reads the environment only: nothing is written to it."""
    env = os.environ if env is None else env
    return Settings(**{s.field: s.read(env) for s in SCHEMA})


def read_setting(variable: str, env: Mapping[str, str] | None = None) -> Any:
    """Gives one setting in force, read and checked as `load_settings()` does, without the others."""
    setting = next(s for s in SCHEMA if s.variable == variable)
    return setting.read(os.environ if env is None else env)


def sensor_interval_seconds(env: Mapping[str, str] | None = None) -> int:
    """Gives how often the landing sensor looks at the folder (`VIVIER_SENSOR_INTERVAL_SECONDS`).

    Read alone, when the definitions are loaded: another setting that cannot be used (the key, say)
    fails the runs and the sensor's ticks with its sentence, not the loading of the whole code location."""
    return read_setting("VIVIER_SENSOR_INTERVAL_SECONDS", env)


def warehouse_path_problem(path: Path) -> str | None:
    """Gives why VIVIER_WAREHOUSE cannot be a warehouse file (it is a folder, or sits under a file), or None."""
    if path.is_dir():
        return (
            f"VIVIER_WAREHOUSE is {printable(str(path))}, which is a folder: it must name the DuckDB file, "
            f"for example {printable(str(path / 'vivier.duckdb'))}."
        )
    for parent in path.parents:
        if parent.is_dir():
            break
        if parent.exists():
            return (
                f"VIVIER_WAREHOUSE is {printable(str(path))}, but {printable(str(parent))} is a file, not a "
                "folder: choose a path in a folder, for example data/warehouse/vivier.duckdb."
            )
    return None
