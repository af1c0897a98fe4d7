"""The carer assets on a tiny warehouse: too little history to train, yet every table is written."""

from __future__ import annotations

import dagster as dg
import polars as pl

from pipelines.carers.assets import carer_assets, carer_checks
from pipelines.warehouse import Warehouse
from tests.carers.helpers import carers, day, enquiries, events, placements


def test_without_enough_history_the_marts_fill_and_no_carer_is_scored(tmp_path):
    warehouse = Warehouse(path=str(tmp_path / "vivier.duckdb"))
    warehouse.replace_many(
        {
            "staging.foster_carers": carers(
                ("a", "T1", 2, "2023-05-10", None, None), ("b", "T1", 1, "2023-06-01", "2024-02-10", "RESIGNATION")
            ),
            "staging.placements": placements(("a", "2023-06-01", None, None)),
            "staging.carer_events": events(("a", "2023-07-01", "SUPPORT_VISIT")),
            "staging.carer_enquiries": enquiries(("2024-01-10", "WEBSITE", "T1", None, None, None)),
            "staging.reporting_period": pl.DataFrame(
                {"as_of_date": [day("2024-03-31")], "first_month": [day("2023-04-01")]}
            ),
        }
    )
    result = dg.materialize([*carer_assets, *carer_checks], resources={"warehouse": warehouse})
    assert result.success
    assert warehouse.query("SELECT count(*) FROM ml.carer_attrition_scores").item() == 0
    assert warehouse.query("SELECT count(*) FROM ml.model_registry WHERE current").item() == 0
    assert warehouse.query("SELECT count(*) FROM marts.carer_projection").item() == 0
    march = warehouse.query(
        "SELECT active_carers, approved_places, occupied_places FROM marts.carer_capacity_monthly "
        "WHERE month = DATE '2024-03-01'"
    ).rows()
    assert march == [(1, 2, 1)]
