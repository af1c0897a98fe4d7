"""The Evidence invocation's pure parts: which failures it finds in Evidence's output, the source
queries it writes, and where it puts a build."""

import polars as pl
import pytest

from pipelines.report.database import storable
from pipelines.report.evidence import QueryError, ReportBuildError, query_errors, replace_folder, write_source_queries

LOG = """\
  workforce_overview_monthly ✔ Finished, wrote 120 rows.
\x1b[31mvacancy | Error in Query!\x1b[0m Binder Error: Referenced column "vacancy_rat" not found
Build complete --> /build
"""


def test_error_in_query_is_found_with_the_query_name():
    assert query_errors(LOG) == [QueryError("vacancy", ' Binder Error: Referenced column "vacancy_rat" not found')]


def test_a_failed_source_query_is_found():
    assert query_errors("  home_key_figures ✖ Error: Catalog Error: Table x does not exist") == [
        QueryError("home_key_figures", "Catalog Error: Table x does not exist")
    ]


def test_a_clean_log_has_no_errors():
    assert query_errors("  quality_checks_by_run ✔ Finished, wrote 3 rows.\n✓ built in 1m 30s\n") == []


def test_source_queries_follow_the_views(tmp_path):
    folder = tmp_path / "sources" / "vivier"
    folder.mkdir(parents=True)
    (folder / "dropped_view.sql").write_text("select 1")
    (folder / "connection.yaml").write_text("name: vivier")
    write_source_queries(["home_key_figures", "territory_list"], tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == ["connection.yaml", "home_key_figures.sql", "territory_list.sql"]
    assert 'select * from "territory_list"' in (folder / "territory_list.sql").read_text()


def test_a_build_replaces_an_earlier_report(tmp_path):
    built, out = tmp_path / "build", tmp_path / "out"
    for folder, page in ((built, "new"), (out, "old")):
        folder.mkdir()
        (folder / "index.html").write_text(page)
    replace_folder(built, out)
    assert (out / "index.html").read_text() == "new"


def test_a_build_never_replaces_a_folder_that_holds_something_else(tmp_path):
    built, out = tmp_path / "build", tmp_path / "documents"
    built.mkdir()
    out.mkdir()
    (out / "budget.xlsx").write_text("keep me")
    with pytest.raises(ReportBuildError, match="VIVIER_REPORT_DIR"):
        replace_folder(built, out)
    assert (out / "budget.xlsx").read_text() == "keep me"


def test_an_empty_view_result_is_stored_as_one_row_of_nulls():
    stored = storable(
        pl.DataFrame({"rule": [], "rows_quarantined": []}, schema={"rule": pl.String, "rows_quarantined": pl.Int64})
    )
    assert stored.rows() == [(None, None)] and stored.schema["rows_quarantined"] == pl.Int64


def test_a_chart_error_is_found():
    log = "\x1b[31m%s\x1b[0m Error in Bar Chart: 'rule_label' is not a column in the dataset"
    assert query_errors(log) == [QueryError("Bar Chart", "'rule_label' is not a column in the dataset")]
