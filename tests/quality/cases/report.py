"""The report and vivier targets: names are data, never markup or formulas (issue 13, sections 2 and 3)."""

from __future__ import annotations

from tests.quality.case import Case

CASES: list[Case] = []
