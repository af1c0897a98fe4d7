"""`vivier report` and the `director_report` asset: warehouse views → report database → static site."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipelines.paths import REPORTS_DIR
from pipelines.report.database import query_views, report_views, write_report_database
from pipelines.report.evidence import (
    DATABASE_FILE,
    BuildResult,
    build_lock,
    build_site,
    check_installed,
    source_dir,
    write_source_queries,
)
from pipelines.report.pdf import PrintedReport, month_label, print_report
from pipelines.warehouse import Warehouse


@dataclass(frozen=True)
class Report:
    site: BuildResult
    rows: dict[str, int]
    pdf: PrintedReport | None = None


def build_report(
    warehouse: Warehouse,
    out_dir: Path,
    project: Path = REPORTS_DIR,
    echo: Callable[[str], None] = print,
    log_file: Path | None = None,
    departement: str | None = None,
    pdf: bool = False,
) -> Report:
    """Builds the directors' report from `warehouse` (read only) into `out_dir`. Evidence's output goes to
    `echo`, or with `log_file` to that file (replaced at each build). `departement` (VIVIER_DEPARTEMENT) names
    the département whose DREES series the report shows; None shows none. With `pdf`, the main pages are also
    printed to one A4 PDF inside the site (`rapport.pdf`), dated as the home page is."""
    check_installed(project)
    views = report_views()
    results = query_views(warehouse, views, departement)
    with build_lock(project):
        rows = write_report_database(results, source_dir(project) / DATABASE_FILE)
        write_source_queries([v.name for v in views], project)
        site = build_site(out_dir, project, echo, log_file)
    if not pdf:
        return Report(site=site, rows=rows)
    as_of = results["home_key_figures"].get_column("as_of_month").drop_nulls()
    printed = print_report(site.out_dir, month_label(as_of[0] if len(as_of) else None), project=project)
    return Report(site=site, rows=rows, pdf=printed)
