"""Files read whole: sheets, encodings, dates typed as text, CSV forms (issue 13, sections 1 and 4)."""

from __future__ import annotations

from tests.quality.case import Case

CASES: list[Case] = []
