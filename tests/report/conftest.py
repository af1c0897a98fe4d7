"""The report as `vivier report --pdf` builds it at département scale, from messy extracts with a
hostile territory and establishment (`hostile.py`): built once for the session, read by the browser
test (`test_site.py`) and the paper one (`test_pdf.py`), so that CI pays for one Evidence build."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.demo import generate_demo
from pipelines.report.build import Report, build_report
from pipelines.warehouse import Warehouse
from tests.conftest import run_pipeline
from tests.report import hostile


@dataclass(frozen=True)
class Site:
    landing: Path
    warehouse: Path
    report: Report

    @property
    def root(self) -> Path:
        return self.report.site.out_dir


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Site:
    root = tmp_path_factory.mktemp("report")
    landing = root / "landing"
    generate_demo(landing, scale="departement", seed=5, messy=True)
    hostile.make_hostile(landing, territory="T03", establishment="990001001")
    warehouse = root / "vivier.duckdb"
    outcome = run_pipeline(landing, warehouse)
    assert outcome.success, outcome.failures
    report = build_report(Warehouse(path=str(warehouse)), root / "site", echo=lambda line: None, pdf=True)
    print(
        f"\nReport built in {report.site.seconds:.0f} s: {report.site.pages} pages, {report.site.megabytes:.0f} MB; "
        f"PDF: {report.pdf.pages} A4 pages, {report.pdf.megabytes:.1f} MB in {report.pdf.seconds:.0f} s"
    )
    return Site(landing, warehouse, report)
