"""Secondary suppression (issue 17): no count hidden by the views' macros can be computed back by
subtraction from the figures the report shows. Each test builds a small warehouse by hand where
one route gives a hidden count back with the macros alone (the test computes it, as a reader
would, and finds the true count), then checks that the report's figures (`run_views`) no longer
give it: a second figure of the sum is hidden. Routes: a territory and its establishments, the whole
employer and its territories, organisations or job families, an establishment and its job
families, a year and its months, departures by reason and those of the months, foster carers of the
whole and of the territories, a total row beside its parts (Fidélisation, the carers' recruitment),
the age pyramid and the carers of the home page, a twelve-month rate and the month-end headcounts
it averages, the model's fairness audit and its test period, twelve-month figures month after
month (an establishment's turnover, a territory's departures). The last test runs every view on a
whole small run and solves all the sums at once, as a determined reader would."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.linalg import lsqr

from pipelines.paths import SQL_DIR
from pipelines.report.database import View, query_views, report_views, run_views
from pipelines.report.disclosure import Figures, create_macros, read_back, sums
from pipelines.warehouse import Warehouse

AS_OF = dt.date(2026, 6, 1)
TURNOVER = """month DATE, scope VARCHAR, scope_id VARCHAR, headcount BIGINT DEFAULT 0, hires BIGINT DEFAULT 0,
    exits BIGINT DEFAULT 0, avg_headcount DOUBLE DEFAULT 0, hires_12m BIGINT DEFAULT 0, exits_12m BIGINT DEFAULT 0,
    voluntary_exits_12m BIGINT DEFAULT 0, headcount_12m_ago BIGINT DEFAULT 0, turnover_rate DOUBLE,
    voluntary_turnover_rate DOUBLE, rotation_rate DOUBLE"""
TABLES = {
    "staging.reporting_period": "as_of_date DATE, as_of_month DATE, first_month DATE",
    "staging.territories": "territory_id VARCHAR, name VARCHAR",
    "staging.establishments": "establishment_id VARCHAR, name VARCHAR, kind VARCHAR, territory_id VARCHAR, "
    "organisation VARCHAR",
    "staging.job_families": "job_family VARCHAR, label_fr VARCHAR",
    "marts.workforce_monthly": """month DATE, establishment_id VARCHAR, job_family VARCHAR DEFAULT 'EDUCATEUR',
        headcount BIGINT DEFAULT 0, fte DOUBLE DEFAULT 0, hires BIGINT DEFAULT 0, exits BIGINT DEFAULT 0,
        voluntary_exits BIGINT DEFAULT 0, budgeted_fte DOUBLE DEFAULT 0, vacant_fte DOUBLE DEFAULT 0,
        vacancy_rate DOUBLE""",
    "marts.turnover_12m": TURNOVER,
    "marts.turnover_12m_by_organisation": TURNOVER,
    "marts.exits_by_reason": "month DATE, job_family VARCHAR, exit_reason VARCHAR, exits BIGINT, voluntary BOOLEAN",
    "marts.carer_capacity_monthly": """month DATE, territory_id VARCHAR, active_carers BIGINT DEFAULT 0,
        approved_places BIGINT DEFAULT 0, occupied_places BIGINT DEFAULT 0, new_carers BIGINT DEFAULT 0,
        leavers BIGINT DEFAULT 0""",
    "marts.carer_age_profile": """as_of_date DATE, territory_id VARCHAR, age_band VARCHAR, age_band_start INTEGER,
        carers UINTEGER, approved_places BIGINT DEFAULT 0, children_placed BIGINT DEFAULT 0, share_of_carers DOUBLE""",
    "marts.carer_funnel": """cohort_quarter DATE, channel VARCHAR, territory_id VARCHAR, enquiries BIGINT,
        applications BIGINT, approvals BIGINT, complete_quarter BOOLEAN DEFAULT true""",
    "ml.carer_attrition_scores": """carer_id VARCHAR, as_of_date DATE, risk_12m DOUBLE, risk_band VARCHAR,
        places_at_risk DOUBLE, suggested_measure VARCHAR, approved_places BIGINT, territory_id VARCHAR""",
    "ml.model_metrics": """model VARCHAR, split VARCHAR, roc_auc DOUBLE, pr_auc DOUBLE, brier DOUBLE,
        top_decile_recall DOUBLE, mean_risk DOUBLE, leave_rate DOUBLE, n BIGINT, leavers BIGINT, as_of_from DATE,
        as_of_to DATE, chosen BOOLEAN""",
    "ml.model_fairness": """model VARCHAR, split VARCHAR, attribute VARCHAR, "group" VARCHAR, n BIGINT,
        leavers BIGINT, selection_rate DOUBLE, recall DOUBLE, mean_predicted_risk DOUBLE,
        observed_leave_rate DOUBLE, calibration_ratio DOUBLE""",
}


@pytest.fixture
def con():
    """An empty warehouse with the tables the report's workforce, carer and model views read; the
    reporting period ends in June 2026 and covers the twelve months before (from July 2025)."""
    with duckdb.connect() as con:
        con.execute("CREATE SCHEMA marts; CREATE SCHEMA staging; CREATE SCHEMA ml")
        for table, columns in TABLES.items():
            con.execute(f"CREATE TABLE {table} ({columns})")
        period(con, first=dt.date(2025, 7, 1))
        put(con, "staging.territories", *({"territory_id": f"T{i}", "name": f"Territoire {i}"} for i in (1, 2, 3)))
        yield con


def period(con, first: dt.date) -> None:
    con.execute("DELETE FROM staging.reporting_period")
    put(
        con,
        "staging.reporting_period",
        {"as_of_date": dt.date(2026, 6, 30), "as_of_month": AS_OF, "first_month": first},
    )


def put(con, table: str, *rows: dict) -> None:
    for row in rows:
        columns = ", ".join(f'"{c}"' for c in row)
        con.execute(f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(row))})", list(row.values()))


def shown(con, *names: str) -> tuple[dict, dict]:
    """Gives the views' results twice: with the macros alone (the report before issue 17), and as
    the report prints them."""
    views = [View.from_file(SQL_DIR / f"{name}.sql") for name in names]
    create_macros(con)
    macros_only = {v.name: con.sql(v.sql).pl() for v in views}
    return macros_only, run_views(con, views)


def rows(results: dict, name: str, *keys: str) -> dict:
    """Gives the rows of a view's result by their key (one column or a tuple of several)."""
    frame = results[name]
    return {
        (row[keys[0]] if len(keys) == 1 else tuple(row[k] for k in keys)): row for row in frame.iter_rows(named=True)
    }


