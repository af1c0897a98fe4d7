"""The estimate on hand-made panels: exact effects recovered, and no number where none can be made."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import polars as pl
import pytest

from pipelines.segur.estimate import estimate_segur_effect, fit_poisson_two_way, imputed_voluntary_exits
from pipelines.segur.rows import WINDOW
from tests.segur.helpers import known_panel

WAVES = {"SOIN": dt.date(2022, 1, 1), "SOCIO": dt.date(2022, 4, 1), "TOUS": dt.date(2024, 1, 1)}


def row(result, outcome: str, estimator: str) -> dict:
    table = result.effect.filter(outcome=outcome, estimator=estimator)
    assert table.height == 1
    return table.row(0, named=True)


@pytest.fixture(scope="module")
def constant():
    return estimate_segur_effect(known_panel(WAVES), bootstrap_reps=20)


def test_an_exact_twenty_percent_drop_is_recovered(constant):
    chosen = row(constant, "voluntary_exit_rate", "imputation_poisson")
    assert chosen["relative_estimate"] == pytest.approx(-0.2, abs=1e-9)
    assert chosen["relative_ci_low"] - 1e-6 <= -0.2 <= chosen["relative_ci_high"] + 1e-6
    # In outcome units: 20 % of the level the covered cells would have had.
    assert chosen["estimate"] == pytest.approx(-0.2 * chosen["counterfactual_level"], rel=1e-9)
    assert chosen["note"].startswith("Poisson imputation")


def test_covered_months_without_an_uncovered_family_are_left_out(constant):
    chosen = row(constant, "voluntary_exit_rate", "imputation_poisson")
    # From 01/2024 every family is covered: nothing shows what would have happened without the measure.
    assert chosen["last_month"] == dt.date(2023, 12, 1)
    assert chosen["n_covered_cell_months_left_out"] == 3 * 6 * 12
    assert chosen["n_units"] == 18 and chosen["n_establishments"] == 6


def test_a_constant_effect_is_also_found_by_the_naive_regression(constant):
    assert row(constant, "voluntary_exit_rate", "twfe_poisson")["relative_estimate"] == pytest.approx(-0.2, abs=1e-6)


def test_vacancies_with_no_effect_give_zero(constant):
    chosen = row(constant, "vacancy_rate", "imputation_did2s")
    assert chosen["estimate"] == pytest.approx(0.0, abs=1e-9)
    assert chosen["relative_estimate"] == pytest.approx(0.0, abs=1e-9)


def test_the_pre_trend_test_finds_a_drift_before_coverage_and_none_when_there_is_none():
    from pipelines.segur.estimate import _pre_trend_p, _sample

    calm = _sample(known_panel(WAVES, noise_seed=1), "voluntary_exit_rate")
    # Exits already falling in the year before coverage (anticipation): 25 % lower.
    drifting = _sample(
        known_panel(WAVES, before=lambda k: -0.25 if k >= -12 else 0.0, noise_seed=1), "voluntary_exit_rate"
    )
    assert _pre_trend_p(calm, poisson=True)[0] > 0.05
    assert _pre_trend_p(drifting, poisson=True)[0] < 0.001


def test_event_study_has_every_month_from_minus_24_to_plus_24(constant):
    exits = constant.event_study.filter(outcome="voluntary_exit_rate")
    assert exits["rel_month"].to_list() == list(range(-WINDOW, WINDOW + 1))
    after = exits.filter(pl.col("rel_month").is_between(0, 20))
    assert after["relative_estimate"].to_numpy() == pytest.approx(np.full(21, -0.2), abs=1e-9)
    # 24 months after the first wave, every family is covered: no comparison is left.
    assert exits.filter(rel_month=24)["estimate"].item() is None


def test_growing_effects_bias_the_naive_regression_but_not_the_imputation():
    def growing(k):  # -5 % at coverage, -15 % two years on
        return -0.05 * (1 + k / 12)

    panel = known_panel(WAVES, effect=growing)
    result = estimate_segur_effect(panel, bootstrap_reps=20)
    cells = imputed_voluntary_exits(panel)
    planted = (cells["expected_without_measure"] * growing(cells["rel_month"])).sum() / cells[
        "expected_without_measure"
    ].sum()
    chosen = row(result, "voluntary_exit_rate", "imputation_poisson")["relative_estimate"]
    assert chosen == pytest.approx(planted, abs=1e-9)
    naive = row(result, "voluntary_exit_rate", "twfe_poisson")["relative_estimate"]
    assert abs(naive - planted) > 0.2 * abs(planted)


def test_no_covered_family_gives_the_reason_not_a_number():
    result = estimate_segur_effect(known_panel({"A": None, "B": None}), bootstrap_reps=5)
    assert result.note and "no job family in the data is covered" in result.note
    assert result.effect.height == 4 and result.effect["estimate"].null_count() == 4
    assert set(result.effect["note"]) == {result.note}
    assert result.event_study["estimate"].null_count() == result.event_study.height


def test_all_covered_at_once_gives_the_reason_not_a_number():
    result = estimate_segur_effect(known_panel({"A": dt.date(2022, 4, 1), "B": dt.date(2022, 4, 1)}), bootstrap_reps=5)
    assert result.note and "covered from the same month (04/2022)" in result.note
    assert result.effect["relative_estimate"].null_count() == 4


def test_poisson_two_way_fit_matches_pyfixest():
    import pyfixest as pf

    rng = np.random.default_rng(3)
    cells, months = 30, 24
    cell, month = np.repeat(np.arange(cells), months), np.tile(np.arange(months), cells)
    exposure = rng.integers(1, 20, cell.size).astype(float)
    y = rng.poisson(exposure * 0.05 * np.exp(rng.normal(0, 0.3, cells))[cell] * (1 + 0.5 * (month > 12)))
    cell_level, month_level = fit_poisson_two_way(y.astype(float), exposure, cell, month)
    ours = exposure * cell_level[cell] * month_level[month]
    data = pd.DataFrame({"y": y, "cell": cell, "month": month, "log_h": np.log(exposure)})
    fit = pf.fepois("y ~ 1 | cell + month", data=data, offset="log_h", vcov="iid")
    kept = ours > 0  # pyfixest drops cells with no event (separation)
    assert np.asarray(fit.predict(type="response")) == pytest.approx(ours[kept], rel=1e-5)


def test_a_cell_seen_once_before_coverage_does_not_stop_the_vacancy_estimate():
    # A service opened the month before its family's rise: one uncovered month, then covered ones.
    # The two-stage fit drops a level seen once; the estimate must go on without that cell.
    panel = known_panel(WAVES)
    opened = panel.filter(
        pl.col("establishment_id") == "E1", pl.col("job_family") == "SOCIO", pl.col("month") >= dt.date(2022, 3, 1)
    ).with_columns(establishment_id=pl.lit("E7"))
    result = estimate_segur_effect(pl.concat([panel, opened]), bootstrap_reps=5)
    chosen = row(result, "vacancy_rate", "imputation_did2s")
    assert chosen["estimate"] == pytest.approx(0.0, abs=1e-9)
    assert chosen["n_units"] == 18  # the new cell is left out


def test_singletons_are_removed_until_none_is_left():
    from pipelines.segur.estimate import _without_singletons

    frame = pd.DataFrame(
        {
            "cell": ["a", "a", "b", "b", "c", "c"],
            "month_id": [1, 2, 1, 3, 2, 2],
            "covered": [False, False, False, True, False, False],
        }
    )
    # b is seen once uncovered: it goes, with its covered month; month 1 is then seen once (a): it goes
    # too, and a is left with one uncovered month (2), so it goes; c keeps its two rows of month 2.
    assert _without_singletons(frame)["cell"].tolist() == ["c", "c"]


def test_a_lead_month_against_next_to_no_expected_exits_is_not_shown():
    # A family that hardly ever leaves (0.01 exits a month) but 13 months before its rise, when 10 leave in
    # each establishment: its level is next to zero and that lead's ratio is a thousand. Like a covered
    # month with fewer than 5 exits expected, it is left empty with a note.
    panel = (
        known_panel({"A": dt.date(2022, 4, 1), "B": None})
        .with_columns(
            voluntary_exits=pl.when(pl.col("job_family") == "B")
            .then("voluntary_exits")
            .when(pl.col("rel_month") == -13)
            .then(10.0)
            .otherwise(0.01)
        )
        .with_columns(voluntary_exit_rate=pl.col("voluntary_exits") / pl.col("headcount"))
    )
    events = estimate_segur_effect(panel, bootstrap_reps=5).event_study.filter(outcome="voluntary_exit_rate")
    lead = events.filter(rel_month=-13).row(0, named=True)
    assert lead["relative_estimate"] is None
    assert lead["note"] == "No estimate: fewer than 5.0 voluntary exits expected this month without the measure."


def test_when_the_months_before_coverage_cannot_be_modelled_the_effect_is_still_given():
    # The 2024 family has no voluntary exit in any uncovered month but one: pyfixest's model of the
    # leads does not converge. The effect does not need it; the pre-trend test and the leads say why not.
    panel = (
        known_panel(WAVES)
        .with_columns(
            voluntary_exits=pl.when(pl.col("job_family") != "TOUS")
            .then("voluntary_exits")
            .when(pl.col("rel_month") == -13)
            .then(10.0)
            .otherwise(0.0)
        )
        .with_columns(voluntary_exit_rate=pl.col("voluntary_exits") / pl.col("headcount"))
    )
    result = estimate_segur_effect(panel, bootstrap_reps=5)
    chosen = row(result, "voluntary_exit_rate", "imputation_poisson")
    assert chosen["relative_estimate"] is not None and chosen["pre_trend_p_value"] is None
    leads = result.event_study.filter(outcome="voluntary_exit_rate", rel_month=-1)
    assert leads["note"].to_list() == [
        "No estimate: the model of the months before coverage could not be fitted (too few exits)."
    ]
