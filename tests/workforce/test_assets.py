"""The workforce assets in Dagster: materialised on a warehouse holding tiny staging tables,
their tables land, their checks pass, and every view in sql/ runs on the result."""

from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipelines.progress import RunOutcome
from pipelines.report.disclosure import create_macros
from pipelines.warehouse import Warehouse
from pipelines.workforce.assets import workforce_assets, workforce_checks
from tests.workforce.helpers import budget, day, establishments, staff

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
WORKFORCE_VIEWS = sorted(p for p in SQL_DIR.glob("*.sql") if p.stem.startswith(("workforce_", "time_to_fill")))


def staging_tables() -> dict[str, pl.DataFrame]:
    contracts = staff(
        ("ana", "E1", "AES", 1, "2023-01-01", "2024-02-29", "END_OF_FIXED_TERM"),
        ("ana", "E1", "AES", 1, "2024-03-01", None, None),  # renewed back to back
        ("bob", "E1", "AES", 0.5, "2023-06-01", None, None),
        ("bob", "E2", "TISF", 0.5, "2023-06-01", "2024-04-15", "RESIGNATION"),  # second part-time job ends
        ("cyd", "E2", "TISF", 1, "2023-03-01", "2024-01-31", "RESIGNATION"),  # leaves on a month end
        ("dan", "E2", "TISF", 1, "2024-02-05", None, None),
        ("eve", "E1", "AES", 0.8, "2023-09-01", "2024-03-31", "INTERNAL_TRANSFER"),
        ("eve", "E2", "AES", 0.8, "2024-04-01", None, None),  # moves
        ("fay", "E1", "AES", 1, "2024-05-02", "2024-05-02", "END_OF_TRIAL"),
        ("fay", "E1", "TISF", 0.5, "2024-05-02", "2024-07-31", "RESIGNATION"),  # two contracts the same day
    ).collect()
    contracts = contracts.with_columns(source_file=pl.lit("staff.csv"), source_row=pl.int_range(2, pl.len() + 2))
    posts = budget(
        ("E1", "AES", "2023-01-01", "2024-03-31", 3),
        ("E1", "AES", "2024-04-01", None, 2),
        ("E2", "TISF", "2023-01-01", None, 2),
        ("E2", "PSYCHOLOGUE", "2023-01-01", None, 0.5),
    ).collect()
    places = establishments(("E1", "T1", "Asso A"), ("E2", "T2", "Asso B")).collect()
    postings = pl.DataFrame(
        {
            "posting_id": ["p1", "p2", "p3"],
            "establishment_id": ["E2", "E2", "E1"],
            "job_family": ["TISF", "PSYCHOLOGUE", "AES"],
            "fte": [1.0, 0.5, 1.0],
            "opened_date": [day("2023-12-01"), day("2023-01-15"), day("2024-04-01")],
            "closed_date": [day("2024-02-01"), None, day("2024-04-20")],
            "outcome": ["FILLED", "OPEN", "CANCELLED"],
            "contract_id": ["c6", None, None],
        },
    )
    applications = pl.DataFrame(
        {
            "application_id": ["a1", "a2", "a3"],
            "posting_id": ["p1", "p1", "p2"],
            "applied_date": [day("2023-12-10"), day("2024-01-03"), day("2024-03-01")],
            "channel": ["JOB_BOARD", "REFERRAL", "SCHOOL"],
            "stage_reached": ["HIRED", "INTERVIEWED", "APPLIED"],
            "withdrawn": [False, True, None],
        },
        schema_overrides={"withdrawn": pl.Boolean},
    )
    return {
        "staging.staff": contracts,
        "staging.budgeted_posts": posts,
        "staging.establishments": places,
        "staging.territories": pl.DataFrame({"territory_id": ["T1", "T2"], "name": ["Nord", "Sud"]}),
        "staging.job_families": pl.DataFrame(
            {
                "job_family": ["AES", "TISF", "PSYCHOLOGUE"],
                "label_fr": ["AES", "TISF", "Psychologue"],
                "segur_group": ["A", "A", "B"],
            }
        ),
        "staging.job_postings": postings,
        "staging.applications": applications,
        "staging.reporting_period": pl.DataFrame(
            {
                "as_of_date": [day("2024-06-30")],
                "as_of_month": [day("2024-06-01")],
                "first_month": [day("2023-07-01")],
                "history_months": [12],
            }
        ),
    }