def subtract(total, parts) -> float | None:
    """What a reader computes of the one hidden part of a sum: the total minus the parts shown;
    None when the total is hidden, or when no part or more than one is."""
    hidden = [p for p in parts if p is None]
    if total is None or len(hidden) != 1:
        return None
    return total - sum(p for p in parts if p is not None)


def add_up(parts) -> float | None:
    """What a reader computes of a hidden total: the sum of its parts, when all are shown."""
    return None if any(p is None for p in parts) else sum(parts)


def test_a_territory_minus_its_other_establishments_gives_no_hidden_headcount_or_fte(con):
    # Territory T1 (its page) and its establishments (theirs): 3 people on 2.5 fte in E1 are hidden,
    # but 21 people on 19.0 fte in the territory, minus E2's and E3's, gave them back. E4 has a
    # budget and nobody: 0 hides nothing, so E2 (6, the smallest other) is hidden with E1.
    put(
        con,
        "staging.establishments",
        *(
            {"establishment_id": e, "name": e, "kind": "MECS", "territory_id": "T1", "organisation": "Asso"}
            for e in ("E1", "E2", "E3", "E4")
        ),
    )
    cells = {"E1": (3, 2.5, 3.0), "E2": (6, 5.5, 6.0), "E3": (12, 11.0, 12.0), "E4": (0, 0.0, 2.0)}
    put(
        con,
        "marts.workforce_monthly",
        *(
            {
                "month": AS_OF,
                "establishment_id": e,
                "headcount": n,
                "fte": fte,
                "budgeted_fte": budget,
                "vacant_fte": budget - fte,
                "vacancy_rate": (budget - fte) / budget,
            }
            for e, (n, fte, budget) in cells.items()
        ),
    )
    put(con, "marts.turnover_12m", {"month": AS_OF, "scope": "TERRITORY", "scope_id": "T1", "headcount": 21})
    put(
        con,
        "marts.turnover_12m",
        *(
            {"month": AS_OF, "scope": "ESTABLISHMENT", "scope_id": e, "headcount": n}
            for e, (n, _, _) in cells.items()
            if n
        ),
    )
    put(
        con,
        "marts.turnover_12m_by_organisation",
        {"month": AS_OF, "scope": "ORGANISATION", "scope_id": "Asso", "headcount": 21},
    )
    before, after = shown(
        con,
        "workforce_turnover_by_territory",
        "workforce_vacancy_by_territory",
        "workforce_turnover_by_organisation",
        "workforce_vacancy_by_organisation",
        "establishment_monthly",
        "establishment_list",
        "establishment_job_families",
    )
    wholes = [
        ("workforce_turnover_by_territory", "territory_id", "headcount"),
        ("workforce_vacancy_by_territory", "territory_id", "fte"),
        ("workforce_vacancy_by_territory", "territory_id", "vacant_fte"),
        ("workforce_turnover_by_organisation", "organisation", "headcount"),
        ("workforce_vacancy_by_organisation", "organisation", "fte"),
    ]
    for results, expected in ((before, {"headcount": 3, "fte": 2.5, "vacant_fte": 0.5}), (after, None)):
        establishments = rows(results, "establishment_monthly", "establishment_id")
        for view, key, column in wholes:
            (whole,) = rows(results, view, key).values()
            found = subtract(whole[column], [establishments[e][column] for e in cells])
            assert found == (pytest.approx(expected[column]) if expected else None), (view, column)

    establishments = rows(after, "establishment_monthly", "establishment_id")
    assert [establishments[e]["headcount"] for e in cells] == [None, None, 12, 0]
    assert (establishments["E2"]["fte"], establishments["E2"]["vacancy_rate"]) == (None, None)
    assert rows(after, "workforce_turnover_by_territory", "territory_id")["T1"]["headcount"] == 21  # totals stay
    # E2's own page must not give its headcount back either: its one job family is hidden with it.
    e2 = [
        row["headcount"]
        for row in rows(after, "establishment_job_families", "establishment_id").values()
        if row["establishment_id"] == "E2"
    ]
    assert add_up(e2) is None


