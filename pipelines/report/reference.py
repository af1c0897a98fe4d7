"""The public figures the report sets beside the employer's own: shipped in `pipelines/reference/`, read by
the report build, never by the pipeline (they do not depend on the extracts).

- `sector_benchmarks.csv`: benchmarks of the sector (Axess, Uniopss, DREES...), each with its value, the
  date it describes, its scope, its source and what differs from the employer's figure it is drawn beside.
- `drees_departements.csv`: each département's staff of its social action and its assistants familiaux,
  2014-2020, as DREES published them (written by `tools/drees_series.py`, each figure with its sheet).

`attach_reference` puts both in a catalog `reference` of the report's DuckDB session (in memory: the
warehouse, opened read only, is not written), and names the employer's département (VIVIER_DEPARTEMENT)
in the session variable `vivier_departement`, which the view `departement_drees_series` filters on: unset,
that view is empty and the pages draw nothing."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb
import polars as pl

from pipelines.paths import REFERENCE_DIR

CATALOG = "reference"
DEPARTEMENT_VARIABLE = "vivier_departement"

BENCHMARKS = REFERENCE_DIR / "sector_benchmarks.csv"
DREES = REFERENCE_DIR / "drees_departements.csv"
# Every benchmark says what it is worth, when, over whom, and who says so.
BENCHMARK_REQUIRED = ("benchmark", "label_fr", "value", "unit", "period", "scope", "source", "source_short")
DREES_REQUIRED = ("departement", "departement_name", "year", "measure", "value", "source", "sheet")
UNITS = ("share", "count")


class ReferenceFileError(ValueError):
    """A shipped reference file that lacks a value the report needs."""


def read_reference(path: Path, required: tuple[str, ...], numbers: dict[str, pl.DataType]) -> pl.DataFrame:
    """Gives a shipped reference file, every column text but `numbers`; raises ReferenceFileError naming the
    file, the line and the column of the first empty value among `required`, or a value that is not a number."""
    frame = pl.read_csv(path, infer_schema=False)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ReferenceFileError(f"{path.name} has no column {', '.join(missing)}; its header must hold {required}.")
    for column in required:
        empty = frame.with_row_index("line", offset=2).filter(
            pl.col(column).is_null() | (pl.col(column).str.strip_chars() == "")
        )
        if empty.height:
            raise ReferenceFileError(
                f"{path.name}, line {empty['line'][0]}: `{column}` is empty; every line gives its {column}."
            )
    for column, dtype in numbers.items():
        bad = frame.with_row_index("line", offset=2).filter(pl.col(column).cast(dtype, strict=False).is_null())
        if bad.height:
            raise ReferenceFileError(
                f"{path.name}, line {bad['line'][0]}: `{column}` is {bad[column][0]!r}, not a number "
                "(write it with a dot: 0.214, 35971)."
            )
    return frame.with_columns(pl.col(c).cast(t) for c, t in numbers.items())


def sector_benchmarks(path: Path = BENCHMARKS) -> pl.DataFrame:
    """Gives the sector's benchmarks, one row each: a share as a fraction (0.214 for 21.4 %), or a count."""
    frame = read_reference(path, BENCHMARK_REQUIRED, {"value": pl.Float64})
    units = frame.with_row_index("line", offset=2).filter(~pl.col("unit").is_in(UNITS))
    if units.height:
        raise ReferenceFileError(
            f"{path.name}, line {units['line'][0]}: `unit` is {units['unit'][0]!r}; write share (a fraction, "
            "0.214 for 21.4 %) or count."
        )
    return frame


def drees_departements(path: Path = DREES) -> pl.DataFrame:
    """Gives the DREES figures of every département, one row per département, measure and year."""
    return read_reference(path, DREES_REQUIRED, {"year": pl.Int32, "value": pl.Int64})


@cache
def shipped_tables() -> tuple[tuple[str, pl.DataFrame], ...]:
    """Gives the shipped reference tables by name, read once per process: the views run many times in the tests."""
    return (("sector_benchmarks", sector_benchmarks()), ("drees_departements", drees_departements()))


def attach_reference(con: duckdb.DuckDBPyConnection, departement: str | None = None) -> None:
    """Puts the shipped reference tables in the catalog `reference` of `con`'s session (in memory) and names
    the employer's département, or none, in the variable the DREES view reads. Read-write: a warehouse opened
    read only would make an in-memory catalog read only too."""
    con.execute(f"ATTACH IF NOT EXISTS ':memory:' AS {CATALOG} (READ_WRITE)")
    for name, frame in shipped_tables():
        con.register("reference_frame", frame)
        con.execute(f"CREATE OR REPLACE TABLE {CATALOG}.{name} AS SELECT * FROM reference_frame")
        con.unregister("reference_frame")
    con.execute(f"SET VARIABLE {DEPARTEMENT_VARIABLE} = ?", [departement])
