"""`vivier report --pdf`: the report's main pages on A4 paper, as a director who reads on paper gets
them: in French, the as-of month on every page, numbered across the file. The slow tests read the PDF
printed with the session's département report (tests/report/conftest.py; headless Debian Chromium, as
the browser test) back with PDFium; the others join hand-made PDFs."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.paths import REPORTS_DIR
from pipelines.report import build
from pipelines.report import pdf as paper
from pipelines.report.build import Report
from pipelines.report.database import query_views, report_views
from pipelines.report.evidence import BuildResult
from pipelines.report.pdf import MAIN_PAGES, PdfError, PrintedReport, join_pages, month_label, print_report
from pipelines.warehouse import Warehouse
from tests.conftest import query, vivier_env

# Evidence's interface words, which a page in French must not show (menus, tables, charts).
ENGLISH = (
    "Home",
    "On this page",
    "Download",
    "Download Data",
    "Save Image",
    "Fullscreen",
    "Print PDF",
    "Show Queries",
    "No Results",
    "records",
    "Loading",
    "Error",
)
A4 = (595.28, 841.89)  # 210 × 297 mm, in points


def blank_pdf(path: Path, pages: int) -> Path:
    document = pdfium.PdfDocument.new()
    for _ in range(pages):
        document.new_page(*A4)
    document.save(path)
    return path


def test_months_are_written_as_the_report_writes_them():
    assert month_label(dt.date(2026, 8, 1)) == "août 2026"
    assert month_label(dt.date(2025, 12, 31)) == "décembre 2025"
    assert month_label(None) == "date inconnue"


def test_printed_pages_are_joined_in_order_and_numbered_across_the_file(tmp_path):
    parts = [
        (blank_pdf(tmp_path / "01.pdf", 2), "/", "Accueil"),
        (blank_pdf(tmp_path / "02.pdf", 1), "/departs", "Départs et turnover"),
        (blank_pdf(tmp_path / "03.pdf", 3), "/methodes", "Méthodes"),
    ]
    sections = join_pages(parts, tmp_path / "out" / "rapport.pdf")
    assert [(s.path, s.first_page) for s in sections] == [("/", 1), ("/departs", 3), ("/methodes", 4)]
    assert page_texts(tmp_path / "out" / "rapport.pdf") == [f"page {n} sur 6" for n in range(1, 7)]
    assert not (tmp_path / "out" / "rapport.pdf.partial").exists()


def test_without_chromium_the_fix_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(paper, "CHROMIUM", tmp_path / "no-chromium")
    with pytest.raises(PdfError, match=r"make report-deps"):
        print_report(tmp_path, "juin 2026")


@pytest.fixture(scope="module")
def printed(site) -> Report:
    """The report of the session's build (tests/report/conftest.py), printed with it."""
    assert site.report.pdf is not None
    return site.report


@pytest.fixture(scope="module")
def printed_warehouse(site) -> Path:
    return site.warehouse


def page_texts(path: Path) -> list[str]:
    """Gives the text of each page of the PDF, spaces (non-breaking ones too) as plain spaces."""
    with pdfium.PdfDocument(path) as pdf:
        texts = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    return [re.sub(r"[\s\u00a0\u202f]+", " ", t) for t in texts]


