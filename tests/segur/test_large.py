"""The large-panel path (pipelines/segur/large.py, analytic.py): the same estimates as pyfixest and
the small-panel path, and intervals that agree with the bootstrap where both can be run."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import polars as pl
import pytest

from pipelines.segur.analytic import fit_two_way
from pipelines.segur.estimate import LARGE_PANEL_ESTABLISHMENTS, estimate_segur_effect
from tests.segur.helpers import known_panel, many_establishments_panel

WAVES = {"SOIN": dt.date(2022, 1, 1), "SOCIO": dt.date(2022, 4, 1), "TOUS": dt.date(2024, 1, 1)}


def row(result, outcome: str, estimator: str) -> dict:
    return result.effect.filter(outcome=outcome, estimator=estimator).row(0, named=True)


@pytest.fixture(scope="module")
def regression_data() -> pd.DataFrame:
    # 60 establishments x 4 families x 48 months; one family never covered; leads 1-3 before coverage.
    rng = np.random.default_rng(1)
    g, f, t = 60, 4, 48
    est = np.repeat(np.arange(g), f * t)
    fam = np.tile(np.repeat(np.arange(f), t), g)
    month = np.tile(np.arange(t), g * f)
    cell = est * f + fam
    h = rng.integers(1, 30, cell.size).astype(float)
    rel = month - np.array([20, 24, 30, 999])[fam]
    d = (rel >= 0).astype(np.int64)
    lead = np.where((rel < 0) & (rel >= -12), (-rel - 1) // 4 + 1, 0)
    mean = (
        h
        * 0.03
        * np.exp(rng.normal(0, 0.5, g * f))[cell]
        * (1 + 0.3 * (month > 15))
        * np.exp(-0.2 * d)
        * np.exp(rng.normal(0, 0.2, g))[est]
    )
    frame = pd.DataFrame(
        {
            "y": rng.poisson(mean).astype(float),
            "cell": cell,
            "month": month,
            "est": est,
            "h": h,
            "log_h": np.log(h),
            "d": d,
            "lead": lead,
            "yl": 0.05 + 0.01 * (cell % 7) + 0.02 * (month > 10) + 0.01 * d + rng.normal(0, 0.02, cell.size),
        }
    )
    for j in (1, 2, 3):
        frame[f"l{j}"] = (lead == j).astype(float)
    return frame


def fit_on(df, outcome: str, category: str, n_categories: int, **kwargs):
    """`fit_two_way` on the columns of `regression_data`: cell and month effects, clustered by establishment."""
    return fit_two_way(
        df[outcome].to_numpy(),
        df["cell"].to_numpy(),
        df["month"].to_numpy(),
        df["est"].to_numpy(),
        category=df[category].to_numpy(),
        n_categories=n_categories,
        **kwargs,
    )


def test_poisson_fit_with_cluster_robust_errors_matches_pyfixest(regression_data):
    import pyfixest as pf

    df = regression_data
    ours = fit_on(df, "y", "d", 1, poisson=True, exposure=df["h"].to_numpy())
    theirs = pf.fepois("y ~ d | cell + month", data=df, offset="log_h", vcov={"CRV1": "est"})
    assert ours.coef[0] == pytest.approx(theirs.coef()["d"], rel=1e-8)
    # Same CRV1; the small-sample factor (N - 1) / (N - k) differs in how k counts the months.
    assert np.sqrt(ours.vcov[0, 0]) == pytest.approx(theirs.se()["d"], rel=1e-3)


def test_lead_coefficients_on_uncovered_months_match_pyfixest(regression_data):
    import pyfixest as pf

    df = regression_data[regression_data["d"] == 0]
    ours = fit_on(df, "y", "lead", 3, poisson=True, exposure=df["h"].to_numpy())
    theirs = pf.fepois("y ~ l1 + l2 + l3 | cell + month", data=df, offset="log_h", vcov={"CRV1": "est"})
    assert ours.coef == pytest.approx(theirs.coef().to_numpy(), rel=1e-7)
    assert np.sqrt(np.diag(ours.vcov)) == pytest.approx(theirs.se().to_numpy(), rel=1e-3)


def test_weighted_least_squares_fit_matches_pyfixest(regression_data):
    import pyfixest as pf

    df = regression_data
    ours = fit_on(df, "yl", "d", 1, poisson=False, weights=df["h"].to_numpy())
    theirs = pf.feols("yl ~ d | cell + month", data=df, weights="h", vcov={"CRV1": "est"})
    assert ours.coef[0] == pytest.approx(theirs.coef()["d"], rel=1e-8)
    assert np.sqrt(ours.vcov[0, 0]) == pytest.approx(theirs.se()["d"], rel=1e-3)


def test_an_exact_twenty_percent_drop_is_recovered_on_the_large_path():
    panel = known_panel(WAVES)
    small, large = estimate_segur_effect(panel, bootstrap_reps=5), estimate_segur_effect(panel, large=True)
    chosen = row(large, "voluntary_exit_rate", "imputation_poisson")
    assert chosen["relative_estimate"] == pytest.approx(-0.2, abs=1e-9)
    assert chosen["note"].startswith("Poisson imputation") and "influence function" in chosen["note"]
    # Everything but the intervals of the imputation estimates is the small path's, to the fit's precision.
    for outcome, estimator in (
        ("voluntary_exit_rate", "imputation_poisson"),
        ("voluntary_exit_rate", "twfe_poisson"),
        ("vacancy_rate", "imputation_did2s"),
        ("vacancy_rate", "twfe_ols"),
    ):
        a, b = row(small, outcome, estimator), row(large, outcome, estimator)
        for column in ("estimate", "relative_estimate", "counterfactual_level"):
            assert b[column] == pytest.approx(a[column], rel=1e-6, abs=1e-9), (outcome, estimator, column)
        for column in (
            "n_units",
            "n_establishments",
            "n_covered_cell_months",
            "n_covered_cell_months_left_out",
            "first_month",
            "last_month",
        ):
            assert b[column] == a[column], (outcome, estimator, column)
    events = small.event_study.join(large.event_study, on=["outcome", "estimator", "rel_month"], suffix="_large")
    assert events["relative_estimate_large"].to_numpy() == pytest.approx(
        events["relative_estimate"].to_numpy(), abs=1e-6, nan_ok=True
    )
    assert (events["note"].fill_null("") == events["note_large"].fill_null("")).all()


def test_the_pre_trend_test_and_leads_agree_with_pyfixest_on_a_noisy_panel():
    # 60 establishments: with the 6 of known_panel, six leads' clustered covariance is singular.
    panel = many_establishments_panel(60, seed=2)
    small, large = estimate_segur_effect(panel, bootstrap_reps=5), estimate_segur_effect(panel, large=True)
    for outcome in ("voluntary_exit_rate", "vacancy_rate"):
        estimator = "imputation_poisson" if outcome == "voluntary_exit_rate" else "imputation_did2s"
        assert row(large, outcome, estimator)["pre_trend_p_value"] == pytest.approx(
            row(small, outcome, estimator)["pre_trend_p_value"], rel=1e-2, abs=1e-6
        )
    leads = small.event_study.join(large.event_study, on=["outcome", "estimator", "rel_month"], suffix="_large").filter(
        pl.col("rel_month") < 0, pl.col("relative_estimate").is_not_null()
    )
    assert leads.height > 30
    assert leads["relative_estimate_large"].to_numpy() == pytest.approx(
        leads["relative_estimate"].to_numpy(), rel=1e-6, abs=1e-9
    )
    for column in ("relative_ci_low", "relative_ci_high"):  # small-sample factors differ a little
        assert leads[f"{column}_large"].to_numpy() == pytest.approx(leads[column].to_numpy(), rel=1e-3, abs=1e-4)


@pytest.fixture(scope="module")
def many():
    panel = many_establishments_panel(250, effect=-0.2, seed=7)
    return panel, estimate_segur_effect(panel, bootstrap_reps=199, large=False), estimate_segur_effect(panel)


def test_from_a_hundred_establishments_the_large_path_is_chosen(many):
    _, bootstrap, default = many
    assert LARGE_PANEL_ESTABLISHMENTS == 100
    assert "influence function" in row(default, "voluntary_exit_rate", "imputation_poisson")["note"]
    assert "bootstrap" in row(bootstrap, "voluntary_exit_rate", "imputation_poisson")["note"]


def test_the_influence_function_interval_agrees_with_the_bootstrap(many):
    _, bootstrap, default = many
    a, b = (
        row(bootstrap, "voluntary_exit_rate", "imputation_poisson"),
        row(default, "voluntary_exit_rate", "imputation_poisson"),
    )
    assert b["relative_estimate"] == pytest.approx(a["relative_estimate"], abs=1e-8)

    def se_log(r):
        return (np.log1p(r["relative_ci_high"]) - np.log1p(r["relative_ci_low"])) / (2 * 1.96)

    # 199 draws estimate a standard error to about +-5 % (one standard deviation).
    assert se_log(b) == pytest.approx(se_log(a), rel=0.15)
    assert b["ci_high"] - b["ci_low"] == pytest.approx(a["ci_high"] - a["ci_low"], rel=0.15)
    assert b["relative_ci_low"] <= -0.2 <= b["relative_ci_high"]


def test_the_vacancy_interval_is_did2s_s(many):
    panel, _, default = many
    small = estimate_segur_effect(
        panel.filter(pl.col("establishment_id").is_in([f"E{i}" for i in range(60)])), bootstrap_reps=5
    )
    large = estimate_segur_effect(
        panel.filter(pl.col("establishment_id").is_in([f"E{i}" for i in range(60)])), large=True
    )
    a, b = row(small, "vacancy_rate", "imputation_did2s"), row(large, "vacancy_rate", "imputation_did2s")
    assert b["estimate"] == pytest.approx(a["estimate"], rel=1e-4)  # pyfixest demeans iteratively (tolerance)
    # pyfixest's did2s and the influence function: the same variance up to small-sample factors.
    assert b["ci_high"] - b["ci_low"] == pytest.approx(a["ci_high"] - a["ci_low"], rel=0.03)


def test_the_event_study_intervals_agree_with_the_bootstrap_percentiles(many):
    _, bootstrap, default = many
    months = bootstrap.event_study.join(default.event_study, on=["outcome", "estimator", "rel_month"], suffix="_large")
    months = months.filter(
        pl.col("outcome") == "voluntary_exit_rate", pl.col("rel_month") >= 0, pl.col("relative_estimate").is_not_null()
    )
    assert months.height >= 20
    widths = (months["relative_ci_high_large"] - months["relative_ci_low_large"]) / (
        months["relative_ci_high"] - months["relative_ci_low"]
    )
    # Month by month the bootstrap's percentiles are noisy (a few expected exits a month); the median agrees.
    assert 0.85 <= widths.median() <= 1.2
    assert widths.min() > 0.6 and widths.max() < 1.6


def test_the_two_outcomes_estimated_at_once_give_what_one_process_gives(monkeypatch):
    # On two cores the first outcome runs in a process of its own (`python -m pipelines.segur.child`):
    # its rows must be those the same arrays give here, to the last bit.
    from pipelines.segur import estimate

    panel = known_panel(WAVES)
    both = estimate_segur_effect(panel, large=True)
    monkeypatch.setattr(estimate.os, "cpu_count", lambda: 1)
    one = estimate_segur_effect(panel, large=True)
    assert both.effect.equals(one.effect) and both.event_study.equals(one.event_study)
    assert set(both.effect["outcome"]) == {"voluntary_exit_rate", "vacancy_rate"}
    assert both.effect["estimate"].null_count() == 0


def test_a_child_that_fails_fails_the_estimate_with_its_reason(monkeypatch):
    from pipelines.segur import estimate

    real_popen = estimate.subprocess.Popen

    def broken(command, **kwargs):  # the child is given an estimate it does not know
        return real_popen([*command[:3], "neither", *command[4:]], **kwargs)

    monkeypatch.setattr(estimate.subprocess, "Popen", broken)
    with pytest.raises(RuntimeError, match="voluntary_exit_rate failed in its own process: .*KeyError: 'neither'"):
        estimate_segur_effect(known_panel(WAVES), large=True)
