"""The report as a director opens it: `vivier report`'s build at département scale, from messy
extracts (names, NIR and addresses in the files), served by a plain static server on localhost
and read page by page in headless Debian Chromium, the mouse moved over every chart.
Screenshots go to tests/report/artifacts/.

One territory and one establishment of the extracts have hostile ids and names (`hostile.py`:
markup, quotes, apostrophes, backticks): their pages are built, their names shown as typed, and
no script of theirs runs (issue 13).

The build is made once for the module (a few minutes): every test below reads it."""

from __future__ import annotations

import functools
import http.server
import json
import re
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from pipelines.demo import generate_demo
from pipelines.ingest.contract import EXTRACTS
from pipelines.ingest.files import extract_of, landing_files, read_text_table
from pipelines.ingest.headers import load_aliases, map_headers, normalise_header
from pipelines.paths import REPORTS_DIR
from pipelines.report.build import Report, build_report
from pipelines.warehouse import Warehouse
from tests.conftest import query, run_pipeline
from tests.report import hostile

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent
ARTIFACTS = HERE / "artifacts"
# Raw identifiers of people (and of their contracts, applications, placements, enquiries).
ID_COLUMNS = {"employee_id", "contract_id", "carer_id", "child_id", "placement_id", "application_id", "enquiry_id"}
TOP_PAGES = [
    "/",
    "/postes-vacants",
    "/departs",
    "/segur",
    "/assistants-familiaux",
    "/fidelisation",
    "/qualite",
    "/methodes",
    "/territoires",
    "/etablissements",
]
LINK_LISTS = {"/territoires", "/etablissements"}


@dataclass(frozen=True)
class Site:
    landing: Path
    warehouse: Path
    report: Report

    @property
    def root(self) -> Path:
        return self.report.site.out_dir


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    root = tmp_path_factory.mktemp("report")
    landing = root / "landing"
    generate_demo(landing, scale="departement", seed=5, messy=True)
    hostile.make_hostile(landing, territory="T03", establishment="990001001")
    warehouse = root / "vivier.duckdb"
    outcome = run_pipeline(landing, warehouse)
    assert outcome.success, outcome.failures
    report = build_report(Warehouse(path=str(warehouse)), root / "site", echo=lambda line: None)
    print(f"\nReport built in {report.site.seconds:.0f} s: {report.site.pages} pages, {report.site.megabytes:.0f} MB")
    return Site(landing, warehouse, report)


def page_urls(root: Path) -> list[str]:
    """Gives the URL of every page of the build."""
    return sorted(
        "/" + str(p.parent.relative_to(root)).removeprefix(".")
        if p.name == "index.html"
        else "/" + str(p.relative_to(root)).removesuffix(".html")
        for p in root.rglob("*.html")
    )


@pytest.fixture(scope="module")
def pages(site) -> dict[str, dict]:
    """What Chromium shows of each page, served from the build by a plain static file server."""
    handler = functools.partial(QuietHandler, directory=str(site.root))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        ARTIFACTS.mkdir(exist_ok=True)
        done = subprocess.run(
            [
                "node",
                str(HERE / "browse_pages.cjs"),
                f"http://127.0.0.1:{server.server_address[1]}",
                str(ARTIFACTS),
                *page_urls(site.root),
            ],
            capture_output=True,
            text=True,
            timeout=1500,
            env={"NODE_PATH": str(REPORTS_DIR / "node_modules"), "PATH": "/usr/bin:/bin"},
        )
        server.shutdown()
    assert done.returncode == 0, f"the browser script failed: {done.stderr[-2000:]}"
    print(f"\nScreenshots of every page: {ARTIFACTS}")
    return json.loads(done.stdout)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def test_every_page_is_built_and_linked(site):
    urls = page_urls(site.root)
    territories = query(site.warehouse, "SELECT count(*) FROM staging.territories")[0][0]
    establishments = query(site.warehouse, "SELECT count(*) FROM staging.establishments")[0][0]
    assert set(TOP_PAGES) <= set(urls)
    assert len([u for u in urls if u.startswith("/territoires/")]) == territories
    assert len([u for u in urls if u.startswith("/etablissements/")]) == establishments


def test_every_page_opens_without_error(pages):
    problems = {
        url: {k: page.get(k) for k in ("failure", "status", "errors", "console_errors")}
        for url, page in pages.items()
        if page.get("failure") or page["status"] != 200 or page["errors"] or page["console_errors"]
    }
    assert problems == {}, "see the screenshots in tests/report/artifacts/"