def french_percent(rate: float) -> str:
    """Gives a rate as the report writes it ("5,2 %"): one decimal, rounded half up as Evidence does."""
    tenth = Decimal(repr(rate * 100)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{tenth} %".replace(".", ",")


@pytest.mark.slow
def test_the_pdf_is_written_inside_the_site(printed):
    assert printed.pdf.path == printed.site.out_dir / "rapport.pdf"
    assert printed.pdf.path.read_bytes().startswith(b"%PDF-")
    assert printed.pdf.pages == len(page_texts(printed.pdf.path)) >= len(MAIN_PAGES)


@pytest.mark.slow
def test_every_page_is_a4_dated_and_numbered_across_the_file(printed, printed_warehouse):
    (as_of,) = query(printed_warehouse, "SELECT as_of_month FROM staging.reporting_period")[0]
    texts = page_texts(printed.pdf.path)
    undated = [n for n, text in enumerate(texts, 1) if f"Situation à fin {month_label(as_of)}" not in text]
    assert undated == []
    assert [n for n, text in enumerate(texts, 1) if f"page {n} sur {len(texts)}" not in text] == []
    with pdfium.PdfDocument(printed.pdf.path) as pdf:
        sizes = [pdf[i].get_size() for i in range(len(pdf))]
    # A4 within a point (a third of a millimetre): Chromium rounds the page to whole pixels.
    assert [n for n, size in enumerate(sizes, 1) if max(abs(a - b) for a, b in zip(size, A4, strict=True)) > 1] == []


@pytest.mark.slow
def test_the_main_pages_come_in_order_each_from_a_new_page(printed):
    texts = page_texts(printed.pdf.path)
    sections = printed.pdf.sections
    assert [s.path for s in sections] == list(MAIN_PAGES)
    assert sections[0].first_page == 1
    assert [s.title for s in sections[:4]] == [
        "Accueil",
        "Postes vacants et recrutement",
        "Départs et turnover",
        "Effet du Ségur",
    ]
    for section in sections:
        assert texts[section.first_page - 1].startswith(section.title), section


@pytest.mark.slow
def test_the_home_page_figures_are_in_french(printed, printed_warehouse):
    [figures] = query_views(Warehouse(path=str(printed_warehouse)), report_views())["home_key_figures"].to_dicts()
    home = " ".join(page_texts(printed.pdf.path)[: printed.pdf.sections[1].first_page - 1])
    headcount = f"{figures['headcount']:,}".replace(",", " ")
    assert f"Effectif : {headcount} personnes en poste" in home
    assert f"Postes vacants : {french_percent(figures['vacancy_rate'])} des ETP budgétés" in home
    assert f"{french_percent(figures['turnover_rate'])} de l'effectif moyen est parti" in home
    assert re.findall(r"\d\.\d+ ?%", home) == []  # no English decimal point
    # a rate's change in percentage points, said the French way ("+0,5 point"), never "% points"
    points = f"{100 * figures['vacancy_rate_change']:+.1f}".replace(".", ",")
    assert re.search(rf"{re.escape(points)} points? en un an", home), points
    assert "% point" not in home


@pytest.mark.slow
def test_no_english_interface_word_is_printed(printed):
    texts = page_texts(printed.pdf.path)
    found = {
        (n, word) for n, text in enumerate(texts, 1) for word in ENGLISH if re.search(rf"\b{re.escape(word)}\b", text)
    }
    assert found == set()


def test_the_command_asks_for_the_pdf_and_says_where_it_is(tmp_path, monkeypatch):
    asked = []

    def fake_build_report(warehouse, out_dir, log_file=None, departement=None, pdf=False):
        asked.append(pdf)
        printed = PrintedReport(out_dir / "rapport.pdf", pages=29, megabytes=3.7, seconds=81.0, sections=())
        return Report(site=BuildResult(out_dir, pages=56, megabytes=59.0, seconds=300.0), rows={}, pdf=printed)

    monkeypatch.setattr(build, "build_report", fake_build_report)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    (tmp_path / "vivier.duckdb").touch()
    with vivier_env(VIVIER_WAREHOUSE=str(tmp_path / "vivier.duckdb"), VIVIER_REPORT_DIR=str(tmp_path / "site")):
        result = CliRunner().invoke(main, ["report", "--pdf"])
    assert result.exit_code == 0, result.output
    assert asked == [True]
    assert f"PDF printed in 81 s: 29 A4 pages, 3.7 MB, {tmp_path / 'site' / 'rapport.pdf'}" in result.output


def test_a_relative_report_folder_is_given_to_node_absolute(tmp_path, monkeypatch):
    # Node runs in reports/: the default VIVIER_REPORT_DIR, `reports/build`, once failed there as
    # reports/reports/build (the print's server answered 404 for every page).
    monkeypatch.chdir(tmp_path)
    commands = []

    def run(command, **kwargs):
        commands.append((command, kwargs["cwd"]))
        return subprocess.CompletedProcess(command, 0, stdout="[]", stderr="")

    monkeypatch.setattr(paper.subprocess, "run", run)
    assert paper.print_pages(Path("reports/build"), Path("parts"), "juin 2026", ("/",), REPORTS_DIR) == []
    [(command, cwd)] = commands
    assert cwd == REPORTS_DIR
    assert command[2:5] == [str(tmp_path / "reports" / "build"), str(tmp_path / "parts"), "juin 2026"]
