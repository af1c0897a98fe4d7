"""`vivier report` writes Evidence's own output to DAGSTER_HOME/logs/report-build.log and says so in one line;
the console shows that output (its last lines, and the log's path) only when the build fails. A fake `evidence`
stands in for the real one (a real build takes minutes): it prints as much as Evidence does, advice included."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.report import build
from pipelines.report.evidence import ReportBuildError, build_lock, build_site
from tests.conftest import vivier_env

FAKE_EVIDENCE = """#!/bin/sh
i=1
while [ $i -le 160 ]; do echo "evidence $1: line $i"; i=$((i + 1)); done
if [ "$1" = "build:strict" ]; then
    if [ -f ../fail ]; then
        echo "Error: the page index.md could not be rendered"
        i=1
        while [ $i -le 20 ]; do echo "    at frame $i (file:///node_modules/svelte.js)"; i=$((i + 1)); done
        echo "Build failed"
        exit 3
    fi
    mkdir -p build && echo "<html></html>" > build/index.html
    echo "Build complete --> /build"
    echo "Run npm run preview to preview your build"
fi
"""


@pytest.fixture
def project(tmp_path) -> Path:
    """An Evidence project whose `evidence` is the fake one."""
    project = tmp_path / "reports"
    binary = project / "node_modules" / ".bin" / "evidence"
    binary.parent.mkdir(parents=True)
    binary.write_text(FAKE_EVIDENCE)
    binary.chmod(binary.stat().st_mode | stat.S_IEXEC)
    return project


@pytest.fixture
def report_with(project, tmp_path, monkeypatch):
    """`vivier report` on an empty warehouse file, building with the fake Evidence; gives (result, log file)."""

    def fake_build_report(warehouse, out_dir, project_dir=None, echo=print, log_file=None, departement=None, pdf=False):
        with build_lock(project):
            return build.Report(site=build_site(out_dir, project, echo, log_file), rows={})

    monkeypatch.setattr(build, "build_report", fake_build_report)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    warehouse = tmp_path / "vivier.duckdb"
    warehouse.touch()

    def run():
        with vivier_env(VIVIER_WAREHOUSE=str(warehouse), VIVIER_REPORT_DIR=str(tmp_path / "site")):
            return CliRunner().invoke(main, ["report"])

    return run, tmp_path / "home" / "logs" / "report-build.log"


def test_a_build_that_succeeds_says_where_its_output_went_and_shows_none_of_it(report_with, tmp_path):
    run, log = report_with
    result = run()
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 3, result.output
    assert lines[0].endswith(f"Evidence's output goes to {log}")
    assert lines[1].startswith("Report built in ") and str(tmp_path / "site") in lines[1]
    assert "evidence" not in result.output.replace("Evidence's output", "")
    assert "npm run preview" not in result.output and "--> /build" not in result.output
    written = log.read_text()
    assert written.count("\n") == 2 + 2 * 160 + 2  # each command, its lines, Evidence's last two lines
    assert "$ evidence sources --strict" in written and "evidence build:strict: line 160" in written
    assert (tmp_path / "site" / "index.html").exists()


def test_a_build_that_fails_shows_the_last_lines_and_the_log(report_with, project, tmp_path):
    run, log = report_with
    run()  # a first build succeeds: its log is replaced by the next one's
    (project.parent / "fail").touch()
    result = run()
    assert result.exit_code == 1
    # The line naming the error (before a long stack trace), then the last lines; not the whole output.
    assert "its first error lines:\nError: the page index.md could not be rendered\nits last lines:" in result.output
    assert "at frame 20 (file:///node_modules/svelte.js)\nBuild failed" in result.output
    assert "at frame 1 " not in result.output and "evidence build:strict: line 160" not in result.output
    assert f"The build's whole output: {log}" in result.output
    written = log.read_text()
    assert "Error: the page index.md could not be rendered" in written and "Build complete" not in written


def test_without_a_log_file_the_lines_go_to_echo(project, tmp_path):
    lines = []
    with build_lock(project):
        site = build_site(tmp_path / "site", project, lines.append)
    assert site.pages == 1 and len(lines) == 2 * 160 + 2 and lines[-1].startswith("Run npm run preview")
    (project.parent / "fail").touch()
    with build_lock(project), pytest.raises(ReportBuildError) as error:
        build_site(tmp_path / "site", project, lines.append)
    assert "whole output" not in str(error.value) and "could not be rendered" in str(error.value)
