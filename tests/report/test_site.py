"""The report as a director opens it: `vivier report`'s build at département scale, from messy
extracts (names, NIR and addresses in the files), served by a plain static server on localhost
and read page by page in headless Debian Chromium on a laptop (1280 px) and on a phone (390 px), the
mouse moved over every chart and table: the top pages, and two territories and two establishments (the
others share their template; every page's file is checked). Screenshots go to tests/report/artifacts/
(`departs-1280.png`, `departs-390.png`).

One territory and one establishment of the extracts have hostile ids and names (`hostile.py`:
markup, quotes, apostrophes, backticks): their pages are built, their names shown as typed, and
no script of theirs runs (issue 13).

The build (with its PDF) is made once for the session in conftest.py (a few minutes): every test below
reads it."""

from __future__ import annotations

import functools
import http.server
import json
import re
import subprocess
import threading
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest.contract import EXTRACTS
from pipelines.ingest.files import extract_of, landing_files, read_text_table
from pipelines.ingest.headers import load_aliases, map_headers, normalise_header
from pipelines.paths import REPORTS_DIR
from pipelines.report.pdf import MAIN_PAGES
from tests.conftest import query
from tests.report import hostile

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent
ARTIFACTS = HERE / "artifacts"
# Raw identifiers of people (and of their contracts, applications, placements, enquiries).
ID_COLUMNS = {"employee_id", "contract_id", "carer_id", "child_id", "placement_id", "application_id", "enquiry_id"}
# The main pages (those printed on paper, in their order), then the two lists of links.
TOP_PAGES = [*MAIN_PAGES, "/territoires", "/etablissements"]
LINK_LISTS = {"/territoires", "/etablissements"}
WIDTHS = {"desktop": 1280, "phone": 390}
# Evidence's interface words in English (its sidebar, breadcrumbs, table of contents, the menus of
# charts and tables, labels for screen readers): none may reach a director. Whole words, case kept.
ENGLISH_INTERFACE = [
    "Home",
    "On this page",
    "Open sidebar",
    "Close sidebar",
    "Save Image",
    "Download Data",
    "Download",
    "Fullscreen",
    "No Results",
    "Search",
    "Loading",
    "records",
    "See more",
    "Links",
    "first-page",
    "previous-page",
    "next-page",
    "last-page",
    "Print PDF",
    "Show Queries",
    "Hide Queries",
    "Appearance",
    "Built with Evidence",
    "Copy",
]
ENGLISH = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ENGLISH_INTERFACE)) + r")(?![\w-])")


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
                *browsed_pages(page_urls(site.root)),
            ],
            capture_output=True,
            text=True,
            timeout=1500,
            env={
                "NODE_PATH": str(REPORTS_DIR / "node_modules"),
                "PATH": "/usr/bin:/bin",
            },
        )
        server.shutdown()
    assert done.returncode == 0, f"the browser script failed: {done.stderr[-2000:]}"
    print(f"\nScreenshots of every page: {ARTIFACTS}")
    return json.loads(done.stdout)


def browsed_pages(urls: list[str]) -> list[str]:
    """Gives the pages read in Chromium, at both widths: the top pages, the hostile territory and establishment,
    and one other of each. The pages of territories and establishments share one template; every page's file is
    checked in `test_every_page_is_built_and_linked` and the searches of the build below."""
    urls = sorted(urls)
    hostile_pages = [f"/territoires/{hostile.TERRITORY_ID}", f"/etablissements/{hostile.ESTABLISHMENT_ID}"]
    others = [
        next(u for u in urls if u.startswith(prefix) and u not in hostile_pages)
        for prefix in ("/territoires/", "/etablissements/")
    ]
    return [*TOP_PAGES, *hostile_pages, *others]


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


def test_no_table_is_wider_than_its_page_on_a_laptop_or_a_phone(pages):
    too_wide = {
        (url, device): {k: v for k, v in page["layout"][device].items() if v}
        for url, page in pages.items()
        for device in page["layout"]
        if any(page["layout"][device].values())
    }
    assert len(pages) == 14 and all("phone" in page["layout"] for page in pages.values())
    assert too_wide == {}, "see the screenshots in tests/report/artifacts/"


