"""Shared fixtures: demo extracts written once per session, and a helper that
runs the whole nightly_refresh job on a landing folder into a fresh warehouse."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.demo import generate_demo


@contextmanager
def vivier_env(**values: str):
    """Sets VIVIER_* variables for the duration of a block, then restores them."""
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_pipeline(landing: Path, warehouse: Path, **env: str):
    """Runs every asset on `landing` into `warehouse`; gives the run's outcome."""
    from pipelines.cli import execute_nightly_refresh

    settings = {"VIVIER_LANDING_DIR": str(landing), "VIVIER_WAREHOUSE": str(warehouse), "VIVIER_AS_OF": ""} | env
    with vivier_env(**settings), dg.DagsterInstance.ephemeral() as instance:
        return execute_nightly_refresh(instance)


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


# The Ségur estimate's tables: on the small demo its fits differ between two processes (docs/segur.md).
SEGUR_ESTIMATES = ("marts.segur_effect", "marts.segur_event_study")


def snapshot(warehouse: Path, leave_out: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Gives every table's rows, sorted, as text, to compare two warehouses.

    validation_results is appended to on every run, by design: it is the quality history; asset_versions
    says which run wrote each table.
    The ml schema (model registry, metrics) is left to the model's own tests: its registry
    records when each model was trained."""
    tables = query(
        warehouse,
        "SELECT table_schema || '.' || table_name FROM information_schema.tables "
        "WHERE table_name NOT IN ('validation_results', 'asset_versions') AND table_schema <> 'ml'",
    )
    return {t: sorted(map(_rounded, query(warehouse, f"SELECT * FROM {t}"))) for (t,) in tables if t not in leave_out}


def _rounded(row: tuple) -> str:
    """A row as text, floats to 7 significant digits: sums may differ in their last bits between runs
    (pyfixest's multithreaded fits move the Ségur bootstrap's figures by about 1e-11 of their value,
    which flips a 9th digit now and then)."""
    return repr(tuple(f"{v:.7g}" if isinstance(v, float) else v for v in row))


@pytest.fixture(scope="session")
def small_demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("small") / "landing"
    generate_demo(out, scale="small", seed=7)
    return out


@pytest.fixture(scope="session")
def messy_demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("messy") / "landing"
    generate_demo(out, scale="small", seed=11, messy=True)
    return out


@pytest.fixture(scope="session")
def small_run(small_demo, tmp_path_factory) -> tuple[Path, object]:
    """The warehouse of a run of the small demo, and the run's outcome (pipelines.progress.RunOutcome)."""
    warehouse = tmp_path_factory.mktemp("wh") / "vivier.duckdb"
    outcome = run_pipeline(small_demo, warehouse)
    assert outcome.success, outcome.failures
    return warehouse, outcome


@pytest.fixture(scope="session")
def small_warehouse(small_run) -> Path:
    return small_run[0]


@pytest.fixture(scope="session")
def messy_warehouse(messy_demo, tmp_path_factory) -> Path:
    warehouse = tmp_path_factory.mktemp("wh") / "vivier.duckdb"
    outcome = run_pipeline(messy_demo, warehouse)
    assert outcome.success, outcome.failures
    return warehouse