def test_the_whole_employer_minus_its_other_territories_organisations_or_job_families_gives_nothing(con):
    # 45 people on the home page; territories 3 (hidden) + 12 + 30, organisations 4 (hidden) + 41,
    # job families 2 (hidden) + 13 + 30 (Départs).
    put(con, "staging.job_families", *({"job_family": j, "label_fr": j} for j in ("J1", "J2", "J3")))
    scopes = {
        "ALL": {"ALL": 45},
        "TERRITORY": {"T1": 3, "T2": 12, "T3": 30},
        "JOB_FAMILY": {"J1": 2, "J2": 13, "J3": 30},
    }
    for scope, counts in scopes.items():
        put(
            con,
            "marts.turnover_12m",
            *({"month": AS_OF, "scope": scope, "scope_id": k, "headcount": n} for k, n in counts.items()),
        )
    put(
        con,
        "marts.turnover_12m_by_organisation",
        *(
            {"month": AS_OF, "scope": "ORGANISATION", "scope_id": k, "headcount": n}
            for k, n in {"O1": 4, "O2": 41}.items()
        ),
    )
    before, after = shown(
        con,
        "home_key_figures",
        "workforce_overview_monthly",
        "workforce_turnover_by_territory",
        "workforce_turnover_by_organisation",
        "workforce_turnover_by_job_family",
    )
    parts = [("workforce_turnover_by_territory", 3), ("workforce_turnover_by_organisation", 4)]
    for view, hidden in [*parts, ("workforce_turnover_by_job_family", 2)]:
        assert subtract(before["home_key_figures"]["headcount"][0], before[view]["headcount"]) == hidden
        assert subtract(after["home_key_figures"]["headcount"][0], after[view]["headcount"]) is None, view
        assert after[view]["headcount"].null_count() == 2
    assert after["home_key_figures"]["headcount"][0] == 45


