"""Runs: extracts gone the night after, reference files, dates beyond the data, failures explained (issue 13, sections 1 and 4)."""

from __future__ import annotations

from tests.quality.case import Case

CASES: list[Case] = []
