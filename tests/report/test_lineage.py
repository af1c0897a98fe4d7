"""The report's lineage: the tables each sql/ view reads, found by DuckDB's parser, are exactly the
report's parents in the Dagster asset graph (quality tables aside, which no single asset writes)."""

import re

import dagster as dg
import pytest

from pipelines.definitions import defs
from pipelines.ingest.contract import LOAD_ORDER
from pipelines.report import assets
from pipelines.report.database import View, report_views
from pipelines.report.lineage import ViewSqlError, tables_read

KEY = dg.AssetKey("director_report")

# The hand-written list the report depended on before its lineage came from the SQL (issue 15).
OLD_READS = {
    *(
        f"marts.{name}"
        for name in (
            "workforce_monthly",
            "turnover_12m",
            "turnover_12m_by_organisation",
            "exits_by_reason",
            "early_attrition",
            "time_to_fill",
            "recruitment_funnel",
            "long_vacancies",
            "segur_effect",
            "segur_event_study",
            "segur_pay",
            "carer_capacity_monthly",
            "carer_funnel",
            "carer_age_profile",
            "carer_projection",
        )
    ),
    "ml.carer_attrition_scores",
    "ml.model_metrics",
    "ml.model_fairness",
    "staging.reporting_period",
}


def read(sql: str, name: str = "v") -> set[str]:
    return set(tables_read(View(name=name, sql=sql)))


def missing_parents(view_tables: dict[str, frozenset[str]], parents: set[str]) -> dict[str, set[str]]:
    """Gives, per view, the tables it reads that are not among `parents` (quality tables aside)."""
    missing = {
        view: {t for t in tables if t.split(".")[0] not in assets.NOT_ASSETS} - parents
        for view, tables in view_tables.items()
    }
    return {view: tables for view, tables in missing.items() if tables}


def parents() -> set[str]:
    return {".".join(k.path) for k in defs.resolve_asset_graph().get(KEY).parent_keys}


def test_every_kind_of_reference_counts_and_nothing_else_does():
    sql = """-- FROM marts.in_a_comment is not read
        WITH last AS (SELECT max(month) AS month FROM marts.workforce_monthly),
             both_ AS (SELECT * FROM last, "Staging"."Territories" t)
        SELECT 'FROM marts.in_a_string' AS label, (SELECT count(*) FROM ml.model_metrics) AS n
        FROM both_ JOIN staging.establishments e USING (territory_id)
        WHERE e.establishment_id IN (SELECT establishment_id FROM marts.turnover_12m)"""
    assert read(sql) == {
        "marts.workforce_monthly",
        "staging.territories",
        "staging.establishments",
        "ml.model_metrics",
        "marts.turnover_12m",
    }


def test_a_table_without_a_schema_is_refused_with_its_line():
    with pytest.raises(ViewSqlError) as error:
        read("WITH a AS (SELECT 1 AS x)\nSELECT *\nFROM a JOIN staff USING (x)", name="headcount")
    assert str(error.value) == (
        "sql/headcount.sql, line 3: the table `staff` has no schema and is not a CTE of the view; "
        "name it schema.table, as `marts.turnover_12m` (schemas: raw, staging, marts, ml, quality, reference)."
    )


def test_a_table_outside_the_warehouse_schemas_or_in_a_named_database_is_refused():
    outside = r"^sql/v.sql, line 1: the table `main.staff` is outside the warehouse's schemas; a view reads only raw,"
    with pytest.raises(ViewSqlError, match=outside):
        read("SELECT * FROM main.staff")
    with pytest.raises(ViewSqlError, match=r"^sql/v.sql, line 2: the table `vivier.marts.turnover_12m` names a "):
        read("SELECT *\nFROM vivier.marts.turnover_12m")


def test_a_file_that_is_not_one_select_is_refused():
    unreadable = r'^sql/v.sql: DuckDB cannot read it as one SELECT statement \(syntax error at or near "SELEC"\)'
    with pytest.raises(ViewSqlError, match=unreadable):
        read("SELEC 1")
    with pytest.raises(ViewSqlError, match=r"^sql/v.sql holds 2 statements; a view is a single SELECT"):
        read("SELECT 1; SELECT 2")


def test_the_views_read_what_a_reader_of_the_sql_sees():
    views = {v.name: v for v in report_views()}
    # Read by hand in sql/.
    assert tables_read(views["establishment_list"]) == {"staging.establishments", "staging.territories"}
    assert tables_read(views["home_key_figures"]) == {
        "staging.reporting_period",
        "marts.turnover_12m",
        "marts.workforce_monthly",
        "marts.carer_capacity_monthly",
    }
    assert tables_read(views["quality_quarantine_by_rule"]) == {"quality.quarantine"}
    # And a plain FROM/JOIN schema.table anywhere outside a comment is among what the parser found.
    for name, view in views.items():
        code = re.sub(r"--[^\n]*", "", view.sql)
        seen = {f"{s}.{t}".lower() for s, t in re.findall(r"(?i)\b(?:from|join)\s+(\w+)\.(\w+)", code)}
        assert seen and seen <= tables_read(view), name


def test_every_table_a_view_reads_is_a_parent_of_the_report_and_nothing_else_is():
    assert missing_parents(assets.VIEW_TABLES, parents()) == {}
    read_tables = set().union(*assets.VIEW_TABLES.values())
    assert parents() == {t for t in read_tables if t.split(".")[0] not in ("quality", "reference")}
    assert {dg.AssetKey(t.split(".")) for t in parents()} <= defs.resolve_asset_graph().get_all_asset_keys()


def test_the_old_hand_written_list_missed_three_tables_seven_views_read():
    missing = missing_parents(assets.VIEW_TABLES, OLD_READS)
    assert set().union(*missing.values()) == {"staging.territories", "staging.job_families", "staging.establishments"}
    assert len(missing) >= 7
    # The graph is the old one plus those three.
    assert parents() == OLD_READS | {"staging.territories", "staging.job_families", "staging.establishments"}


def test_the_quality_tables_the_views_read_are_the_four_known_and_their_writers_are_upstream():
    # A new quality table read by a view must be looked at: who writes it, and is it upstream?
    quality = {t for tables in assets.VIEW_TABLES.values() for t in tables if t.startswith("quality.")}
    assert quality == {
        "quality.quarantine",
        "quality.ingest_report",
        "quality.validation_results",
        "quality.ingest_files",
    }
    # quarantine and ingest_report are written by every staging asset of an extract, ingest_files by
    # every raw asset, validation_results by the asset checks: every raw and staging asset and every
    # checked asset is upstream of the report.
    graph = defs.resolve_asset_graph()
    upstream = graph.get_ancestor_asset_keys(KEY)
    raw = {k for k in graph.get_all_asset_keys() if k.path[0] == "raw"}
    assert len(raw) == len(LOAD_ORDER) and raw <= upstream
    staging = {k for k in graph.get_all_asset_keys() if k.path[0] == "staging"}
    assert len(staging) == len(LOAD_ORDER) + 1 == 14 and staging <= upstream  # the extracts and the period
    assert {check.asset_key for check in graph.asset_check_keys} <= upstream
