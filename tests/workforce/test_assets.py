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


def materialised_metadata(result) -> dict:
    return {
        m.asset_key.path[-1]: {k: v.value for k, v in m.metadata.items()}
        for m in result.get_asset_materialization_events()
        for m in [m.event_specific_data.materialization]
    }


def test_metadata_shows_latest_vacancy_and_turnover_as_percentages(materialised):
    path, result = materialised
    metadata = materialised_metadata(result)
    monthly = metadata["workforce_monthly"]
    # June 2024: 0.5 vacant of 2 fte of AES in E1, 1 of 2 TISF and 0.5 of 0.5 psychologist in E2;
    # eve's AES in E2 and fay's TISF in E1 have no budget, so they cover nothing: 2 of 4.5, 44.4 %.
    assert {k: monthly[k] for k in ("as_of_month", "budgeted_fte", "vacant_fte", "vacancy_rate (%)")} == {
        "as_of_month": "2024-06-01",
        "budgeted_fte": 4.5,
        "vacant_fte": 2.0,
        "vacancy_rate (%)": 44.4,
    }
    turnover = metadata["turnover_12m"]
    # From July 2023 to June 2024 one person left the organisation, cyd (a resignation); bob and eve stay
    # in another job, ana is renewed, fay leaves after June: 1 exit over an average of 4 people, 25 %.
    assert {k: turnover[k] for k in ("as_of_month", "turnover_rate (%)", "voluntary_turnover_rate (%)")} == {
        "as_of_month": "2024-06-01",
        "turnover_rate (%)": 25.0,
        "voluntary_turnover_rate (%)": 25.0,
    }
    assert "vacancy_rate" not in monthly and "turnover_rate" not in turnover  # no fraction left beside them
    assert {name: values["as_of_month"] for name, values in metadata.items()} == dict.fromkeys(metadata, "2024-06-01")
    with duckdb.connect(str(path), read_only=True) as con:
        counts = [
            con.execute(f"SELECT count(*) FROM marts.{t}").fetchone()[0] for t in ("workforce_monthly", "turnover_12m")
        ]
    assert [monthly["rows"], turnover["rows"]] == counts


# Every establishment in June 2024, by hand: E1 has ana, bob and fay at month end, 1.5 of 2 AES fte
# (25 %), and no one left the organisation from it over 12 months; E2 has dan and eve, 1 of 2 TISF
# and 0 of 0.5 psychologist fte (60 %), and cyd left it, over an average of 2 people (50 %).
ESTABLISHMENTS = (
    "| establishment_id | name | headcount | budgeted_fte | vacant_fte | vacancy_rate (%) | exits_12m "
    "| turnover_rate (%) |\n|---|---|---|---|---|---|---|---|\n"
    "| E2 | Etablissement E2 | 2 | 2.5 | 1.5 | 60.0 | 1 | 50.0 |\n"
    "| E1 | Etablissement E1 | 3 | 2.0 | 0.5 | 25.0 | 0 | 0.0 |\n"
)


def test_each_mart_by_establishment_lists_every_establishment_worst_first(materialised):
    _, result = materialised
    metadata = materialised_metadata(result)
    monthly, turnover = metadata["workforce_monthly"], metadata["turnover_12m"]
    assert monthly["establishments"] == (
        "06/2024: all 2 establishments, highest vacancy rate first; rates in %, turnover over 12 months, head "
        "count at month end. Every establishment: run `establishments_sql` on the warehouse.\n\n" + ESTABLISHMENTS
    )
    assert turnover["establishments"].startswith("06/2024: all 2 establishments, highest turnover rate first;")
    assert turnover["establishments"].endswith(ESTABLISHMENTS)


def test_the_sql_beside_the_table_gives_every_establishment_on_the_warehouse(materialised):
    path, result = materialised
    metadata = materialised_metadata(result)
    with duckdb.connect(str(path), read_only=True) as con:
        for mart, worst in (("workforce_monthly", "vacancy_rate (%)"), ("turnover_12m", "turnover_rate (%)")):
            sql = metadata[mart]["establishments_sql"].removeprefix("```sql\n").removesuffix("\n```")
            rows = con.sql(sql).fetchall()
            assert rows == [
                ("E2", "Etablissement E2", 2, 2.5, 1.5, 60.0, 1, 50.0),
                ("E1", "Etablissement E1", 3, 2.0, 0.5, 25.0, 0, 0.0),
            ], worst


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


def test_a_mart_materialised_alone_shows_what_the_warehouse_holds_of_the_other(tmp_path):
    warehouse = Warehouse(path=str(tmp_path / "w.duckdb"))
    warehouse.replace_many(staging_tables())
    alone = dg.materialize([*workforce_assets], selection="marts/workforce_monthly", resources={"warehouse": warehouse})
    # No turnover_12m yet: the table shows vacancy alone.
    assert (
        materialised_metadata(alone)["workforce_monthly"]["establishments"]
        .split("\n\n")[1]
        .startswith("| establishment_id | name | budgeted_fte | vacant_fte | vacancy_rate (%) |\n")
    )
    dg.materialize([*workforce_assets], selection="marts/turnover_12m", resources={"warehouse": warehouse})
    again = dg.materialize([*workforce_assets], selection="marts/workforce_monthly", resources={"warehouse": warehouse})
    assert materialised_metadata(again)["workforce_monthly"]["establishments"].endswith(ESTABLISHMENTS)


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
