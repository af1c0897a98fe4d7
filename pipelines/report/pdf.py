"""The directors' report on paper: the main pages of a built site printed to one A4 PDF, in French.

Each page is printed by headless Debian Chromium (`reports/scripts/pdf.cjs`, playwright-core: no
browser download) as Evidence prints it (its print layout, charts as images at the paper's width,
`reports/components/print.css` for the tables), with the as-of date in every page's header and the
section in its footer. The printed pages are then joined here into one file and numbered across it
("page 3 sur 24"), which Chromium cannot do for separate prints (pypdfium2, PDFium's own library).

The file is written inside the site (`rapport.pdf`): whoever reads the site can download it, and it
is replaced with the site at each build."""

from __future__ import annotations

import ctypes
import datetime as dt
import json
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipelines.paths import REPORTS_DIR

PDF_FILE = "rapport.pdf"
# The pages of the report a director reads in turn; not each territory's and establishment's.
MAIN_PAGES = (
    "/",
    "/postes-vacants",
    "/departs",
    "/segur",
    "/assistants-familiaux",
    "/fidelisation",
    "/qualite",
    "/methodes",
)
CHROMIUM = Path("/usr/bin/chromium")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
# Where the page number goes: the right of the footer that pdf.cjs leaves blank (14 mm margins).
NUMBER_RIGHT_MM, NUMBER_BASELINE_MM, NUMBER_SIZE = 14.0, 5.5, 6.0
MM = 72 / 25.4


class PdfError(RuntimeError):
    """The PDF could not be printed; the message says what to install or fix."""


@dataclass(frozen=True)
class Section:
    path: str  # the page's URL path in the site
    title: str
    first_page: int  # in the joined file, from 1


@dataclass(frozen=True)
class PrintedReport:
    path: Path
    pages: int
    megabytes: float
    seconds: float
    sections: tuple[Section, ...]


def month_label(month: dt.date | None) -> str:
    """Gives the month as the report writes it ("juin 2026"), or "date inconnue"."""
    return f"{MONTHS[month.month - 1]} {month.year}" if month else "date inconnue"


def print_report(
    site: Path,
    as_of: str,
    out: Path | None = None,
    pages: tuple[str, ...] = MAIN_PAGES,
    project: Path = REPORTS_DIR,
) -> PrintedReport:
    """Prints `pages` of the built `site` into one A4 PDF at `out` (the site's `rapport.pdf` by default),
    `as_of` ("juin 2026") in every page's header; gives the file, its pages and size."""
    started = time.monotonic()
    out = out or site / PDF_FILE
    if not CHROMIUM.exists():
        raise PdfError(
            f"No Chromium at {CHROMIUM} to print the PDF: run `make report-deps` (apt-get install chromium)."
        )
    if not (project / "node_modules" / "playwright-core").exists():
        raise PdfError(f"playwright-core is not installed in {project}/node_modules: run `make report-deps`.")
    with tempfile.TemporaryDirectory(prefix="vivier-pdf-") as parts:
        printed = print_pages(site, Path(parts), as_of, pages, project)
        sections = join_pages([(Path(p["file"]), p["path"], p["title"]) for p in printed], out)
    with pdfium.PdfDocument(out) as joined:
        count = len(joined)
    return PrintedReport(out, count, out.stat().st_size / 1e6, time.monotonic() - started, sections)


def print_pages(site: Path, parts: Path, as_of: str, pages: tuple[str, ...], project: Path) -> list[dict]:
    """Runs pdf.cjs: one PDF per page of `pages` into `parts`; gives each page's file, path and title."""
    # Node gets no Vivier setting: the pseudonym key has nothing to do in a print.
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIVIER_")}
    env["NODE_PATH"] = str(project / "node_modules")
    # Node runs in reports/: the folders are given absolute, or a relative VIVIER_REPORT_DIR (the default
    # `reports/build`) would be looked for under reports/ again.
    command = ["node", str(project / "scripts" / "pdf.cjs"), str(site.resolve()), str(parts.resolve()), as_of, *pages]
    done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, errors="replace")
    if done.returncode != 0:
        raise PdfError(
            f"Printing the report to PDF failed (`node scripts/pdf.cjs`, exit {done.returncode}); "
            f"its last lines:\n{done.stderr[-2000:]}"
        )
    return json.loads(done.stdout)


def join_pages(parts: list[tuple[Path, str, str]], out: Path) -> tuple[Section, ...]:
    """Joins the printed `parts` (file, path, title) in order into `out`, each page numbered "page N sur M"
    at the right of its footer; gives where each part starts."""
    joined = pdfium.PdfDocument.new()
    sections = []
    for file, path, title in parts:
        sections.append(Section(path, title, len(joined) + 1))
        with pdfium.PdfDocument(file) as part:
            joined.import_pages(part)
    total = len(joined)
    font = pdfium_c.FPDFText_LoadStandardFont(joined.raw, b"Helvetica")
    for number in range(1, total + 1):
        write_number(joined, joined[number - 1], font, f"page {number} sur {total}")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    joined.save(partial)
    joined.close()
    partial.replace(out)  # a reader never opens half a file
    return tuple(sections)


def write_number(document: pdfium.PdfDocument, page: pdfium.PdfPage, font, text: str) -> None:
    """Writes `text` in grey at the right of the page's footer."""
    label = pdfium_c.FPDFPageObj_CreateTextObj(document.raw, font, ctypes.c_float(NUMBER_SIZE))
    utf16 = (text + "\0").encode("utf-16-le")  # PDFium reads UTF-16, ended by a zero
    buffer = (ctypes.c_ushort * (len(utf16) // 2)).from_buffer_copy(utf16)
    pdfium_c.FPDFText_SetText(label, buffer)
    pdfium_c.FPDFPageObj_SetFillColor(label, 85, 85, 85, 255)
    left, right = ctypes.c_float(), ctypes.c_float()
    bottom, top = ctypes.c_float(), ctypes.c_float()
    pdfium_c.FPDFPageObj_GetBounds(label, *map(ctypes.byref, (left, bottom, right, top)))
    width, _ = page.get_size()
    x = width - NUMBER_RIGHT_MM * MM - (right.value - left.value)
    pdfium_c.FPDFPageObj_Transform(label, 1, 0, 0, 1, x, NUMBER_BASELINE_MM * MM)
    pdfium_c.FPDFPage_InsertObject(page.raw, label)
    pdfium_c.FPDFPage_GenerateContent(page.raw)
