"""Where the project's own files are: the views, the expectation suites, the column aliases,
the shipped reference lists and the report's Evidence project. Found from this file, so the
paths hold wherever the repository is cloned."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = ROOT / "sql"
EXPECTATIONS_DIR = ROOT / "expectations"
CONFIG_DIR = ROOT / "config"
REPORTS_DIR = ROOT / "reports"
REFERENCE_DIR = ROOT / "pipelines" / "reference"
ALIASES_FILE = CONFIG_DIR / "column_aliases.yaml"
