"""Disclosure control in the sql/ views: on hand-made tables, a count of 4 people is hidden and
5 shown, a rate over 4 people is hidden and over 5 shown, and 0 is shown."""

import duckdb
import pytest

from pipelines.paths import SQL_DIR
from pipelines.report.database import View, run_views
from pipelines.report.disclosure import create_macros


@pytest.fixture
def con():
    with duckdb.connect() as con:
        con.execute("CREATE SCHEMA marts; CREATE SCHEMA staging; CREATE SCHEMA ml")
        yield con


def view(name: str) -> View:
    return View.from_file(SQL_DIR / f"{name}.sql")


def rows_by(con, name: str, key: str) -> dict:
    frame = run_views(con, [view(name)])[name]
    return {row[key]: row for row in frame.iter_rows(named=True)}


@pytest.mark.parametrize(("value", "shown"), [(0, 0), (1, None), (4, None), (5, 5), (12, 12), (None, None)])
def test_a_count_of_1_to_4_is_hidden(con, value, shown):
    create_macros(con)
    assert con.execute("SELECT shown_count(?::BIGINT)", [value]).fetchall() == [(shown,)]


@pytest.mark.parametrize(("denominator", "shown"), [(4, None), (4.9, None), (5, 0.25), (None, None), (0, None)])
def test_a_rate_over_fewer_than_5_is_hidden(con, denominator, shown):
    create_macros(con)
    assert con.execute("SELECT shown_rate(0.25, ?::DOUBLE)", [denominator]).fetchall() == [(shown,)]


@pytest.mark.parametrize(
    ("numerator", "denominator", "shown"), [(4, 50, None), (5, 50, 0.1), (0, 50, 0.1), (6, 4, None)]
)
def test_a_share_hides_a_numerator_of_1_to_4_it_would_give_away(con, numerator, denominator, shown):
    create_macros(con)
    assert con.execute(
        "SELECT shown_share(0.1::DOUBLE, ?::BIGINT, ?::DOUBLE)", [numerator, denominator]
    ).fetchall() == [(shown,)]


def test_territory_turnover_hides_small_counts_and_rates_over_small_headcounts(con):
    con.execute(
        "CREATE TABLE staging.territories AS SELECT * FROM (VALUES ('T1', 'Nord'), ('T2', 'Sud')) t(territory_id, name)"
    )
    con.execute("""CREATE TABLE marts.turnover_12m AS SELECT * FROM (VALUES
        (DATE '2026-06-01', 'TERRITORY', 'T1', 4, 4.0, 4, 0, 0.75::DOUBLE, 0.0, 0.5, 4, 2),
        (DATE '2026-06-01', 'TERRITORY', 'T2', 5, 5.0, 5, 0, 0.80, 0.0, 0.5, 5, 2))
        t(month, scope, scope_id, headcount, avg_headcount, exits_12m, voluntary_exits_12m, turnover_rate,
          voluntary_turnover_rate, rotation_rate, headcount_12m_ago, hires_12m)""")
    rows = rows_by(con, "workforce_turnover_by_territory", "territory_id")
    assert (rows["T1"]["headcount"], rows["T1"]["exits_12m"], rows["T1"]["turnover_rate"]) == (None, None, None)
    assert (rows["T2"]["headcount"], rows["T2"]["exits_12m"], rows["T2"]["turnover_rate"]) == (5, 5, 0.80)
    assert (
        rows["T2"]["voluntary_exits_12m"] == 0 and rows["T2"]["voluntary_turnover_rate"] == 0.0
    )  # zero points at no one


