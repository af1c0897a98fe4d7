"""Values: exact duplicates across formats, identifiers normalised, nothing typed about a person stored (issue 13, sections 1 and 2)."""

from __future__ import annotations

from tests.quality.case import Case

CASES: list[Case] = []
