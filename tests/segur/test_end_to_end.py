"""One departement-scale demo, end to end: generate, run the Ségur marts and everything upstream,
read marts.segur_effect, and find the planted effect again.

At departement scale the default planted effect (-20 % on the voluntary-exit hazard) is too small
for a 95 % interval to exclude zero in most seeds: about 160 voluntary exits a year, and only 21
months in which some families are covered and others not yet (docs/segur.md, "How much data it
needs"). The test plants -40 %, where the interval covers the planted value and excludes zero in
4 of the 5 seeds of the docs' table; this is seed 4 of that table."""

from __future__ import annotations

import json

import duckdb
import pytest

from benchmarks.segur_seeds import run_segur
from pipelines.demo import generate_demo

SEED = 4
PLANTED = -0.4


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    folder = tmp_path_factory.mktemp("segur")
    generate_demo(folder / "landing", scale="departement", seed=SEED, segur_effect=PLANTED)
    assert run_segur(folder / "landing", folder / "vivier.duckdb")
    return folder


@pytest.mark.slow
def test_the_interval_covers_the_planted_effect_and_excludes_zero(warehouse):
    truth = json.loads((warehouse / "landing" / "_truth" / "truth.json").read_text())
    assert truth["segur_relative_effect_voluntary_exits"] == PLANTED
    with duckdb.connect(str(warehouse / "vivier.duckdb"), read_only=True) as con:
        row = con.execute(
            "SELECT relative_estimate, relative_ci_low, relative_ci_high, estimate, ci_low, ci_high, n_units, "
            "pre_trend_p_value FROM marts.segur_effect "
            "WHERE outcome = 'voluntary_exit_rate' AND estimator = 'imputation_poisson'"
        ).fetchone()
    relative, low, high, estimate, ci_low, ci_high, n_units, pre_trend = row
    assert low <= PLANTED <= high
    assert high < 0 and ci_high < 0 and ci_low <= estimate <= ci_high
    assert n_units > 300 and 0 <= pre_trend <= 1


@pytest.mark.slow
def test_every_contract_table_is_written(warehouse):
    with duckdb.connect(str(warehouse / "vivier.duckdb"), read_only=True) as con:
        effect = con.execute("SELECT outcome, estimator FROM marts.segur_effect ORDER BY 1, 2").fetchall()
        months = con.execute(
            "SELECT min(rel_month), max(rel_month), count(*) FROM marts.segur_event_study "
            "WHERE outcome = 'vacancy_rate'"
        ).fetchone()
        pay = con.execute("SELECT count(*) FROM marts.segur_pay WHERE median_gross_pay_after > median_gross_pay_before")
        pay = pay.fetchone()[0]
    assert effect == [
        ("vacancy_rate", "imputation_did2s"),
        ("vacancy_rate", "twfe_ols"),
        ("voluntary_exit_rate", "imputation_poisson"),
        ("voluntary_exit_rate", "twfe_poisson"),
    ]
    assert months == (-24, 24, 49)
    assert pay >= 10  # the demo adds 238 EUR gross to pay at hire once covered
