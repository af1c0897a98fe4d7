"""`vivier report` fails, naming what to fix, when the warehouse is missing or a page query broke."""

from click.testing import CliRunner

from pipelines.cli import main
from pipelines.report import evidence
from tests.conftest import vivier_env

BROKEN = 'vacancy_by_month | Error in Query! Binder Error: Referenced column "vacancy_rat" not found\n'


def test_a_missing_warehouse_is_named(tmp_path):
    with vivier_env(VIVIER_WAREHOUSE=str(tmp_path / "none.duckdb"), VIVIER_REPORT_DIR=str(tmp_path / "site")):
        result = CliRunner().invoke(main, ["report"])
    assert result.exit_code == 1
    assert "none.duckdb" in result.output and "vivier run" in result.output


def test_a_query_error_evidence_only_logs_fails_the_command(small_warehouse, tmp_path, monkeypatch):
    monkeypatch.setattr(
        evidence, "run_evidence", lambda args, project, echo: BROKEN if args[0] == "build:strict" else ""
    )
    with vivier_env(VIVIER_WAREHOUSE=str(small_warehouse), VIVIER_REPORT_DIR=str(tmp_path / "site")):
        result = CliRunner().invoke(main, ["report"])
    assert result.exit_code == 1
    assert "vacancy_by_month" in result.output and "vacancy_rat" in result.output
    assert not (tmp_path / "site").exists()  # no half-good report is published
