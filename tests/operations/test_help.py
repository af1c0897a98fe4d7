"""`vivier --help` lists every setting of pipelines/settings.py's SCHEMA with its default, so that
a setting added there is listed without touching the help."""

from __future__ import annotations

import re

from click.testing import CliRunner

from pipelines.cli import main, settings_help
from pipelines.settings import DEMO_PSEUDONYM_KEY, SCHEMA, Setting


def test_help_lists_every_setting_with_its_default():
    text = CliRunner().invoke(main, ["--help"]).output
    listed = {m.group(1): m.group(2) for m in re.finditer(r"^ +(VIVIER_\w+) .*\[(.*)\]$", text, re.MULTILINE)}
    expected = {s.variable: s.default or "unset" for s in SCHEMA if not s.secret}
    assert {v: d for v, d in listed.items() if v != "VIVIER_PSEUDONYM_KEY"} == expected
    # The demo key is named, never printed.
    assert listed["VIVIER_PSEUDONYM_KEY"] == "a public demo key: set your own"
    assert DEMO_PSEUDONYM_KEY not in text
    assert re.search(r"^ +VIVIER_LANDING_DIR +folder of the extracts \[data/landing\]$", text, re.MULTILINE)


def test_a_setting_added_to_the_schema_is_listed(monkeypatch):
    added = Setting("VIVIER_EXAMPLE", "7", int, description="an example")
    monkeypatch.setattr("pipelines.cli.SCHEMA", (*SCHEMA, added))
    assert re.search(r"^  VIVIER_EXAMPLE +an example \[7\]$", settings_help(), re.MULTILINE)


def test_help_lines_fit_100_columns():
    text = CliRunner().invoke(main, ["--help"]).output
    assert [line for line in text.splitlines() if len(line) > 100] == []