def test_hostile_names_are_shown_as_typed_and_run_nothing(pages):
    territory, establishment = (f"/territoires/{hostile.TERRITORY_ID}", f"/etablissements/{hostile.ESTABLISHMENT_ID}")
    assert pages[territory]["h1"] == hostile.TERRITORY_NAME
    assert pages[establishment]["h1"] == hostile.ESTABLISHMENT_NAME
    assert {
        url: (page.get("dialogs"), page.get("injected"))
        for url, page in pages.items()
        if page.get("dialogs") or page.get("injected")
    } == {}
    # The tooltip of the territory's bar, hovered, holds its name as text.
    assert [tip for tip in pages["/fidelisation"]["tooltips"] if hostile.TERRITORY_NAME in tip] != []


def test_nothing_is_fetched_from_outside_localhost(pages):
    assert {url: page["offsite"] for url, page in pages.items() if page.get("offsite")} == {}


def test_every_chart_is_drawn_and_pages_show_data(pages):
    empty = {
        url: (page["charts"], page["charts_drawn"], page["table_rows"])
        for url, page in pages.items()
        if url not in LINK_LISTS and (page["charts_drawn"] < page["charts"] or page["charts"] + page["table_rows"] == 0)
    }
    assert empty == {}
    for url in ("/postes-vacants", "/departs", "/segur", "/fidelisation", "/methodes", "/qualite"):
        assert pages[url]["table_rows"] > 0, f"{url}: its tables have no rows"
    for url in ("/", "/postes-vacants", "/departs", "/segur", "/assistants-familiaux", "/fidelisation"):
        assert pages[url]["charts_drawn"] > 0, f"{url}: no chart drawn"


def test_the_segur_page_says_the_smallest_effect_the_data_could_have_shown(site, pages):
    (detectable,) = query(
        site.warehouse,
        """SELECT relative_minimum_detectable_effect FROM marts.segur_effect
        WHERE outcome = 'voluntary_exit_rate' AND estimator LIKE 'imputation%'""",
    )[0]
    assert detectable is not None and -1 < detectable < 0
    [sentence] = pages["/segur"]["visible_effect"]
    assert f"d'au moins {round(-100 * detectable)}\u00a0%" in sentence.replace(" %", "\u00a0%")


def test_numbers_are_in_french(pages):
    assert {url: page["english_percent"] for url, page in pages.items() if page["english_percent"]} == {}
    assert re.fullmatch(r"\d+,\d\u00a0%", pages["/"]["french_percent"][0])


def landing_secrets(landing: Path) -> tuple[set[str], set[str]]:
    """Gives the raw person ids of the landing files, and what HR software exports beside them and
    ingest drops: full names (first and last, either order), NIR, addresses, comments."""
    ids, personal = set(), set()
    aliases = load_aliases()
    for path in landing_files(landing):
        table = read_text_table(path)
        mapped = map_headers(path.name, table.headers, EXTRACTS[extract_of(path.name)], aliases)
        for header in table.headers:
            if mapped.columns.get(header) in ID_COLUMNS:
                ids |= set(table.rows[header].drop_nulls().to_list())
        names = [h for h in mapped.dropped if normalise_header(h) in ("nom", "prenom")]
        for header in set(mapped.dropped) - set(names):
            personal |= set(table.rows[header].drop_nulls().to_list())
        if len(names) == 2:
            for first, last in table.rows.select(names).iter_rows():
                personal |= {f"{first} {last}", f"{last} {first}"}
    return ids, personal


def test_no_pseudonym_raw_id_or_name_anywhere_in_the_build(site):
    pseudonyms = {
        row[0]
        for row in query(
            site.warehouse,
            """
        SELECT employee_id FROM staging.staff UNION SELECT carer_id FROM staging.foster_carers
        UNION SELECT child_id FROM staging.placements UNION SELECT carer_id FROM staging.carer_enquiries""",
        )
    }
    ids, personal = landing_secrets(site.landing)
    assert len(pseudonyms) > 2000 and len(ids) > 10000 and len(personal) > 1000  # the search has something to find
    tokens, texts = set(), []
    for path in site.root.rglob("*"):
        if path.is_file():
            text = parquet_text(path) if path.suffix == ".parquet" else path.read_bytes().decode("latin-1")
            texts.append(text) if path.suffix in (".parquet", ".html", ".json") else None
            tokens |= set(re.findall(r"[A-Za-z0-9]{6,}", text))
    assert sorted(tokens & (pseudonyms | ids))[:5] == []
    # Whole values (a full name, NIR, address, comment) in what carries data: pages, data files, JSON.
    data = "\n".join(texts)
    assert sorted(v for v in personal if len(v) >= 6 and v in data)[:5] == []


def parquet_text(path: Path) -> str:
    """Gives every value of a Parquet data file as text (the files are compressed: grep sees nothing)."""
    with duckdb.connect() as con:
        rows = con.execute(f"SELECT * FROM read_parquet('{path}')").fetchall()
    return "\n".join("\t".join("" if v is None else str(v) for v in row) for row in rows)
