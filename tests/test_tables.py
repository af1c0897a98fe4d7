"""pipelines.tables: an asset reads only what it declares, writes its table and its row count, and shows
plain values as Dagster metadata; pipelines.markdown: a cell is data, never markup."""

import datetime as dt

import dagster as dg
import polars as pl
import pytest

from pipelines.markdown import markdown_table
from pipelines.tables import (
    COLUMN_SCHEMA,
    PERIOD,
    STEP,
    TABLE_NAME,
    Tables,
    UndeclaredTableError,
    table_asset,
    table_spec,
    tables_asset,
)
from pipelines.warehouse import Warehouse


@pytest.fixture
def warehouse(tmp_path) -> Warehouse:
    warehouse = Warehouse(path=str(tmp_path / "w.duckdb"))
    warehouse.replace_many(
        {
            "staging.staff": pl.DataFrame({"employee_id": ["a", "b", "c"], "fte": [1.0, 0.5, 0.8]}),
            "staging.budgeted_posts": pl.DataFrame({"fte": [2.0]}),
            PERIOD: pl.DataFrame({"as_of_date": [dt.date(2024, 6, 30)], "first_month": [dt.date(2015, 7, 1)]}),
        }
    )
    return warehouse


def test_a_table_not_declared_is_refused_naming_it_and_what_was_declared(warehouse):
    tables = Tables(warehouse, frozenset({"staging.staff"}))
    assert tables.read("staging.staff", columns=["sum(fte)"]).item() == pytest.approx(2.3)
    with pytest.raises(UndeclaredTableError, match=r"staging.budgeted_posts is read but not declared.*staging.staff"):
        tables.read("staging.budgeted_posts")
    with pytest.raises(UndeclaredTableError):
        _ = tables.period  # the period too must be declared


def test_read_selects_columns_and_rows(warehouse):
    tables = Tables(warehouse, frozenset({"staging.staff", PERIOD}))
    assert tables.read("staging.staff", columns=["employee_id"], where="fte < 1").rows() == [("b",), ("c",)]
    assert tables.period.as_of == dt.date(2024, 6, 30)


def test_the_asset_depends_on_its_reads_writes_its_table_counts_its_rows_and_shows_its_as_of_month(warehouse):
    @table_asset("marts.long_vacancies", reads=["staging.staff", PERIOD], group="workforce")
    def long_vacancies(tables: Tables):
        staff = tables.lazy("staging.staff").filter(pl.col("fte") < 1).collect()
        return staff, {"as_of": str(tables.period.as_of), "share": 2 / 3, "people": staff.height, "none": None}

    assert {k.to_user_string() for k in long_vacancies.asset_deps[long_vacancies.key]} == {
        "staging/staff",
        "staging/reporting_period",
    }
    assert long_vacancies.descriptions_by_key[long_vacancies.key].startswith("Long vacancies (vacance de poste")
    result = dg.materialize([long_vacancies], resources={"warehouse": warehouse})
    metadata = result.asset_materializations_for_node(long_vacancies.op.name)[0].metadata
    assert warehouse.read("marts.long_vacancies")["employee_id"].to_list() == ["b", "c"]
    assert {k: v.value for k, v in metadata.items()} == {
        "rows": 2,
        "as_of_month": "2024-06-01",  # the period was declared
        "as_of": "2024-06-30",
        "share": 0.666667,
        "people": 2,
    }


def test_an_asset_that_reads_an_undeclared_table_fails_its_run(warehouse):
    @table_asset("marts.time_to_fill", reads=["staging.staff"], group="workforce")
    def time_to_fill(tables: Tables):
        return tables.read("staging.budgeted_posts")

    with pytest.raises(UndeclaredTableError, match="staging.budgeted_posts is read but not declared"):
        dg.materialize([time_to_fill], resources={"warehouse": warehouse})
    assert not warehouse.exists("marts.time_to_fill")


def test_several_tables_are_written_together_and_each_gets_its_own_metadata(warehouse):
    specs = [table_spec(t, ["staging.staff"], "segur") for t in ("marts.segur_effect", "marts.segur_event_study")]

    @tables_asset(specs)
    def segur_effect(tables: Tables, selected: list[str], context):
        staff = tables.read("staging.staff")
        return {"marts.segur_effect": (staff.head(1), {"note": "one"}), "marts.segur_event_study": staff}

    result = dg.materialize([segur_effect], resources={"warehouse": warehouse})
    metadata = {
        m.asset_key.to_user_string(): {k: v.value for k, v in m.metadata.items()}
        for m in result.asset_materializations_for_node("segur_effect")
    }
    assert metadata == {"marts/segur_effect": {"rows": 1, "note": "one"}, "marts/segur_event_study": {"rows": 3}}


def test_a_markdown_cell_is_text_never_markup():
    names = pl.DataFrame(
        {"name": ["Foyer | <b>Les Tilleuls</b>", "[lien](http://x)", "ligne\ndeux"], "rate": [0.1234, None, 0.0001]}
    )
    assert markdown_table(names) == (
        "| name | rate |\n|---|---|\n"
        "| Foyer \\| \\<b\\>Les Tilleuls\\</b\\> | 0.123 |\n"
        "| \\[lien\\](http://x) | - |\n"
        "| ligne deux | 0.0001 |\n"
    )


def test_a_table_asset_shows_its_columns_as_the_catalogue_describes_them():
    spec = table_spec("marts.exits_by_reason", ["staging.staff", PERIOD], "workforce")
    schema = spec.metadata[COLUMN_SCHEMA]
    assert [(c.name, c.type) for c in schema.columns] == [
        ("month", "DATE"),
        ("job_family", "VARCHAR"),
        ("exit_reason", "VARCHAR"),
        ("exits", "BIGINT"),
        ("voluntary", "BOOLEAN"),
    ]
    # A column without its own description takes the shared one.
    assert schema.columns[0].description == "The month (first day of the month; figures at its last day)."
    assert schema.columns[2].description == "Why they left (motif de départ)."
    assert spec.metadata[TABLE_NAME] == "marts.exits_by_reason"


def test_a_step_of_several_tables_names_them_and_each_names_the_step(warehouse):
    specs = [table_spec(t, ["staging.staff"], "segur") for t in ("marts.segur_effect", "marts.segur_event_study")]

    @tables_asset(specs)
    def segur_effect(tables: Tables, selected: list[str], context):
        """Estimates the effect."""
        return {t: tables.read("staging.staff") for t in selected}

    assert segur_effect.op.name == "segur_effect"
    assert segur_effect.op.description == (
        "Computes marts/segur_effect, marts/segur_event_study together. Estimates the effect."
    )
    steps = {key.to_user_string(): spec.metadata[STEP] for key, spec in segur_effect.specs_by_key.items()}
    assert steps == {
        "marts/segur_effect": "segur_effect (writes marts/segur_effect, marts/segur_event_study)",
        "marts/segur_event_study": "segur_effect (writes marts/segur_effect, marts/segur_event_study)",
    }
    # The table's own description is kept.
    assert segur_effect.descriptions_by_key[specs[0].key].startswith("The Ségur effect on voluntary exits")
