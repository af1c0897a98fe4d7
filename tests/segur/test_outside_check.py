"""An outside check: the estimate on public staggered panels whose true effect is known, shipped
inside pyfixest (MIT licence), so no network is needed (docs/segur.md, section 11).

- `df_het.csv`, the example panel of the did2s R package (Butts & Gardner 2022), as in pyfixest's
  documentation: 1,500 units in 40 states, 1990-2020, treated in 2000, in 2010 or never, with
  effects that differ by group and grow with time; the true effect of every treated unit-year is
  in the data (`te + te_dynamic`), 2.2202 on average.
- `lpdidtestdata1.dta`, the test panel of the LP-DiD Stata package (Dube, Girardi, Jordà & Taylor
  2023): 2,000 units, 50 periods, staggered treatment; the true effect is in `effect`.

Both outcomes are levels, not counts, so they go through the linear imputation (the vacancy
path), with each unit as a cell, periods as months, and no exit columns. The Castle Doctrine
panel the issue used for the Poisson path does not ship with any installed package."""

from __future__ import annotations

import importlib.resources

import pandas as pd
import polars as pl
import pytest

from pipelines.segur.estimate import estimate_segur_effect

DATA = importlib.resources.files("pyfixest") / "did" / "data"


def as_month(period: pl.Expr, first: int) -> pl.Expr:
    """One period per month from 01/2000, so that months since coverage count periods."""
    return pl.date(2000, 1, 1).dt.offset_by(pl.format("{}mo", (period - first).cast(pl.Int64)))


def row(result, estimator: str) -> dict:
    return result.effect.filter(outcome="vacancy_rate", estimator=estimator).row(0, named=True)


@pytest.fixture(scope="module")
def did2s_example():
    raw = pl.read_csv(DATA / "df_het.csv")
    panel = raw.select(
        establishment_id=pl.format("S{}", "state"),
        job_family=pl.format("U{}", "unit"),
        month=as_month(pl.col("year"), 1990),
        cover_month=pl.when(pl.col("g") > 0).then(as_month(pl.col("g"), 1990)),
        budgeted_fte=pl.lit(1.0),
        vacancy_rate=pl.col("dep_var"),
    )
    truth = raw.filter(pl.col("treat")).select((pl.col("te") + pl.col("te_dynamic")).mean()).item()
    return raw, panel, truth


def test_the_did2s_example_panel_carries_its_true_effect(did2s_example):
    raw, _, truth = did2s_example
    assert truth == pytest.approx(2.2202, abs=1e-4)
    assert raw.filter(pl.col("treat")).height == 15_274


def test_on_the_did2s_example_the_imputation_finds_the_true_effect_and_the_naive_regression_misses_it(did2s_example):
    _, panel, truth = did2s_example
    result = estimate_segur_effect(panel)  # 40 states: the small path, pyfixest's did2s
    chosen, naive = row(result, "imputation_did2s"), row(result, "twfe_ols")
    assert chosen["n_establishments"] == 40 and chosen["n_units"] == 1500
    assert chosen["ci_low"] <= truth <= chosen["ci_high"]
    assert chosen["estimate"] == pytest.approx(2.2305, abs=1e-4)
    # Effects that differ between the 2000 and 2010 groups and grow: the naive regression is 0.24 too low.
    assert naive["estimate"] == pytest.approx(1.9825, abs=1e-4)
    assert naive["ci_high"] < truth


def test_on_the_did2s_example_the_large_path_gives_pyfixests_did2s(did2s_example):
    import pyfixest as pf

    raw, panel, _ = did2s_example
    large = row(estimate_segur_effect(panel, large=True), "imputation_did2s")
    fit = pf.did2s(
        raw.to_pandas(),
        yname="dep_var",
        first_stage="~ 0 | unit + year",
        second_stage="~ treat",
        treatment="treat",
        cluster="state",
    )
    assert large["estimate"] == pytest.approx(float(fit.coef().iloc[0]), rel=1e-6)
    # The influence function and did2s's two-stage variance, within their small-sample factors.
    assert (large["ci_high"] - large["ci_low"]) / (2 * 1.959963984540054) == pytest.approx(
        float(fit.se().iloc[0]), rel=0.03
    )


def test_on_the_did2s_example_there_is_no_pre_trend_test_and_the_note_says_why(did2s_example):
    # The 2000 group is seen from 1990, the 2010 group from 1990: all their untreated years lie within
    # the 24 periods before treatment, so the leads have nothing to be compared with.
    _, panel, _ = did2s_example
    chosen = row(estimate_segur_effect(panel, large=True), "imputation_did2s")
    assert chosen["pre_trend_p_value"] is None
    assert "No pre-trend test: no covered cell has an uncovered month older than the 24 months" in chosen["note"]


def test_on_the_lp_did_test_panel_the_imputation_finds_the_true_effect():
    raw = pl.from_pandas(pd.read_stata(DATA / "lpdidtestdata1.dta"))
    panel = raw.select(
        establishment_id=pl.format("E{}", pl.col("unit").cast(pl.Int64)),
        job_family=pl.lit("F"),
        month=as_month(pl.col("time").cast(pl.Int64), 1),
        cover_month=pl.when(pl.col("event_date").is_not_null()).then(as_month(pl.col("event_date").cast(pl.Int64), 1)),
        budgeted_fte=pl.lit(1.0),
        vacancy_rate=pl.col("Y").cast(pl.Float64),
    )
    treated = raw.filter(pl.col("event_date").is_not_null() & (pl.col("time") >= pl.col("event_date")))
    truth = float(treated["effect"].mean())
    assert truth == pytest.approx(143.52, abs=1e-2) and treated.height == 51_005
    result = estimate_segur_effect(panel)  # 2,000 units: the large path
    chosen, naive = row(result, "imputation_did2s"), row(result, "twfe_ols")
    assert chosen["n_covered_cell_months"] == 51_005
    assert chosen["ci_low"] <= truth <= chosen["ci_high"]
    assert chosen["estimate"] == pytest.approx(143.44, abs=1e-2)
    assert naive["ci_high"] < 0.2 * truth  # already-treated units as comparisons: 17, for 144
    # Units treated late have more than 24 untreated periods: the leads have a reference, and no drift was planted.
    assert chosen["pre_trend_p_value"] > 0.05