def test_every_page_read_has_a_screenshot_at_both_widths(pages):
    expected = {
        url: [f"{url.strip('/').replace('/', '_') or 'index'}-{w}.png" for w in WIDTHS.values()] for url in pages
    }
    assert {url: page["screenshots"] for url, page in pages.items()} == expected
    assert all((ARTIFACTS / f).stat().st_size > 10_000 for files in expected.values() for f in files)


def test_no_english_interface_word_in_any_page_its_title_menus_or_tooltips(pages):
    found = {}
    for url, page in pages.items():
        texts = [page["text"], *page["labels"], *page["menus"], *page["tooltips"]]
        words = sorted({m for text in texts for m in ENGLISH.findall(text)})
        if words or "Evidence" in page["title"]:
            found[url] = (page["title"], words)
    assert found == {}


def test_every_page_title_names_the_page(pages):
    titles = {url: page["title"] for url, page in pages.items()}
    assert titles["/"] == "Accueil" and titles["/qualite"] == "Qualité des données"
    # a territory's or an establishment's page: its name, as its heading shows it
    named = {url: (page["title"], page["h1"]) for url, page in pages.items() if url.count("/") == 2}
    assert {url: t for url, (t, h1) in named.items() if not t.startswith(f"{h1} — ")} == {}


def test_tooltips_read_as_written_with_months_in_french(pages):
    """A series is named as the page writes it ("Taux de vacance", not Evidence's "Taux De Vacance")
    and a month reads "août 2023", not "2023-08-01"."""
    title_cased = re.compile(r"\b[A-ZÉ][a-zéèêàç]+ (?:De|Du|Des|La|Le|Les|Et|En|Sur|Par|Au|Aux) [A-ZÉ]")
    iso_date = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
    wrong = {
        url: [tip for tip in page["tooltips"] if title_cased.search(tip) or iso_date.search(tip)][:3]
        for url, page in pages.items()
    }
    assert {url: tips for url, tips in wrong.items() if tips} == {}
    month = r"(?:janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.|janvier|février|avril|juillet"
    month += r"|septembre|octobre|novembre|décembre) \d{4}"
    assert any(re.search(month, tip) for tip in pages["/"]["tooltips"])


def bar_charts(page: dict) -> list[dict]:
    """Gives the charts of a page that draw bars."""
    return [c for c in page["chart_options"] or [] if c and any(s["type"] == "bar" for s in c["series"])]


def test_every_bar_chart_has_as_many_labels_as_bars(pages):
    """Each bar is named on its axis (ECharts hides names when they crowd: "4 of 7 bars named") and
    carries its value written on it, or "< 5" where the figure is hidden."""
    assert all(page["chart_options"] is not None for page in pages.values()), "window.vivierChart is missing"
    unlabelled = {}
    for url, page in pages.items():
        for chart in bar_charts(page):
            categories = chart["categories"] or sorted({c for s in chart["series"] for c in s["categories"]})
            # a long name is wrapped over lines: its words, as drawn
            axis = {" ".join(d["text"].split()) for d in chart["drawn"] if d["on"] is None}
            on_bars = sum(1 for d in chart["drawn"] if d["on"] == "rect")
            bars = sum(s["values"] for s in chart["series"] if s["type"] == "bar")
            named = [c for c in categories if " ".join(c.split()) in axis]
            if len(named) < len(categories) or on_bars < bars:
                unlabelled.setdefault(url, []).append(
                    (chart["title"], f"{len(named)} of {len(categories)} bars named", f"{on_bars} of {bars} valued")
                )
    assert sum(len(bar_charts(page)) for page in pages.values()) >= 8
    assert unlabelled == {}


def test_the_segur_chart_draws_its_interval_as_a_band(pages):
    """The event study: the estimate as a line, its 95 % interval as a filled area between its bounds."""
    charts = [c for c in pages["/segur"]["chart_options"] or [] if c]
    banded = [
        c
        for c in charts
        if any(s["area"] and s["values"] > 0 for s in c["series"]) and any(s["type"] == "line" for s in c["series"])
    ]
    assert banded, [(c["title"], [(s["type"], s["name"], s["area"], s["stack"]) for s in c["series"]]) for c in charts]