def test_an_establishment_minus_its_other_job_families_gives_no_hidden_headcount(con):
    # The establishment's page: 18 people, and its job families 2 (hidden), 6 and 10.
    families = {"EDUCATEUR": (2, 2.0), "PSYCHOLOGUE": (6, 5.0), "INFIRMIER": (10, 9.0)}
    put(
        con,
        "marts.workforce_monthly",
        *(
            {"month": AS_OF, "establishment_id": "E1", "job_family": j, "headcount": n, "fte": fte, "budgeted_fte": fte}
            for j, (n, fte) in families.items()
        ),
    )
    put(con, "marts.turnover_12m", {"month": AS_OF, "scope": "ESTABLISHMENT", "scope_id": "E1", "headcount": 18})
    before, after = shown(con, "establishment_monthly", "establishment_job_families")
    for results, expected in ((before, {"headcount": 2, "fte": 2.0}), (after, None)):
        establishment = results["establishment_monthly"].row(0, named=True)
        for column in ("headcount", "fte"):
            found = subtract(establishment[column], results["establishment_job_families"][column])
            assert found == (expected[column] if expected else None)
    assert rows(after, "establishment_job_families", "job_family")["INFIRMIER"]["headcount"] == 10


def test_a_year_minus_its_other_months_gives_no_hidden_arrivals_or_departures(con):
    # An establishment's 16 arrivals of 2025 (its page's bar chart), and its months: 3 in January
    # (hidden), 6 in March, 7 in September.
    period(con, first=dt.date(2025, 1, 1))
    hires = {1: 3, 3: 6, 9: 7}
    put(
        con,
        "marts.workforce_monthly",
        *(
            {"month": dt.date(2025, m, 1), "establishment_id": "E1", "headcount": 20, "hires": hires.get(m, 0)}
            for m in range(1, 13)
        ),
    )
    before, after = shown(con, "establishment_yearly", "establishment_monthly")
    for results, expected in ((before, 3), (after, None)):
        year = rows(results, "establishment_yearly", "year")[2025]["hires"]
        months = rows(results, "establishment_monthly", "month")
        assert year == 16
        assert subtract(year, [months[dt.date(2025, m, 1)]["hires"] for m in hires]) == expected


def test_departures_by_reason_minus_those_of_the_months_give_no_hidden_reason(con):
    # 2025: one death (hidden) among 19 departures, which the whole employer's months show (6 in
    # January, 8 in April, 5 in July); resignations 10, ends of fixed-term contracts 8.
    period(con, first=dt.date(2025, 1, 1))
    reasons = [
        (1, "RESIGNATION", 5, True),
        (1, "DEATH", 1, False),
        (4, "END_OF_FIXED_TERM", 8, False),
        (7, "RESIGNATION", 5, True),
    ]
    put(
        con,
        "marts.exits_by_reason",
        *(
            {"month": dt.date(2025, m, 1), "job_family": "J", "exit_reason": r, "exits": n, "voluntary": v}
            for m, r, n, v in reasons
        ),
    )
    exits = {1: 6, 4: 8, 7: 5}
    put(
        con,
        "marts.turnover_12m",
        *(
            {"month": dt.date(2025, m, 1), "scope": "ALL", "scope_id": "ALL", "headcount": 50, "exits": exits.get(m, 0)}
            for m in range(1, 13)
        ),
    )
    before, after = shown(con, "exits_by_reason_yearly", "workforce_overview_monthly")
    for results, expected in ((before, 1), (after, None)):
        year = add_up([r["exits"] for r in rows(results, "workforce_overview_monthly", "month").values()])
        assert subtract(year, results["exits_by_reason_yearly"]["exits"]) == expected
    assert add_up(before["workforce_overview_monthly"]["exits"]) == 19  # every month was shown
    # The second figure hidden is a month's departures, which no page prints, rather than a reason.
    assert after["exits_by_reason_yearly"]["exits"].null_count() == 1