@pytest.fixture(scope="module")
def materialised(tmp_path_factory):
    path = tmp_path_factory.mktemp("workforce") / "w.duckdb"
    warehouse = Warehouse(path=str(path))
    warehouse.replace_many(staging_tables())
    result = dg.materialize([*workforce_assets, *workforce_checks], resources={"warehouse": warehouse})
    return path, result


def test_every_workforce_table_lands(materialised):
    path, result = materialised
    assert result.success
    with duckdb.connect(str(path), read_only=True) as con:
        tables = {
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'"
            ).fetchall()
        }
        assert {
            "workforce_monthly",
            "turnover_12m",
            "exits_by_reason",
            "early_attrition",
            "time_to_fill",
            "recruitment_funnel",
            "long_vacancies",
            "turnover_12m_by_organisation",
        } <= tables
        columns = {
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'workforce_monthly'"
            ).fetchall()
        }
        assert {
            "month",
            "establishment_id",
            "job_family",
            "headcount",
            "fte",
            "hires",
            "exits",
            "voluntary_exits",
            "budgeted_fte",
            "vacant_fte",
            "vacancy_rate",
        } <= columns
        # One hand-computed figure: in June 2024 E1 AES holds ana (1.0) and bob (0.5) against 2 budgeted.
        assert con.execute("""SELECT headcount, fte, vacant_fte, vacancy_rate FROM marts.workforce_monthly
            WHERE month = DATE '2024-06-01' AND establishment_id = 'E1' AND job_family = 'AES'""").fetchall() == [
            (2, 1.5, 0.5, 0.25)
        ]
        # The psychologist post was never filled: a long vacancy still going on.
        assert con.execute("""SELECT months_vacant, ongoing FROM marts.long_vacancies
            WHERE job_family = 'PSYCHOLOGUE'""").fetchall() == [(12, True)]


def test_every_check_passes_and_says_what_it_saw(materialised):
    _, result = materialised
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert set(evaluations) == {spec.name for check in workforce_checks for spec in check.check_specs}
    assert set(evaluations) == {"months_have_no_gaps", "headcount_rolls_forward"}  # rates: GX suites
    assert all(e.passed for e in evaluations.values()), {n: e.metadata for n, e in evaluations.items()}
    roll = evaluations["headcount_rolls_forward"].metadata
    assert roll["same_day_extra_hires"].value == 1  # fay's two contracts on 2 May
    assert roll["month_end_leavers"].value >= 1  # cyd's last day, 31 January


def test_metadata_shows_latest_vacancy_turnover_and_the_top_establishments(materialised):
    _, result = materialised
    metadata = {
        m.asset_key.path[-1]: m.metadata
        for m in result.get_asset_materialization_events()
        for m in [m.event_specific_data.materialization]
    }
    monthly = metadata["workforce_monthly"]
    # June 2024: 0.5 vacant of 2 fte of AES in E1, 1 of 2 TISF and 0.5 of 0.5 psychologist in E2;
    # eve's AES in E2 and fay's TISF in E1 have no budget, so they cover nothing.
    assert {k: monthly[k].value for k in ("as_of_month", "budgeted_fte", "vacant_fte", "vacancy_rate")} == {
        "as_of_month": "2024-06-01",
        "budgeted_fte": 4.5,
        "vacant_fte": 2.0,
        "vacancy_rate": 0.444444,
    }
    turnover = metadata["turnover_12m"]
    # From July 2023 to June 2024 one person left the organisation, cyd (a resignation); bob and eve stay
    # in another job, ana is renewed, fay leaves after June: 1 exit over an average of 4 people.
    assert (turnover["turnover_rate"].value, turnover["voluntary_turnover_rate"].value) == (0.25, 0.25)
    path, _ = materialised
    with duckdb.connect(str(path), read_only=True) as con:
        counts = [
            con.execute(f"SELECT count(*) FROM marts.{t}").fetchone()[0] for t in ("workforce_monthly", "turnover_12m")
        ]
    assert [monthly["rows"].value, turnover["rows"].value] == counts
    # No establishment reaches 5 budgeted fte or 10 people: the tables have a header and no row.
    assert turnover["highest_turnover"].value.endswith(
        "| establishment_id | name | avg_headcount | exits_12m | turnover_rate | voluntary_turnover_rate |\n"
        "|---|---|---|---|---|---|\n"
    )
    assert monthly["highest_vacancy"].value.endswith(
        "| establishment_id | name | budgeted_fte | vacant_fte | vacancy_rate |\n|---|---|---|---|---|\n"
    )


