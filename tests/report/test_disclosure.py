"""Disclosure control in the sql/ views: on hand-made tables, a count of 4 people is hidden and
5 shown, a rate over 4 people is hidden and over 5 shown, and 0 is shown."""


import duckdb
import pytest

from pipelines.report.database import SQL_DIR, View, run_views
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


@pytest.mark.parametrize(("numerator", "denominator", "shown"), [(4, 50, None), (5, 50, 0.1), (0, 50, 0.1), (6, 4, None)])
def test_a_share_hides_a_numerator_of_1_to_4_it_would_give_away(con, numerator, denominator, shown):
    create_macros(con)
    assert con.execute("SELECT shown_share(0.1::DOUBLE, ?::BIGINT, ?::DOUBLE)", [numerator, denominator]).fetchall() == [(shown,)]


def test_territory_turnover_hides_small_counts_and_rates_over_small_headcounts(con):
    con.execute("CREATE TABLE staging.territories AS SELECT * FROM (VALUES ('T1', 'Nord'), ('T2', 'Sud')) t(territory_id, name)")
    con.execute("""CREATE TABLE marts.turnover_12m AS SELECT * FROM (VALUES
        (DATE '2026-06-01', 'TERRITORY', 'T1', 4, 4.0, 4, 0, 0.75::DOUBLE, 0.0, 0.5, 4, 2),
        (DATE '2026-06-01', 'TERRITORY', 'T2', 5, 5.0, 5, 0, 0.80, 0.0, 0.5, 5, 2))
        t(month, scope, scope_id, headcount, avg_headcount, exits_12m, voluntary_exits_12m, turnover_rate,
          voluntary_turnover_rate, rotation_rate, headcount_12m_ago, hires_12m)""")  # fmt: skip
    rows = rows_by(con, "workforce_turnover_by_territory", "territory_id")
    assert (rows["T1"]["headcount"], rows["T1"]["exits_12m"], rows["T1"]["turnover_rate"]) == (None, None, None)
    assert (rows["T2"]["headcount"], rows["T2"]["exits_12m"], rows["T2"]["turnover_rate"]) == (5, 5, 0.80)
    assert rows["T2"]["voluntary_exits_12m"] == 0 and rows["T2"]["voluntary_turnover_rate"] == 0.0  # zero points at no one


def test_carer_retention_counts_carers_per_territory_and_hides_territories_under_5(con):
    con.execute("CREATE TABLE staging.territories AS SELECT * FROM (VALUES ('T1', 'Nord'), ('T2', 'Sud')) t(territory_id, name)")
    scores = [("T1", 0.5, "HIGH")] * 4 + [("T2", 0.4, "HIGH")] * 5 + [("T2", 0.1, "LOW")] * 3
    con.execute("""CREATE TABLE ml.carer_attrition_scores (carer_id VARCHAR, as_of_date DATE, risk_12m DOUBLE,
        risk_band VARCHAR, places_at_risk DOUBLE, suggested_measure VARCHAR, approved_places BIGINT, territory_id VARCHAR)""")
    con.executemany("INSERT INTO ml.carer_attrition_scores VALUES (?, DATE '2026-06-30', ?, ?, ?, 'accompaniment protocol', 2, ?)",
                    [(f"c{i}", risk, band, risk * 2, territory) for i, (territory, risk, band) in enumerate(scores)])  # fmt: skip
    frame = run_views(con, [view("carer_retention_by_territory")])["carer_retention_by_territory"]
    rows = {row["territory_name"]: row for row in frame.iter_rows(named=True)}
    assert (rows["Nord"]["carers"], rows["Nord"]["mean_risk_12m"], rows["Nord"]["high_risk_carers"]) == (None, None, None)
    assert rows["Sud"]["carers"] == 8 and rows["Sud"]["high_risk_carers"] == 5
    assert rows["Sud"]["mean_risk_12m"] == pytest.approx((5 * 0.4 + 3 * 0.1) / 8)
    assert rows["Tous les territoires"]["carers"] == 12  # the total counts hidden territories too
    assert "carer_id" not in frame.columns