def test_the_foster_carers_of_the_home_page_minus_other_territories_give_no_hidden_carers_or_places(con):
    # June 2026: 32 carers for 72 places on the home page; territories 3 carers (hidden) for 7
    # places, 9 for 20, 20 for 45.
    carers = {"T1": (3, 7), "T2": (9, 20), "T3": (20, 45)}
    put(
        con,
        "marts.carer_capacity_monthly",
        *(
            {"month": AS_OF, "territory_id": t, "active_carers": n, "approved_places": p, "occupied_places": p}
            for t, (n, p) in carers.items()
        ),
    )
    before, after = shown(con, "home_key_figures", "carer_capacity_monthly_total", "carer_capacity_by_territory")
    for results, expected in ((before, (3, 7)), (after, (None, None))):
        home = results["home_key_figures"].row(0, named=True)
        territories = results["carer_capacity_by_territory"]
        found = tuple(subtract(home[c], territories[c]) for c in ("active_carers", "approved_places"))
        assert found == expected
        assert (home["active_carers"], home["approved_places"]) == (32, 72)


def test_carers_of_a_year_minus_other_months_give_no_hidden_arrivals(con):
    # 13 new carers in 2025 (Assistants familiaux): 2 in February (hidden), 6 in May, 5 in October,
    # all in territory T2. The second month hidden must stay hidden on the territory's figures too.
    period(con, first=dt.date(2025, 1, 1))
    new = {2: 2, 5: 6, 10: 5}
    put(
        con,
        "marts.carer_capacity_monthly",
        *(
            {"month": dt.date(2025, m, 1), "territory_id": "T2", "active_carers": 20, "new_carers": new.get(m, 0)}
            for m in range(1, 13)
        ),
    )
    before, after = shown(con, "carer_flows_yearly", "carer_capacity_monthly_total", "carer_capacity_by_territory")
    for results, expected in ((before, 2), (after, None)):
        year = results["carer_flows_yearly"].row(0, named=True)["new_carers"]
        months = rows(results, "carer_capacity_monthly_total", "month")
        assert year == 13
        assert subtract(year, [months[dt.date(2025, m, 1)]["new_carers"] for m in new]) == expected
    totals = rows(after, "carer_capacity_monthly_total", "month")
    territory = rows(after, "carer_capacity_by_territory", "month")
    for month in (dt.date(2025, m, 1) for m in new):
        if totals[month]["new_carers"] is None:  # the whole hidden: the one territory of that month too
            assert territory[month]["new_carers"] is None


def test_a_total_row_minus_its_other_rows_gives_nothing_on_the_same_page(con):
    # Fidélisation: carers scored per territory 3 (hidden), 6, 8 and "Tous les territoires" 17; at
    # high risk 3, 5, 6 and 14; the measure suggested 3, 5, 6 and 14. Recruiting carers: approvals
    # per channel 3 (hidden), 6, 7 and "Tous les canaux" 16.
    scores = [("T1", "HIGH")] * 3 + [("T2", "HIGH")] * 5 + [("T2", "LOW")] + [("T3", "HIGH")] * 6 + [("T3", "LOW")] * 2
    put(
        con,
        "ml.carer_attrition_scores",
        *(
            {
                "carer_id": f"c{i}",
                "as_of_date": dt.date(2026, 6, 30),
                "risk_12m": 0.5,
                "risk_band": band,
                "places_at_risk": 1.0,
                "suggested_measure": "relais (respite carer)",
                "approved_places": 2,
                "territory_id": t,
            }
            for i, (t, band) in enumerate(scores)
        ),
    )
    funnel = {"WEBSITE": (20, 8, 3), "CAMPAIGN": (30, 12, 6), "INFO_MEETING": (25, 10, 7)}
    put(
        con,
        "marts.carer_funnel",
        *(
            {
                "cohort_quarter": dt.date(2025, 4, 1),
                "channel": c,
                "territory_id": "T1",
                "enquiries": e,
                "applications": a,
                "approvals": n,
            }
            for c, (e, a, n) in funnel.items()
        ),
    )
    before, after = shown(con, "carer_retention_by_territory", "carer_suggested_measures", "carer_funnel_yearly")
    checks = [
        ("carer_retention_by_territory", "carers", 3),
        ("carer_retention_by_territory", "high_risk_carers", 3),
        ("carer_suggested_measures", "carers", 3),
        ("carer_funnel_yearly", "approvals", 3),
    ]
    for view, column, hidden in checks:
        for results, expected in ((before, hidden), (after, None)):
            frame = results[view]
            total = frame.filter(frame["is_total"])[column][0]
            assert subtract(total, frame.filter(~frame["is_total"])[column]) == expected, (view, column)
    campaign = rows(after, "carer_funnel_yearly", "channel")["CAMPAIGN"]
    assert (campaign["approvals"], campaign["conversion_rate"]) == (None, None)  # 6 / 30 would say 6
    t2 = rows(after, "carer_retention_by_territory", "territory_id")["T2"]
    assert (t2["carers"], t2["places_at_risk"], t2["approved_places"]) == (None, None, None)


