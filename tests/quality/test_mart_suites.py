"""The suites of the marts, the model's tables and the reporting period, on the small demo:
clean, every expectation is met; broken one way in a copy of the warehouse, the expectation
that guards against it fails, on the rows broken."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.quality.checks import CHECK_NAME, check_result, check_suite
from pipelines.quality.gx import Outcome
from pipelines.quality.suites import BLOCKING, WARNING, load_suites
from pipelines.warehouse import Warehouse
from tests.conftest import query

SUITES = {s.table: s for s in load_suites()}
CHECKED = [
    "marts.workforce_monthly",
    "marts.turnover_12m",
    "marts.early_attrition",
    "marts.exits_by_reason",
    "marts.long_vacancies",
    "marts.recruitment_funnel",
    "marts.turnover_12m_by_organisation",
    "marts.carer_age_profile",
    "marts.carer_projection",
    "marts.segur_panel",
    "marts.segur_effect",
    "marts.segur_event_study",
    "marts.segur_pay",
    "ml.carer_attrition_scores",
    "ml.model_metrics",
    "staging.reporting_period",
]


def one_row(table: str, where: str = "true") -> str:
    """Gives the SQL condition picking one row of `table` (the first stored where `where` holds)."""
    return f"rowid = (SELECT min(rowid) FROM {table} WHERE {where})"


@dataclass(frozen=True)
class Break:
    """A way to break a table, the expectation that must catch it and on how many rows."""

    id: str
    table: str
    sql: str
    expectation: str
    severity: str
    rows: int | None  # None: a table-level expectation (no row count)


EA, FUNNEL, SCORES = "marts.early_attrition", "marts.recruitment_funnel", "ml.carer_attrition_scores"
WM, TO = "marts.workforce_monthly", "marts.turnover_12m"
BREAKS = [
    # The rates' bounds: blocking, and checked here only (no Polars asset check restates them).
    Break(
        "vacancy_rate_nan",
        WM,
        f"UPDATE {WM} SET vacancy_rate = 'NaN' WHERE {one_row(WM)}",
        "figures_are_within_bounds",
        BLOCKING,
        1,
    ),
    Break(
        "vacant_fte_infinite",
        WM,
        f"UPDATE {WM} SET vacant_fte = 'Infinity' WHERE {one_row(WM)}",
        "figures_are_within_bounds",
        BLOCKING,
        1,
    ),
    Break(
        "turnover_rate_infinite",
        TO,
        f"UPDATE {TO} SET turnover_rate = 'Infinity' WHERE {one_row(TO)}",
        "rates_are_within_bounds",
        BLOCKING,
        1,
    ),
    Break(
        "more_voluntary_exits_than_exits",
        TO,
        f"UPDATE {TO} SET voluntary_exits_12m = exits_12m + 1 WHERE {one_row(TO)}",
        "rates_are_within_bounds",
        BLOCKING,
        1,
    ),
    Break(
        "hire_rate_above_1",
        FUNNEL,
        f"UPDATE {FUNNEL} SET hire_rate = 1.5 WHERE {one_row(FUNNEL)}",
        "rates_are_within_bounds",
        BLOCKING,
        1,
    ),
    Break(
        "attrition_rate_below_0",
        EA,
        f"UPDATE {EA} SET attrition_rate_3m = -0.1 WHERE {one_row(EA, 'attrition_rate_3m IS NOT NULL')}",
        "rates_are_within_bounds",
        BLOCKING,
        1,
    ),
    Break("attrition_key_twice", EA, f"INSERT INTO {EA} SELECT * FROM {EA} LIMIT 1", "keys_are_unique", BLOCKING, 2),
    Break(
        "more_left_within_3m_than_6m",
        EA,
        f"UPDATE {EA} SET left_within_3m = left_within_6m + 1 WHERE {one_row(EA, 'observed_6m')}",
        "leavers_are_counted_within_the_hires",
        WARNING,
        1,
    ),
    Break(
        "leavers_counted_before_observed",
        EA,
        f"UPDATE {EA} SET left_within_12m = 0 WHERE {one_row(EA, 'NOT observed_12m')}",
        "leavers_are_counted_within_the_hires",
        WARNING,
        1,
    ),
    Break(
        "cohort_observed_too_early",
        EA,
        f"UPDATE {EA} SET observed_12m = true WHERE {one_row(EA, 'NOT observed_12m')}",
        "cohorts_are_observed_as_of_the_as_of_date",
        WARNING,
        1,
    ),
    Break(
        "unknown_exit_reason",
        "marts.exits_by_reason",
        f"UPDATE marts.exits_by_reason SET exit_reason = 'HOLIDAY' WHERE {one_row('marts.exits_by_reason')}",
        "exits_are_counted_by_known_reason",
        WARNING,
        1,
    ),
    Break(
        "vacancy_ongoing_though_ended",
        "marts.long_vacancies",
        f"UPDATE marts.long_vacancies SET ongoing = true WHERE {one_row('marts.long_vacancies', 'NOT ongoing')}",
        "vacancies_last_three_months_within_the_window",
        WARNING,
        1,
    ),
    Break(
        "more_hired_than_offered",
        FUNNEL,
        f"UPDATE {FUNNEL} SET hired = offered + 1 WHERE {one_row(FUNNEL)}",
        "stages_narrow_down",
        WARNING,
        1,
    ),
    Break(
        "organisation_turnover_rate_wrong",
        "marts.turnover_12m_by_organisation",
        "UPDATE marts.turnover_12m_by_organisation SET turnover_rate = 1.5 "
        f"WHERE {one_row('marts.turnover_12m_by_organisation', 'avg_headcount > 0')}",
        "rates_are_the_exits_over_the_headcount",
        WARNING,
        1,
    ),
    Break(
        "share_of_carers_above_1",
        "marts.carer_age_profile",
        f"UPDATE marts.carer_age_profile SET share_of_carers = 1.5 WHERE {one_row('marts.carer_age_profile')}",
        "bands_add_up_to_the_territory",
        WARNING,
        None,
    ),  # the row, and its territory's shares no longer add up
    Break(
        "projected_carers_grow_without_recruitment",
        "marts.carer_projection",
        "UPDATE marts.carer_projection SET expected_active_carers_without_recruitment = active_carers_today + 10 "
        f"WHERE {one_row('marts.carer_projection', 'year = 3')}",
        "projected_figures_are_within_bounds",
        WARNING,
        1,
    ),
    Break(
        "covered_before_the_cover_month",
        "marts.segur_panel",
        f"UPDATE marts.segur_panel SET covered = true WHERE {one_row('marts.segur_panel', 'NOT covered')}",
        "coverage_follows_the_cover_month",
        BLOCKING,
        1,
    ),
    Break(
        "null_estimate_without_a_note",
        "marts.segur_effect",
        f"UPDATE marts.segur_effect SET estimate = NULL, note = NULL WHERE {one_row('marts.segur_effect')}",
        "estimates_are_within_their_intervals",
        WARNING,
        1,
    ),
    Break(
        "estimator_missing",
        "marts.segur_effect",
        "DELETE FROM marts.segur_effect WHERE estimator = 'twfe_ols'",
        "every_outcome_has_its_estimates",
        WARNING,
        None,
    ),
    Break(
        "event_month_beyond_24",
        "marts.segur_event_study",
        f"UPDATE marts.segur_event_study SET rel_month = 30 WHERE {one_row('marts.segur_event_study')}",
        "months_and_estimates_are_within_bounds",
        WARNING,
        1,
    ),
    Break(
        "implausible_median_pay",
        "marts.segur_pay",
        f"UPDATE marts.segur_pay SET median_gross_pay_after = 50000 "
        f"WHERE {one_row('marts.segur_pay', 'median_gross_pay_after IS NOT NULL')}",
        "median_pay_is_plausible",
        WARNING,
        1,
    ),
    Break(
        "risk_below_0",
        SCORES,
        f"UPDATE {SCORES} SET risk_12m = -0.1 WHERE {one_row(SCORES)}",
        "risks_are_probabilities_on_the_as_of_date",
        BLOCKING,
        1,
    ),
    Break(
        "risk_band_not_the_risk",
        SCORES,
        f"UPDATE {SCORES} SET risk_band = 'HIGH' WHERE {one_row(SCORES, 'risk_12m < 0.15')}",
        "bands_and_measures_follow_the_risk",
        WARNING,
        1,
    ),
    Break(
        "score_of_an_unknown_carer",
        SCORES,
        f"UPDATE {SCORES} SET carer_id = 'ffffffffffffffff' WHERE {one_row(SCORES)}",
        "carer_id_is_found_in_foster_carers",
        BLOCKING,
        1,
    ),
    Break(
        "auc_above_1",
        "ml.model_metrics",
        f"UPDATE ml.model_metrics SET roc_auc = 1.2 WHERE {one_row('ml.model_metrics')}",
        "metrics_are_within_bounds",
        WARNING,
        1,
    ),
    Break(
        "test_dates_overlap_training_labels",
        "ml.model_metrics",
        "UPDATE ml.model_metrics SET as_of_from = as_of_from - INTERVAL 6 MONTH WHERE split = 'test'",
        "one_model_is_chosen_and_tested_on_later_dates",
        BLOCKING,
        3,
    ),  # the three models' test rows
    Break(
        "first_month_off_by_one",
        "staging.reporting_period",
        "UPDATE staging.reporting_period SET first_month = first_month + INTERVAL 1 MONTH",
        "window_is_consistent",
        BLOCKING,
        1,
    ),
    Break(
        "two_periods",
        "staging.reporting_period",
        "INSERT INTO staging.reporting_period SELECT * FROM staging.reporting_period",
        "period_has_one_row",
        BLOCKING,
        None,
    ),
]


@pytest.fixture
def warehouse_copy(small_warehouse: Path, tmp_path: Path) -> Path:
    """A copy of the small demo's warehouse, to break: the session's own stays clean."""
    copy = tmp_path / "vivier.duckdb"
    shutil.copy(small_warehouse, copy)
    return copy


def check(warehouse: Path, table: str, run_id: str = "test-run") -> dict[str, Outcome]:
    return {o.expectation.name: o for o in check_suite(SUITES[table], Warehouse(path=str(warehouse)), run_id)}


def test_every_table_of_the_issue_has_a_suite():
    assert set(CHECKED) <= set(SUITES)
    assert {b.table for b in BREAKS} == set(CHECKED)


def test_the_suites_run_in_the_pipeline_and_pass_on_the_clean_demo(small_warehouse):
    found = query(
        small_warehouse,
        "SELECT suite, count(*), count(*) FILTER (WHERE NOT success) FROM quality.validation_results GROUP BY suite",
    )
    ran = {suite: (n, failed) for suite, n, failed in found}
    assert {t: ran.get(t) for t in CHECKED} == {t: (len(SUITES[t].expectations), 0) for t in CHECKED}


@pytest.mark.parametrize("case", BREAKS, ids=lambda b: b.id)
def test_a_broken_table_fails_the_expectation_that_guards_it(warehouse_copy, case: Break):
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute(case.sql)
    outcomes = check(warehouse_copy, case.table)
    failed = outcomes[case.expectation]
    assert (failed.success, failed.expectation.severity, failed.error) == (False, case.severity, None)
    if case.rows is not None:
        assert failed.unexpected_count == case.rows


def test_exits_that_differ_from_workforce_monthly_fail_on_each_reason_of_that_month_and_job_family(warehouse_copy):
    first = "marts.exits_by_reason WHERE rowid = (SELECT min(rowid) FROM marts.exits_by_reason)"
    reasons = query(
        warehouse_copy,
        "SELECT count(*) FROM marts.exits_by_reason e, (SELECT month, job_family FROM "
        f"{first}) f WHERE e.month = f.month AND e.job_family = f.job_family",
    )[0][0]
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute(f"UPDATE marts.exits_by_reason SET exits = exits + 1 WHERE {one_row('marts.exits_by_reason')}")
    outcome = check(warehouse_copy, "marts.exits_by_reason")["exits_match_workforce_monthly"]
    assert outcome.unexpected_count == reasons
    assert outcome.examples[0].endswith(" in workforce_monthly")


def test_scores_never_show_a_carer_pseudonym(warehouse_copy):
    with duckdb.connect(str(warehouse_copy)) as con:
        carers = {c for (c,) in con.execute("SELECT carer_id FROM ml.carer_attrition_scores").fetchall()}
        con.execute(
            "UPDATE ml.carer_attrition_scores SET carer_id = 'ffffffffffffffff', risk_12m = -0.1 "
            f"WHERE {one_row(SCORES)}"
        )
    outcomes = check(warehouse_copy, SCORES)
    examples = [e for o in outcomes.values() for e in o.examples]
    assert examples and all(e.startswith("T") and " risk rank " in e for e in examples)  # territory and rank
    assert not [e for e in examples if "ffffffffffffffff" in e or any(c in e for c in carers)]


def test_a_fault_on_a_missing_value_is_counted_and_shown_as_null(warehouse_copy):
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute(
            f"UPDATE {EA} SET left_within_12m = NULL, attrition_rate_12m = NULL WHERE {one_row(EA, 'observed_12m')}"
        )
    outcome = check(warehouse_copy, EA)["leavers_are_counted_within_the_hires"]
    assert outcome.unexpected_count == 1
    assert outcome.examples[0].endswith(": left_within_12m null")


def test_a_rate_out_of_bounds_fails_blocking_naming_the_rule_and_a_null_rate_is_no_fault(warehouse_copy):
    first = f"(SELECT min(rowid) FROM {WM})"
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute(f"UPDATE {WM} SET vacancy_rate = NULL")
        for offset, value in enumerate(["1.5", "'NaN'", "'Infinity'", "-0.1", "0.0", "1.0"]):
            con.execute(f"UPDATE {WM} SET vacancy_rate = {value} WHERE rowid = {first} + {offset}")
    outcomes = list(check_suite(SUITES[WM], Warehouse(path=str(warehouse_copy)), "test-run"))
    bounds = next(o for o in outcomes if o.expectation.name == "figures_are_within_bounds")
    # 1.5, NaN, inf and -0.1; not 0, 1 nor the nulls.
    assert bounds.unexpected_count == 4
    assert sorted(e.split("vacancy_rate ", 1)[1] for e in bounds.examples) == ["-0.1", "1.5", "inf", "nan"]
    result = check_result(SUITES[WM], CHECK_NAME, outcomes)
    assert (result.passed, result.severity) == (False, dg.AssetCheckSeverity.ERROR)
    assert "figures_are_within_bounds failed: 4 row(s)" in result.description
