"""reports/components/safe.js, run in Node with the report's own ECharts: tooltips get names as
escaped text, once, and page queries get ids as SQL literals that DuckDB reads back as typed
(issue 13). The browser test (test_site.py) hovers the real charts."""

from __future__ import annotations

import json
import subprocess

import duckdb
import pytest

from pipelines.paths import REPORTS_DIR
from tests.report import hostile

# Evidence's axis-tooltip formatter (core-components' _Chart.svelte) in short: names pasted into HTML.
SCRIPT = """
import * as echarts from 'echarts';
import { sqlString } from './components/safe.js';
const [names, ids] = JSON.parse(process.argv[1]);
const evidence = (params) => `<span id="tooltip">${params[0].value[0]}</span><br> ${params[0].marker} ` +
    `${params[0].seriesName} <span>${params[0].value[1]}</span>`;
const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 400, height: 300 });
chart.setOption({ xAxis: { type: 'category' }, yAxis: {}, tooltip: { trigger: 'axis', formatter: evidence },
    series: [{ type: 'bar', name: names[0], data: [[names[0], 3]] }] });
chart.setOption({ ...chart.getOption() });  // what Evidence does to apply series colours
const tooltip = chart.getOption().tooltip[0].formatter;
const out = {
    tooltips: names.map((name) => tooltip([{ value: [name, 3.5], seriesName: name, marker: '<i class="m"></i>' }])),
    literals: ids.map(sqlString),
};
chart.dispose();
process.stdout.write(JSON.stringify(out));
"""

NAMES = [hostile.TERRITORY_NAME, hostile.ESTABLISHMENT_NAME, "Val-d'Oise & Co"]
IDS = [hostile.TERRITORY_ID, hostile.ESTABLISHMENT_ID, "a''b", "x' OR '1'='1", '`${params}` \\ "q"']


@pytest.fixture(scope="module")
def ran() -> dict:
    done = subprocess.run(
        ["node", "--input-type=module", "-e", SCRIPT, json.dumps([NAMES, IDS])],
        cwd=REPORTS_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_tooltips_show_names_as_text_escaped_once(ran):
    assert ran["tooltips"][0] == (
        '<span id="tooltip">&lt;img src=x onerror=alert(&#39;territoire&#39;)&gt; Val-d&#39;Oise &quot;Nord&quot; '
        '&#96;95&#96;</span><br> <i class="m"></i> &lt;img src=x onerror=alert(&#39;territoire&#39;)&gt; '
        "Val-d&#39;Oise &quot;Nord&quot; &#96;95&#96; <span>3.5</span>"
    )  # ECharts' marker stays HTML; a number stays a number
    assert "&amp;amp;" not in ran["tooltips"][2] and "Val-d&#39;Oise &amp; Co" in ran["tooltips"][2]


def test_ids_become_sql_literals_that_read_back_as_typed(ran):
    with duckdb.connect() as con:
        for typed, literal in zip(IDS, ran["literals"], strict=True):
            assert con.execute(f"SELECT {literal}").fetchall() == [(typed,)]