def test_the_age_pyramid_minus_its_other_bands_gives_no_hidden_band(con):
    # 24 carers in June 2026 (home page, Assistants familiaux): aged 30-34 2 (hidden), 40-44 10,
    # 50-54 12. The shares give the 24 as well (10 / 41.7 %).
    bands = {30: 2, 40: 10, 50: 12}
    put(
        con,
        "marts.carer_age_profile",
        *(
            {
                "as_of_date": dt.date(2026, 6, 30),
                "territory_id": "T1",
                "age_band": f"{a}-{a + 4}",
                "age_band_start": a,
                "carers": n,
            }
            for a, n in bands.items()
        ),
    )
    put(con, "marts.carer_capacity_monthly", {"month": AS_OF, "territory_id": "T1", "active_carers": 24})
    before, after = shown(con, "carer_age_pyramid", "carer_capacity_monthly_total")
    for results, expected in ((before, 2), (after, None)):
        total = rows(results, "carer_capacity_monthly_total", "month")[AS_OF]["active_carers"]
        assert subtract(total, results["carer_age_pyramid"]["carers"]) == expected
    band = rows(after, "carer_age_pyramid", "age_band_start")[40]
    assert (band["carers"], band["share_of_carers"], band["approved_places"]) == (None, None, None)


def test_a_twelve_month_rate_gives_no_hidden_month_end_headcount_back(con):
    # Territory T1: 4 people at the end of July 2025 (hidden), 6 at the end of each month after.
    # June 2026's turnover (6 departures over an average of 70 / 12) gives the average back, and
    # twelve times the average minus the eleven months shown gave the 4.
    months = [dt.date(2025 + (6 + k) // 12, (6 + k) % 12 + 1, 1) for k in range(12)]  # July 2025 to June 2026
    heads = [4] + [6] * 11
    rows_ = []
    for month, n in zip(months, heads, strict=True):
        last = month == AS_OF
        rows_.append(
            {
                "month": month,
                "scope": "TERRITORY",
                "scope_id": "T1",
                "headcount": n,
                "exits_12m": 6 if last else 0,
                "avg_headcount": 70 / 12 if last else 6.0,
                "turnover_rate": 6 / (70 / 12) if last else 0.0,
                "voluntary_turnover_rate": 0.0,
            }
        )
    put(con, "marts.turnover_12m", *rows_)
    before, after = shown(con, "workforce_turnover_by_territory")
    for results, expected in ((before, 4), (after, None)):
        by_month = rows(results, "workforce_turnover_by_territory", "month")
        june = by_month[AS_OF]
        average = june["exits_12m"] / june["turnover_rate"] if june["turnover_rate"] else None
        found = subtract(None if average is None else round(12 * average), [by_month[m]["headcount"] for m in months])
        assert found == expected
    assert rows(after, "workforce_turnover_by_territory", "month")[AS_OF]["exits_12m"] == 6  # the count stays


def test_the_fairness_audit_minus_its_other_groups_gives_no_hidden_group(con):
    # Méthodes: the model scored 80 carers x dates of its test period; by sex, 76 women and 4 men
    # (hidden).
    for model in ("gradient_boosting", "age_rule"):
        put(
            con,
            "ml.model_metrics",
            {
                "model": model,
                "split": "test",
                "roc_auc": 0.7,
                "pr_auc": 0.3,
                "brier": 0.1,
                "top_decile_recall": 0.4,
                "mean_risk": 0.12,
                "leave_rate": 10 / 80,
                "n": 80,
                "leavers": 10,
                "chosen": model == "gradient_boosting",
            },
        )
    for group, n, leavers in (("F", 76, 10), ("M", 4, 0)):
        put(
            con,
            "ml.model_fairness",
            {
                "model": "gradient_boosting",
                "split": "test",
                "attribute": "sex",
                "group": group,
                "n": n,
                "leavers": leavers,
                "recall": 0.5,
                "mean_predicted_risk": 0.12,
                "observed_leave_rate": leavers / n,
                "calibration_ratio": 1.0,
            },
        )
    before, after = shown(con, "model_metrics_summary", "model_fairness_summary")
    for results, expected in ((before, 4), (after, None)):
        assert subtract(results["model_metrics_summary"]["n"][0], results["model_fairness_summary"]["n"]) == expected
    women = rows(after, "model_fairness_summary", "group_label")["F"]
    assert (women["n"], women["observed_leave_rate"]) == (None, None)  # 10 leavers / rate would say 76


def months_from(first: dt.date, n: int) -> list[dt.date]:
    return [dt.date(first.year + (first.month - 1 + k) // 12, (first.month - 1 + k) % 12 + 1, 1) for k in range(n)]


def twelve_months(monthly: dict[dt.date, int], month: dt.date) -> int:
    return sum(n for m, n in monthly.items() if m <= month and (month.year - m.year) * 12 + month.month - m.month < 12)


def test_an_establishment_s_turnover_month_after_month_gives_no_hidden_month_back(con):
    # Two months' turnover and the headcounts they average give one month's departures minus those
    # of the same month a year before: 8 - 6 + 0 gave June 2026's 2 (hidden). The establishment's
    # turnover is now given for the as-of month only (its page shows no other).
    period(con, first=dt.date(2024, 7, 1))
    months = months_from(dt.date(2024, 7, 1), 24)
    exits = {dt.date(2025, 9, 1): 6, AS_OF: 2}
    put(
        con,
        "marts.workforce_monthly",
        *({"month": m, "establishment_id": "E1", "headcount": 20, "exits": exits.get(m, 0)} for m in months),
    )
    put(
        con,
        "marts.turnover_12m",
        *(
            {
                "month": m,
                "scope": "ESTABLISHMENT",
                "scope_id": "E1",
                "headcount": 20,
                "avg_headcount": 20.0,
                "exits_12m": twelve_months(exits, m),
                "turnover_rate": twelve_months(exits, m) / 20,
                "voluntary_turnover_rate": 0.0,
            }
            for m in months
        ),
    )
    _, after = shown(con, "establishment_monthly")
    may = dt.date(2026, 5, 1)
    # what the view showed before (the macros pass both rates: 6 and 8 departures over 20 people)
    assert twelve_months(exits, AS_OF) / 20 * 20 - twelve_months(exits, may) / 20 * 20 + 0 == 2
    by_month = rows(after, "establishment_monthly", "month")
    assert by_month[AS_OF]["exits"] is None and by_month[dt.date(2025, 6, 1)]["exits"] == 0
    june, before = by_month[AS_OF]["turnover_rate"], by_month[may]["turnover_rate"]
    assert june == pytest.approx(8 / 20)  # the as-of month's, the one the page shows
    assert before is None
    assert all(row["turnover_rate"] is None for m, row in by_month.items() if m != AS_OF)


def test_a_territory_s_twelve_month_departures_month_after_month_give_no_hidden_establishment_month(con):
    # Territory T1's departures over twelve months: 5 at the end of May 2026, 13 at the end of June, so
    # June 2026 had 8 more than June 2025, when both its establishments had 0: 8, of which E2's 6 are
    # shown, gave E1's 2 (hidden).
    period(con, first=dt.date(2024, 7, 1))
    months = months_from(dt.date(2024, 7, 1), 24)
    put(
        con,
        "staging.establishments",
        *(
            {"establishment_id": e, "name": e, "kind": "MECS", "territory_id": "T1", "organisation": "Asso"}
            for e in ("E1", "E2")
        ),
    )
    exits = {"E1": {AS_OF: 2}, "E2": {dt.date(2025, 9, 1): 5, AS_OF: 6}}
    put(
        con,
        "marts.workforce_monthly",
        *(
            {"month": m, "establishment_id": e, "headcount": 20, "exits": exits[e].get(m, 0)}
            for m in months
            for e in exits
        ),
    )
    territory = {m: sum(exits[e].get(m, 0) for e in exits) for m in months}
    put(
        con,
        "marts.turnover_12m",
        *(
            {
                "month": m,
                "scope": "TERRITORY",
                "scope_id": "T1",
                "headcount": 40,
                "avg_headcount": 40.0,
                "exits_12m": twelve_months(territory, m),
                "turnover_rate": twelve_months(territory, m) / 40,
            }
            for m in months
        ),
    )
    before, after = shown(con, "workforce_turnover_by_territory", "establishment_monthly", "establishment_list")
    may, june_before = dt.date(2026, 5, 1), dt.date(2025, 6, 1)
    for results, expected in ((before, 2), (after, None)):
        by_month = rows(results, "workforce_turnover_by_territory", "month")
        establishments = rows(results, "establishment_monthly", "month", "establishment_id")
        a_year_before = add_up([establishments[(june_before, e)]["exits"] for e in exits])
        june = by_month[AS_OF]["exits_12m"] - by_month[may]["exits_12m"] + a_year_before
        assert june == 8
        assert subtract(june, [establishments[(AS_OF, e)]["exits"] for e in exits]) == expected


def determined(figures: Figures, equations: list) -> list:
    """Gives the hidden counts the sums determine taken all together, as a reader solving them as one
    linear system would (not only one after another): those that have the same value in every
    solution, i.e. where random vectors projected on the system's null space are 0. An average
    headcount counts 12 times in a sum of month-end headcounts; through a rate, a figure is the rate
    times the other (twice for rotation, the mean of hires and departures)."""
    columns: dict = {}
    entries = []
    for s in equations:
        if s.rate is not None and s.rate in figures.hidden:
            continue
        row: dict = {}
        for sign, side in ((1, s.left), (-1, s.right)):
            for var in side:
                if var not in figures.rows or var in figures.hidden:  # unknown to the reader
                    weight = 12 if var[0].startswith("average") else 1
                    if s.rate is not None and side is s.right:
                        weight = figures.value[s.rate] * (2 if s.rate[0].startswith("rotation") else 1)
                    row[var] = row.get(var, 0) + sign * weight
        entries.append({columns.setdefault(v, len(columns)): c for v, c in row.items() if c})
    matrix = csr_matrix(
        (
            [c for row in entries for c in row.values()],
            ([i for i, row in enumerate(entries) for _ in row], [j for row in entries for j in row]),
        ),
        shape=(len(entries), len(columns)),
    )
    largest = np.zeros(len(columns))
    for seed in (1, 2):
        vector = np.random.default_rng(seed).standard_normal(len(columns))
        projected = vector - matrix.T @ lsqr(matrix.T, vector, atol=1e-14, btol=1e-14, iter_lim=50_000)[0]
        largest = np.maximum(largest, np.abs(projected))
    return [var for var, j in columns.items() if var in figures.rows and largest[j] < 1e-6]


def test_on_a_whole_small_run_no_sum_of_the_report_gives_a_hidden_count_back(small_warehouse):
    # The small run: few people, many counts of 1 to 4, every route above at once. Before issue 17,
    # 582 hidden counts came back one sum at a time, 642 solving all the sums at once.
    results = query_views(Warehouse(path=str(small_warehouse)), report_views())
    figures = Figures(results)
    equations = sums(figures)
    _, leaks = read_back(figures, equations, figures.hidden)
    assert leaks == {}
    assert determined(figures, equations) == []  # nor by solving all the sums at once
