"""The Dagster UI as an HR analyst opens it after a run of the small demo: `dagster-webserver` on a
free port, on a DAGSTER_HOME holding that one run, read in headless Debian Chromium (the one the
report's test uses). Screenshots go to tests/operations/artifacts/.

One employee of the demo is given a birth date 24 years later (5 years old at the start of the
contract): the staff extract's warning check fails, nothing else does, so the run succeeds with
one warning."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from pipelines.cli import execute_nightly_refresh
from pipelines.dagster_home import ensure_dagster_home
from pipelines.demo import generate_demo
from pipelines.paths import REPORTS_DIR, ROOT
from pipelines.quality.checks import WARNINGS_CHECK
from pipelines.run_tags import WARNINGS_TAG
from tests.conftest import query, vivier_env

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent
ARTIFACTS = HERE / "artifacts"
WARNED_ASSET = "staging/staff"


@dataclass(frozen=True)
class UI:
    base: str
    warehouse: Path


def make_one_warning(landing: Path) -> None:
    """Gives the first employee of staff.csv a birth date 24 years later: too young at the contract's start."""
    path = landing / "staff.csv"
    header, first, *rest = path.read_text(encoding="utf-8").splitlines(keepends=True)
    cells = first.split(",")
    birth = header.split(",").index("birth_date")
    cells[birth] = str(int(cells[birth][:4]) + 24) + cells[birth][4:]
    path.write_text(header + ",".join(cells) + "".join(rest), encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, server: subprocess.Popen, seconds: float = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "dagster-webserver stopped: see its log in tests/operations/artifacts/"
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(1)
    raise TimeoutError(f"dagster-webserver did not answer at {url} in {seconds} s")


@pytest.fixture(scope="module")
def ui(tmp_path_factory) -> Iterator[UI]:
    root = tmp_path_factory.mktemp("ui")
    landing = root / "landing"
    generate_demo(landing, scale="small", seed=7)
    make_one_warning(landing)
    home = root / "dagster_home"
    ensure_dagster_home(home)
    env = {
        "VIVIER_LANDING_DIR": str(landing),
        "VIVIER_WAREHOUSE": str(root / "vivier.duckdb"),
        "VIVIER_AS_OF": "",
        "DAGSTER_HOME": str(home),
    }
    with vivier_env(**env), dg.DagsterInstance.from_config(str(home)) as instance:
        outcome = execute_nightly_refresh(instance)
    assert outcome.success, outcome.failures
    assert [w.split(":")[:2] for w in outcome.warnings] == [[WARNED_ASSET, f" {WARNINGS_CHECK}"]]

    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    webserver = Path(sys.executable).parent / "dagster-webserver"
    with (ARTIFACTS / "webserver.log").open("w") as log:
        # A session of its own: the webserver and the code server it starts are stopped together.
        server = subprocess.Popen(
            [str(webserver), "-h", "127.0.0.1", "-p", str(port), "-w", str(ROOT / "workspace.yaml")],
            cwd=ROOT,
            env=os.environ | env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/server_info", server)
            yield UI(base, root / "vivier.duckdb")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)


@pytest.fixture(scope="module")
def pages(ui) -> dict:
    """What Chromium shows of the mart, the check that warned, the catalogue, a search and the runs list."""
    selection = urllib.parse.quote(f'key:"{WARNED_ASSET}"')
    config = {
        "mart": "/assets/marts/workforce_monthly",
        "check": f"/assets/{WARNED_ASSET}?view=checks&checkDetail={WARNINGS_CHECK}",
        "check_name": WARNINGS_CHECK,
        "catalogue": f"/assets?asset-selection={selection}",
        "overview": f"/assets/{WARNED_ASSET}",
        "search": "vacance",
    }
    done = subprocess.run(
        ["node", str(HERE / "browse_dagster.cjs"), ui.base, str(ARTIFACTS), json.dumps(config)],
        capture_output=True,
        text=True,
        timeout=1200,
        env={"NODE_PATH": str(REPORTS_DIR / "node_modules"), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, f"the browser script failed: {done.stderr[-2000:]}"
    print(f"\nScreenshots: {ARTIFACTS}")
    found = json.loads(done.stdout)
    assert {k: v["failure"] for k, v in found.items() if isinstance(v, dict) and "failure" in v} == {}
    return found


def test_the_workforce_mart_shows_percentages_and_the_establishment_table(ui, pages):
    mart = pages["mart"]
    # The vacancy rate of the as-of month as a percentage (3.3 %, not 0.033), "%" in its key or its value.
    [(vacant, budgeted)] = query(
        ui.warehouse,
        "SELECT sum(vacant_fte), sum(budgeted_fte) FROM marts.workforce_monthly "
        "WHERE month = (SELECT max(month) FROM marts.workforce_monthly)",
    )
    rate = next((r for r in mart["metadata"] if r[0].startswith("vacancy_rate")), None)
    assert rate is not None and "%" in " ".join(rate), mart["metadata"]
    shown = float(re.search(r"\d+(?:[.,]\d+)?", rate[1]).group().replace(",", "."))
    assert shown == pytest.approx(100 * vacant / budgeted, abs=0.05), rate
    # A table holding every establishment, inline or behind its "Show" link.
    establishments = {e for (e,) in query(ui.warehouse, "SELECT establishment_id FROM staging.establishments")}
    shown = [*mart["inline_tables"], *(t for value in mart["shown"] for t in value["tables"])]
    holding = [t for t in shown if establishments <= {cell for row in t for cell in row}]
    assert holding, f"no table of the mart's page holds the establishments {sorted(establishments)}"


def test_a_check_that_only_warned_is_not_shown_as_blocking(pages):
    text = pages["check"]["text"]
    assert "This is a non-blocking asset check." in text
    # Dagster's own words aside, nothing on the page speaks of blocking.
    assert "blocking" not in text.replace("This is a non-blocking asset check.", "").lower()
    assert (
        "Warning, nothing stopped: in the staff extract, 1 row breaks 1 rule (age at start date is plausible)." in text
    )
    assert "age_at_start_date_is_plausible failed: 1 row(s), e.g. staff.csv row 2: 5." in text


def test_the_asset_whose_check_warned_is_listed_and_its_page_shows_its_checks(pages):
    # The catalogue's list shows an asset's materialisation only (Dagster 1.13): the warning is on its
    # page, under "Latest check results", and in its Checks tab (see the screenshots).
    assert "staging / staff" in pages["catalogue"]["text"]
    assert "Latest check results" in pages["overview"]["text"]


def test_searching_vacance_finds_the_vacancy_mart(pages):
    assert "long_vacancies" in pages["search"]["text"], pages["search"]["text"]


def test_the_run_that_warned_is_tagged_in_the_runs_list(pages):
    assert f"{WARNINGS_TAG}: 1" in pages["runs"]["text"]


def test_no_newsletter_dialog_and_nothing_fetched_off_the_machine(pages):
    assert not [k for k, v in pages.items() if isinstance(v, dict) and "newsletter" in v.get("text", "").lower()]
    assert pages["offsite"] == []
