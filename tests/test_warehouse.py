import duckdb
import polars as pl
import pytest

from pipelines.warehouse import Warehouse


def test_a_failed_write_leaves_every_table_as_it_was(tmp_path):
    warehouse = Warehouse(path=str(tmp_path / "w.duckdb"))
    warehouse.replace("staging.t", pl.DataFrame({"a": [1, 2]}))
    with pytest.raises(duckdb.CatalogException, match="Schema with name x does not exist"):
        # the second frame cannot be written: neither replacement may land
        warehouse.replace_many({"staging.t": pl.DataFrame({"a": [9]}), "nosuchschema.x.y": pl.DataFrame({"b": [1]})})
    assert warehouse.read("staging.t")["a"].to_list() == [1, 2]


def test_replace_part_swaps_only_its_own_slice(tmp_path):
    warehouse = Warehouse(path=str(tmp_path / "w.duckdb"))
    warehouse.replace("quality.q", pl.DataFrame({"extract": ["staff", "placements"], "n": [1, 2]}))
    warehouse.replace_part("quality.q", "extract", "staff", pl.DataFrame({"extract": ["staff", "staff"], "n": [3, 4]}))
    assert sorted(warehouse.read("quality.q").rows()) == [("placements", 2), ("staff", 3), ("staff", 4)]


def test_replace_part_adds_a_column_a_table_of_an_earlier_version_lacks(tmp_path):
    warehouse = Warehouse(path=str(tmp_path / "w.duckdb"))
    warehouse.replace("quality.q", pl.DataFrame({"extract": ["staff", "placements"], "n": [1, 2]}))
    part = pl.DataFrame({"extract": ["staff"], "n": [3], "demo_file": [True]})
    warehouse.replace_part("quality.q", "extract", "staff", part)
    assert sorted(warehouse.read("quality.q").rows()) == [("placements", 2, None), ("staff", 3, True)]
