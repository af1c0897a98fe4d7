"""The estimate on panels that are not the demo's (issue 14): no crash when an establishment has no
uncovered month or no exit in them, no pre-trend test when the months before coverage have nothing
to be compared with, a panel with one outcome only, coverage read from `cover_month`, and the
smallest fall the data could have shown."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest

from pipelines.segur.estimate import estimate_segur_effect, prepare_panel
from pipelines.segur.rows import Z_POWER, Z, count_lead_references, pre_trend_p_value
from tests.segur.helpers import known_panel, many_establishments_panel

WAVES = {"SOIN": dt.date(2022, 1, 1), "SOCIO": dt.date(2022, 4, 1), "TOUS": dt.date(2024, 1, 1)}
NO_REFERENCE = (
    "no covered cell has an uncovered month older than the 24 months before its coverage (the data start less "
    "than 24 months before every wave), so the months before coverage have nothing to be compared with"
)


def row(result, outcome: str, estimator: str) -> dict:
    table = result.effect.filter(outcome=outcome, estimator=estimator)
    assert table.height == 1
    return table.row(0, named=True)


def both_paths(panel: pl.DataFrame):
    return estimate_segur_effect(panel, bootstrap_reps=20), estimate_segur_effect(panel, large=True)


# ---------------------------------------------------------------------------------------------- crashes


def test_an_establishment_sorting_last_that_opened_after_its_coverage_does_not_stop_the_large_path():
    # E6 sorts last and has only covered months: it is not in the first stage, whose clusters were
    # then one fewer than the estimate's ("operands could not be broadcast together").
    panel = known_panel(WAVES).filter(~((pl.col("establishment_id") == "E6") & ~pl.col("covered")))
    small, large = both_paths(panel)
    for result in (small, large):
        chosen = row(result, "voluntary_exit_rate", "imputation_poisson")
        assert chosen["relative_estimate"] == pytest.approx(-0.2, abs=1e-9)
        # E6's cells were never seen uncovered: nothing says what they would have done without the measure.
        assert chosen["n_establishments"] == 5
        assert chosen["n_covered_cell_months_left_out"] == 3 * 6 * 12 + 24 + 21
    assert row(large, "vacancy_rate", "imputation_did2s")["estimate"] == pytest.approx(0.0, abs=1e-9)


def test_an_establishment_sorting_last_with_no_exit_before_coverage_does_not_stop_the_large_path():
    # E6 has no voluntary exit in any uncovered month: the Poisson first stage leaves it out.
    panel = (
        known_panel(WAVES, noise_seed=4)
        .with_columns(
            voluntary_exits=pl.when((pl.col("establishment_id") == "E6") & ~pl.col("covered"))
            .then(0.0)
            .otherwise("voluntary_exits")
        )
        .with_columns(voluntary_exit_rate=pl.col("voluntary_exits") / pl.col("headcount"))
    )
    small, large = both_paths(panel)
    a, b = (
        row(small, "voluntary_exit_rate", "imputation_poisson"),
        row(large, "voluntary_exit_rate", "imputation_poisson"),
    )
    assert b["relative_estimate"] == pytest.approx(a["relative_estimate"], abs=1e-8)
    assert b["relative_ci_low"] < b["relative_estimate"] < b["relative_ci_high"]
    assert math.isfinite(b["relative_ci_high"])


@pytest.fixture(scope="module")
def short_history():
    # Data from 06/2020 only: every covered family's uncovered months lie within the 24 months before
    # its coverage (as for a département filing DSN since 2020). The small path stopped on an
    # OverflowError in the lead months, the two paths gave different pre-trend p-values (0.0 and 0.35).
    panel = known_panel(
        {"A": dt.date(2022, 1, 1), "B": dt.date(2022, 4, 1), "C": None}, first=dt.date(2020, 6, 1), noise_seed=3
    )
    return both_paths(panel)


def test_a_history_shorter_than_the_lead_window_gives_no_pre_trend_test_and_says_why(short_history):
    for result in short_history:
        for r in result.effect.iter_rows(named=True):
            assert r["pre_trend_p_value"] is None, (r["outcome"], r["estimator"])
            assert f"No pre-trend test: {NO_REFERENCE}." in r["note"]
        leads = result.event_study.filter(pl.col("rel_month") < 0)
        assert leads.height == 2 * 24 and leads["relative_estimate"].null_count() == leads.height
        assert set(leads["note"]) == {f"No estimate: {NO_REFERENCE}."}


def test_a_history_shorter_than_the_lead_window_still_gives_the_effect(short_history):
    small, large = short_history
    a, b = (
        row(small, "voluntary_exit_rate", "imputation_poisson"),
        row(large, "voluntary_exit_rate", "imputation_poisson"),
    )
    assert a["relative_ci_low"] <= -0.2 <= a["relative_ci_high"]
    assert b["relative_estimate"] == pytest.approx(a["relative_estimate"], abs=1e-8)


# ---------------------------------------------------------------------------------------------- lead reference


def test_lead_references_are_older_uncovered_months_of_cells_that_have_leads():
    # Cell 0: covered at month 30, seen from month 0 (months 0-5 are more than 24 months before: 6 references).
    # Cell 1: covered at month 30, seen from month 10 (all its uncovered months are leads: none).
    # Cell 2: never covered (rel_month NaN: its months are no reference, whatever their age).
    cell = np.repeat([0, 1, 2], 40)
    month = np.tile(np.arange(40), 3)
    rel = np.where(cell < 2, month - 30.0, np.nan)
    seen = (cell != 1) | (month >= 10)
    covered = rel >= 0
    count = count_lead_references(cell[seen], covered[seen], rel[seen])
    assert count == 6
    # Poisson: a cell with no exit in its uncovered months leaves the fit, and its references with it.
    y = np.where(cell == 0, 0.0, 1.0)
    assert count_lead_references(cell[seen], covered[seen], rel[seen], y[seen]) == 0
    # One older month (25 months before coverage) in cell 1 is one more reference.
    more = seen | ((cell == 1) & (month == 5))
    assert count_lead_references(cell[more], covered[more], rel[more]) == 7


def test_the_pre_trend_test_reads_the_wald_statistic_against_f_with_one_less_than_the_establishments():
    # Two leads, independent, each 2 standard errors from zero: W = 8, W / q = 4.
    b, v = np.array([0.2, -0.2]), np.diag([0.01, 0.01])
    from scipy import stats

    assert pre_trend_p_value(b, v, 21) == pytest.approx(stats.f.sf(4.0, 2, 20), rel=1e-12)
    assert pre_trend_p_value(b, v, 21) == pytest.approx(0.0346, abs=1e-4)
    # The chi-squared reading would say 0.018: with 21 establishments it rejects too often.
    assert stats.chi2.sf(8.0, 2) == pytest.approx(0.0183, abs=1e-4)


def test_with_a_reference_the_two_paths_give_the_same_pre_trend_test():
    panel = many_establishments_panel(40, seed=5, first=dt.date(2020, 1, 1))  # the 2024 family has 24+ months
    small, large = both_paths(panel)
    a, b = (
        row(small, "voluntary_exit_rate", "imputation_poisson"),
        row(large, "voluntary_exit_rate", "imputation_poisson"),
    )
    assert a["pre_trend_p_value"] is not None
    assert b["pre_trend_p_value"] == pytest.approx(a["pre_trend_p_value"], rel=1e-2)
    assert "With 40 establishments the pre-trend test rejects more often than 5 %" in a["note"]


# ---------------------------------------------------------------------------------------------- any panel


def test_a_panel_without_vacancy_columns_gives_the_exit_estimate_and_says_why_not_the_vacancy_one():
    panel = known_panel(WAVES).select(
        "month", "establishment_id", "job_family", "cover_month", "headcount", "voluntary_exits"
    )
    for result in both_paths(panel):
        assert result.note is None
        assert row(result, "voluntary_exit_rate", "imputation_poisson")["relative_estimate"] == pytest.approx(
            -0.2, abs=1e-9
        )
        vacancy = result.effect.filter(outcome="vacancy_rate")
        assert vacancy["estimate"].null_count() == 2
        assert set(vacancy["note"]) == {
            "No estimate: the panel has no column budgeted_fte, vacancy_rate, so this outcome is not measured."
        }


def test_covered_and_months_since_coverage_are_read_from_cover_month():
    # cover_month given mid-month: the whole month is covered (as the panel module counts it).
    panel = (
        known_panel({"A": dt.date(2022, 4, 1), "B": None})
        .drop("covered", "rel_month")
        .with_columns(cover_month=pl.col("cover_month").dt.offset_by("14d"))
    )
    prepared, missing = prepare_panel(panel)
    assert missing == {}
    spring = pl.col("month").is_between(dt.date(2022, 2, 1), dt.date(2022, 5, 1))
    assert prepared.filter(spring, establishment_id="E1", job_family="A").select("covered", "rel_month").rows() == [
        (False, -2),
        (False, -1),
        (True, 0),
        (True, 1),
    ]
    never = prepared.filter(job_family="B")
    assert never.height == 6 * 72
    assert never["rel_month"].null_count() == never.height and not never["covered"].any()


def test_a_covered_flag_that_contradicts_cover_month_is_named():
    panel = known_panel(WAVES).with_columns(
        covered=pl.when(
            (pl.col("establishment_id") == "E2")
            & (pl.col("job_family") == "SOIN")
            & (pl.col("month") == dt.date(2022, 1, 1))
        )
        .then(False)
        .otherwise("covered")
    )
    # Rows: establishment, then family, then month from 01/2019: E2 (216 rows on), SOIN, 36 months in.
    with pytest.raises(ValueError) as error:
        estimate_segur_effect(panel, bootstrap_reps=5)
    assert str(error.value) == (
        "The Ségur panel, row 253 (establishment E2, job family SOIN, month 2022-01-01): covered is False, but "
        "cover_month is 2022-01-01, so it should be True (covered is true from the month of cover_month on, false "
        "before it and when cover_month is empty)."
    )


# ---------------------------------------------------------------------------------------------- smallest fall


def test_the_smallest_visible_fall_is_the_80_percent_power_effect_of_the_estimates_standard_error():
    result = estimate_segur_effect(many_establishments_panel(120, seed=3))  # the large path: a normal interval
    chosen = row(result, "voluntary_exit_rate", "imputation_poisson")
    se_log = (math.log1p(chosen["relative_ci_high"]) - math.log1p(chosen["relative_ci_low"])) / (2 * Z)
    assert chosen["relative_minimum_detectable_effect"] == pytest.approx(math.expm1(-(Z + Z_POWER) * se_log), rel=1e-9)
    # 2.8 standard errors: a fall 1.43 times the interval's half-width on the log scale.
    assert -0.5 < chosen["relative_minimum_detectable_effect"] < -0.05
    vacancy = row(result, "vacancy_rate", "imputation_did2s")
    se = (vacancy["ci_high"] - vacancy["ci_low"]) / (2 * Z)
    assert vacancy["relative_minimum_detectable_effect"] == pytest.approx(
        -(Z + Z_POWER) * se / vacancy["counterfactual_level"], rel=1e-9
    )


def test_the_smallest_visible_fall_shrinks_as_the_data_grow():
    few = row(
        estimate_segur_effect(many_establishments_panel(100, seed=8)), "voluntary_exit_rate", "imputation_poisson"
    )["relative_minimum_detectable_effect"]
    many = row(
        estimate_segur_effect(many_establishments_panel(400, seed=8)), "voluntary_exit_rate", "imputation_poisson"
    )["relative_minimum_detectable_effect"]
    # Four times the establishments: about half the standard error.
    assert math.log1p(many) / math.log1p(few) == pytest.approx(0.5, abs=0.12)
