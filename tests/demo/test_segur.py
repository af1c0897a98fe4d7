"""The planted Ségur effect shows in the raw counts at departement scale (crude difference in differences)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from pipelines.demo import generate_demo
from pipelines.demo.config import load_reference
from pipelines.demo.realised import voluntary_exit_ratio

PRE = (date(2019, 1, 1), date(2022, 3, 31))
POST = (date(2022, 4, 1), date(2023, 12, 31))  # socio-educative families covered, "Ségur pour tous" not yet


def did_ratio(folder) -> float:
    groups = load_reference().segur_group
    covered = [f for f, g in groups.items() if g == "SOCIO_EDUCATIF_2022"]
    control = [f for f, g in groups.items() if g == "SEGUR_POUR_TOUS_2024"]
    staff = pl.read_csv(folder / "staff.csv", try_parse_dates=True, infer_schema_length=None)
    return voluntary_exit_ratio(staff, covered, control, PRE, POST)


@pytest.mark.slow
@pytest.mark.parametrize("effect, low, high", [(-0.5, 0.3, 0.7), (0.0, 0.75, 1.3)])
def test_covered_families_leave_less_after_their_measure(tmp_path, effect, low, high):
    generate_demo(tmp_path, scale="departement", seed=42, segur_effect=effect)
    assert low < did_ratio(tmp_path) < high
