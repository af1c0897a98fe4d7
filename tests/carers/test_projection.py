"""The five-year projection of one territory, computed by hand for the first two years."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.carers.projection import carer_projection
from tests.carers.helpers import carers, day, enquiries

AS_OF = day("2024-12-31")
CARERS = carers(
    ("a", "T1", 2, "2000-01-01", None, None, {"birth_date": "1958-01-01"}),  # 66: reaches 67 in year 1
    ("b", "T1", 3, "2010-01-01", None, None, {"birth_date": "1974-06-01"}),
    ("c", "T1", 1, "2024-01-01", None, None, {"birth_date": "1990-01-01"}),  # new carer
)
SCORES = pl.DataFrame(
    {"carer_id": ["a", "b", "c"], "territory_id": ["T1"] * 3, "risk_12m": [0.9, 0.1, 0.2], "approved_places": [2, 3, 1]}
)
ENQUIRIES = enquiries(
    ("2023-11-01", "WEBSITE", "T1", "2023-12-01", "2024-03-01", "APPROVED"),
    ("2024-02-01", "WEBSITE", "T1", "2024-03-01", "2024-06-01", "APPROVED"),
    ("2022-02-01", "WEBSITE", "T1", "2022-03-01", "2022-06-01", "APPROVED"),  # more than a year ago
)


@pytest.fixture(scope="module")
def years() -> dict[int, dict]:
    table = carer_projection(SCORES, CARERS, ENQUIRIES, AS_OF)
    assert table["year"].to_list() == [1, 2, 3, 4, 5]
    return {r["year"]: r for r in table.iter_rows(named=True)}


def test_year_1_uses_each_carers_model_risk(years):
    y1 = years[1]
    assert y1["expected_retirements"] == pytest.approx(0.9)  # a reaches the age limit
    assert y1["expected_other_leavers"] == pytest.approx(0.1 + 0.2)
    assert y1["expected_active_carers_without_recruitment"] == pytest.approx(0.1 + 0.9 + 0.8)
    assert y1["expected_approved_places_without_recruitment"] == pytest.approx(0.2 + 2.7 + 0.8)


def test_year_2_retires_at_the_age_limit_and_uses_the_territorys_risk(years):
    y2 = years[2]
    # Later years: (0.1 + 0.2) / 2 = 0.15 for carers below the age limit; a is gone for good.
    assert y2["expected_retirements"] == pytest.approx(0.1)
    assert y2["expected_other_leavers"] == pytest.approx(0.9 * 0.15 + 0.8 * 0.15)
    assert y2["expected_approved_places_without_recruitment"] == pytest.approx(0.765 * 3 + 0.68 * 1)


def test_recruitment_at_the_current_pace(years):
    # 2 approvals in the last 12 months; recruits of the last 3 years bring 1 place (c); new carers' risk 0.2
    # (c), the others' 0.1 (b, a being at the age limit). Arriving mid-year: 1 - 0.2 / 2 = 0.9 stay the year.
    assert years[1]["expected_recruits"] == 2
    assert years[1]["places_per_recruit"] == 1
    assert years[1]["expected_active_carers"] == pytest.approx(1.8 + 2 * 0.9)
    assert years[2]["expected_active_carers"] == pytest.approx(1.445 + 2 * (0.9 + 0.9 * 0.8))


def test_recruits_needed_to_hold_todays_places(years):
    # Today 6 places. Year 1: (6 - 3.7) / (1 place x 0.9). Year 2: year 1's recruits keep 0.72 each.
    needed_1 = (6 - 3.7) / 0.9
    assert years[1]["recruits_needed"] == pytest.approx(needed_1)
    assert years[2]["recruits_needed"] == pytest.approx((6 - 2.975 - needed_1 * 0.72) / 0.9)