def test_carer_retention_counts_carers_per_territory_and_hides_territories_under_5(con):
    con.execute(
        "CREATE TABLE staging.territories AS SELECT * FROM (VALUES ('T1', 'Nord'), ('T2', 'Sud'), ('T3', 'Est')) "
        "t(territory_id, name)"
    )
    scores = [("T1", 0.5, "HIGH")] * 4 + [("T2", 0.4, "HIGH")] * 5 + [("T2", 0.1, "LOW")] * 3
    scores += [("T3", 0.5, "HIGH")] * 3 + [("T3", 0.1, "LOW")] * 3
    con.execute("""CREATE TABLE ml.carer_attrition_scores (carer_id VARCHAR, as_of_date DATE, risk_12m DOUBLE,
        risk_band VARCHAR, places_at_risk DOUBLE, suggested_measure VARCHAR, approved_places BIGINT,
        territory_id VARCHAR)""")
    con.executemany(
        "INSERT INTO ml.carer_attrition_scores VALUES (?, DATE '2026-06-30', ?, ?, ?, 'accompaniment protocol', 2, ?)",
        [(f"c{i}", risk, band, risk * 2, territory) for i, (territory, risk, band) in enumerate(scores)],
    )
    frame = run_views(con, [view("carer_retention_by_territory")])["carer_retention_by_territory"]
    rows = {row["territory_name"]: row for row in frame.iter_rows(named=True)}
    assert (rows["Nord"]["carers"], rows["Nord"]["mean_risk_12m"], rows["Nord"]["high_risk_carers"]) == (
        None,
        None,
        None,
    )
    assert rows["Sud"]["carers"] == 8 and rows["Sud"]["high_risk_carers"] == 5
    assert rows["Sud"]["mean_risk_12m"] == pytest.approx((5 * 0.4 + 3 * 0.1) / 8)
    assert rows["Tous les territoires"]["carers"] == 18  # the total counts hidden territories too
    # ... so that 18 - 8 - 6 would give Nord's 4 back: the smallest other territory is hidden too
    # (tests/report/test_differencing.py); its 3 at high risk are hidden already (1 to 4).
    assert (rows["Est"]["carers"], rows["Est"]["mean_risk_12m"], rows["Est"]["high_risk_carers"]) == (None,) * 3
    assert "carer_id" not in frame.columns


def test_the_fte_of_a_hidden_headcount_and_the_vacancy_it_gives_are_hidden_too(con):
    # One educator on 1.0 fte of a 3-fte budget: "-" beside "1,0" would give the 1 back, and so would
    # 2.0 vacant out of 3 budgeted. Budgeted posts are not people: shown. Zero people hide nothing.
    con.execute("CREATE TABLE staging.reporting_period AS SELECT DATE '2026-06-01' AS as_of_month")
    con.execute("CREATE TABLE staging.job_families (job_family VARCHAR, label_fr VARCHAR)")
    con.execute("""CREATE TABLE marts.workforce_monthly AS SELECT * FROM (VALUES
        (DATE '2026-06-01', 'E1', 'EDUCATEUR_SPECIALISE', 1, 1.0, 3.0, 2.0, 2.0 / 3),
        (DATE '2026-06-01', 'E1', 'PSYCHOLOGUE', 6, 5.5, 6.0, 0.5, 0.5 / 6),
        (DATE '2026-06-01', 'E1', 'INFIRMIER', 0, 0.0, 2.0, 2.0, 1.0))
        t(month, establishment_id, job_family, headcount, fte, budgeted_fte, vacant_fte, vacancy_rate)""")
    rows = rows_by(con, "establishment_job_families", "job_family")
    one = rows["EDUCATEUR_SPECIALISE"]
    assert (one["headcount"], one["fte"], one["vacant_fte"], one["vacancy_rate"], one["budgeted_fte"]) == (
        None,
        None,
        None,
        None,
        3.0,
    )
    six = rows["PSYCHOLOGUE"]
    assert (six["headcount"], six["fte"], six["vacant_fte"], six["vacancy_rate"]) == (
        6,
        5.5,
        0.5,
        pytest.approx(0.5 / 6),
    )
    assert (rows["INFIRMIER"]["headcount"], rows["INFIRMIER"]["fte"], rows["INFIRMIER"]["vacant_fte"]) == (0, 0.0, 2.0)