@pytest.mark.parametrize("view", WORKFORCE_VIEWS, ids=lambda p: p.stem)
def test_each_view_runs_on_the_warehouse(materialised, view):
    path, _ = materialised
    with duckdb.connect(str(path), read_only=True) as con:
        create_macros(con)  # the views hide small counts with the report's disclosure macros
        frame = con.sql(view.read_text()).pl()
    assert frame.height > 0
    assert len(set(frame.columns)) == len(frame.columns)


def test_with_no_contract_no_budget_and_no_posting_the_tables_are_empty_and_the_checks_pass(tmp_path):
    tables = staging_tables()
    empty = {
        name: tables[name].clear()
        for name in ("staging.staff", "staging.budgeted_posts", "staging.job_postings", "staging.applications")
    }
    warehouse = Warehouse(path=str(tmp_path / "w.duckdb"))
    warehouse.replace_many(tables | empty)
    result = dg.materialize([*workforce_assets, *workforce_checks], resources={"warehouse": warehouse})
    assert result.success
    assert all(e.passed for e in result.get_asset_check_evaluations())
    for table in ("workforce_monthly", "turnover_12m", "long_vacancies", "time_to_fill", "recruitment_funnel"):
        assert warehouse.query(f"SELECT count(*) FROM marts.{table}").item() == 0, table


def test_one_mart_of_contract_marts_can_be_materialised_alone_with_the_same_figures(materialised, tmp_path):
    path, _ = materialised
    warehouse = Warehouse(path=str(tmp_path / "w.duckdb"))
    warehouse.replace_many(staging_tables())
    result = dg.materialize([*workforce_assets], selection="marts/turnover_12m", resources={"warehouse": warehouse})
    assert result.success
    assert [m.asset_key.path for m in result.get_asset_materialization_events()] == [["marts", "turnover_12m"]]
    tables = warehouse.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'")
    assert tables["table_name"].to_list() == ["turnover_12m"]
    alone = warehouse.query("SELECT * FROM marts.turnover_12m ORDER BY ALL")
    with duckdb.connect(str(path), read_only=True) as con:
        together = con.sql("SELECT * FROM marts.turnover_12m ORDER BY ALL").pl()
    assert alone.equals(together)


def test_when_staff_fails_the_run_summary_names_the_marts_not_run_not_the_step(tmp_path):
    @dg.asset(key=["staging", "staff"])
    def broken_staff():
        raise ValueError("staff extract unreadable")

    warehouse = Warehouse(path=str(tmp_path / "w.duckdb"))
    marts = [
        a
        for a in workforce_assets
        if dg.AssetKey(["marts", "time_to_fill"]) not in a.keys
        and dg.AssetKey(["marts", "recruitment_funnel"]) not in a.keys
    ]
    result = dg.materialize([broken_staff, *marts], resources={"warehouse": warehouse}, raise_on_error=False)
    outcome = RunOutcome.from_result(result)
    assert list(outcome.failures) == ["staging/staff"]
    assert {"marts/workforce_monthly", "marts/turnover_12m", "marts/early_attrition", "marts/long_vacancies"} <= set(
        outcome.skipped
    )
    assert "contract_marts" not in outcome.skipped