def test_an_establishment_hides_its_fte_when_its_distinct_people_are_1_to_4(con):
    # Two cells of 2 and 3 contracts, but 4 distinct people (one works in both): 4 is what is hidden.
    con.execute("CREATE TABLE staging.reporting_period AS SELECT DATE '2026-06-01' AS as_of_month")
    con.execute("""CREATE TABLE marts.workforce_monthly AS SELECT * FROM (VALUES
        (DATE '2026-06-01', 'E1', 'AES', 2, 1.5, 2.0, 0.5, 0, 0),
        (DATE '2026-06-01', 'E1', 'TISF', 3, 2.5, 5.0, 2.5, 0, 0))
        t(month, establishment_id, job_family, headcount, fte, budgeted_fte, vacant_fte, hires, exits)""")
    con.execute("""CREATE TABLE marts.turnover_12m AS SELECT * FROM (VALUES
        (DATE '2026-06-01', 'ESTABLISHMENT', 'E1', 4, 4.0, 0, 0, 0.0::DOUBLE, 0.0::DOUBLE))
        t(month, scope, scope_id, headcount, avg_headcount, exits_12m, voluntary_exits_12m, turnover_rate,
          voluntary_turnover_rate)""")
    row = rows_by(con, "establishment_monthly", "establishment_id")["E1"]
    assert (row["headcount"], row["fte"], row["vacant_fte"], row["vacancy_rate"]) == (None, None, None, None)
    assert row["budgeted_fte"] == 7.0


def test_the_places_of_1_to_4_carers_are_hidden_with_them(con):
    con.execute(
        "CREATE TABLE staging.territories AS SELECT * FROM (VALUES ('T1', 'Nord'), ('T2', 'Sud')) t(territory_id, name)"
    )
    con.execute("""CREATE TABLE marts.carer_capacity_monthly AS SELECT * FROM (VALUES
        (DATE '2026-06-01', 'T1', 3, 7, 6, 0, 0),
        (DATE '2026-06-01', 'T2', 6, 14, 12, 0, 0))
        t(month, territory_id, active_carers, approved_places, occupied_places, new_carers, leavers)""")
    rows = rows_by(con, "carer_capacity_by_territory", "territory_id")
    assert (
        rows["T1"]["active_carers"],
        rows["T1"]["approved_places"],
        rows["T1"]["occupied_places"],
        rows["T1"]["occupancy_rate"],
    ) == (None, None, None, None)
    assert (rows["T2"]["active_carers"], rows["T2"]["approved_places"], rows["T2"]["occupancy_rate"]) == (
        6,
        14,
        12 / 14,
    )


def test_a_model_evaluated_on_1_to_4_leavers_shows_no_figure_computed_from_them(con):
    con.execute("""CREATE TABLE ml.model_metrics (model VARCHAR, split VARCHAR, roc_auc DOUBLE, pr_auc DOUBLE,
        brier DOUBLE, top_decile_recall DOUBLE, mean_risk DOUBLE, leave_rate DOUBLE, n BIGINT, leavers BIGINT,
        as_of_from DATE, as_of_to DATE, chosen BOOLEAN)""")
    con.execute("""INSERT INTO ml.model_metrics VALUES
        ('age_rule', 'test', 0.61, 0.2, 0.05, 0.5, 0.04, 3 / 80, 80, 3, DATE '2025-06-30', DATE '2026-06-30', false),
        ('age_rule', 'train', 0.65, 0.3, 0.06, 0.4, 0.05, 40 / 800, 800, 40,
         DATE '2020-06-30', DATE '2025-06-30', false)""")
    rows = rows_by(con, "model_metrics_summary", "split")
    test = rows["test"]
    # leave_rate x n = 3 leavers; a recall of 0.5 or an AUC over 3 leavers says as much
    assert [test[c] for c in ("leavers", "leave_rate", "top_decile_recall", "roc_auc", "pr_auc")] == [None] * 5
    assert (test["n"], test["brier"], test["mean_risk"]) == (80, 0.05, 0.04)  # over 80 carers: shown
    assert (rows["train"]["leavers"], rows["train"]["leave_rate"], rows["train"]["roc_auc"]) == (40, 0.05, 0.65)
