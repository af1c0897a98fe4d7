"""What the Dagster UI says of each table (pipelines.catalog, and the extracts' columns in
pipelines.ingest.contract): every table asset shows its columns, with their types and what each
holds, as the warehouse has them after a run; the descriptions and tags carry the French words an
HR analyst looks for; raw and staging tables cannot be confused; a step that writes several tables
is found under the tables it writes."""

import re
import unicodedata
from pathlib import Path

import duckdb
import pytest

from pipelines.catalog import COLUMNS
from pipelines.definitions import defs
from pipelines.ingest.contract import EXTRACTS
from pipelines.tables import COLUMN_SCHEMA, STEP, TABLE_NAME

CONTRACT = Path(__file__).resolve().parents[1] / "docs" / "contract.md"
GRAPH = defs.resolve_asset_graph()
# Every asset but the report (a site, not a table) and the landing sources (files observed) is a warehouse
# table named as its key.
TABLE_ASSETS = {
    ".".join(key.path): GRAPH.get(key)
    for key in GRAPH.get_all_asset_keys()
    if GRAPH.get(key).group_name not in ("report", "landing")
}


def shown_columns(table: str) -> list[tuple[str, str]]:
    return [(c.name, c.type) for c in TABLE_ASSETS[table].metadata[COLUMN_SCHEMA].columns]


def test_every_table_asset_shows_the_columns_and_types_of_its_table_after_a_run(small_warehouse):
    with duckdb.connect(str(small_warehouse), read_only=True) as con:
        written = con.execute(
            "SELECT table_schema || '.' || table_name, column_name, data_type FROM information_schema.columns "
            "ORDER BY table_schema, table_name, ordinal_position"
        ).fetchall()
    actual = {}
    for table, column, type_ in written:
        actual.setdefault(table, []).append((column, type_))
    assert len(TABLE_ASSETS) == 50  # 13 raw, 13 staging, the period, 16 marts, 7 ml
    assert {table: shown_columns(table) for table in TABLE_ASSETS} == {table: actual[table] for table in TABLE_ASSETS}
    assert all(TABLE_ASSETS[table].metadata[TABLE_NAME] == table for table in TABLE_ASSETS)


def test_every_column_says_what_it_holds():
    blank = [
        f"{table}.{c.name}"
        for table, node in TABLE_ASSETS.items()
        for c in node.metadata[COLUMN_SCHEMA].columns
        if not c.description or not c.description.strip()
    ]
    assert blank == []


def contract_warehouse_columns() -> dict[str, list[str]]:
    """Gives the tables and columns section 3 of the contract lists."""
    section = CONTRACT.read_text(encoding="utf-8").split("## 3. Warehouse (output)")[1].split("## 4.")[0]
    items = re.findall(r"^- `(\w+\.\w+)`:(.*?)(?=^- |\Z)", section, flags=re.M | re.S)
    # A column is the first word in backticks of each comma-separated part (values in brackets are not).
    return {table: re.findall(r"(?:^|,)\s*`(\w+)`", re.sub(r"\([^)]*\)", "", text)) for table, text in items}


def test_the_contract_warehouse_columns_are_all_described():
    listed = {t: columns for t, columns in contract_warehouse_columns().items() if not t.startswith("quality.")}
    assert len(listed) == 8 and len(listed["marts.turnover_12m"]) == 9
    described = {table: {c.name for c in COLUMNS[table]} for table in listed}
    assert {t: [c for c in columns if c not in described[t]] for t, columns in listed.items()} == {
        t: [] for t in listed
    }


@pytest.mark.parametrize(
    ("word", "tables"),
    [
        ("vacance", ["marts.workforce_monthly", "marts.long_vacancies"]),
        ("turnover", ["marts.turnover_12m"]),
        ("départs", ["marts.workforce_monthly", "marts.turnover_12m", "marts.exits_by_reason"]),
        ("assistants familiaux", ["marts.carer_capacity_monthly", "marts.carer_age_profile", "marts.carer_funnel"]),
        ("agrément", ["marts.carer_capacity_monthly", "marts.carer_funnel"]),
        ("Ségur", ["marts.segur_panel", "marts.segur_effect", "marts.segur_pay"]),
    ],
)
def test_an_analyst_finds_the_french_word_in_the_description_and_tags_of_its_tables(word, tables):
    found = [table for table, node in TABLE_ASSETS.items() if word.casefold() in (node.description or "").casefold()]
    assert set(tables) <= set(found), found
    # Tags are ASCII (Dagster refuses accents): the catalogue's filter suggests tag:departs for "depart".
    tag = unicodedata.normalize("NFKD", word.casefold()).encode("ascii", "ignore").decode().replace(" ", "_")
    assert [t for t in tables if tag not in TABLE_ASSETS[t].tags] == []


def test_a_raw_and_a_staging_table_of_one_extract_are_told_apart_in_the_lineage():
    for name in EXTRACTS:
        raw, staging = TABLE_ASSETS[f"raw.{name}"], TABLE_ASSETS[f"staging.{name}"]
        # The lineage graph names both nodes by the last part of their key; their kinds tell them apart.
        assert raw.key.path[-1] == staging.key.path[-1] == name
        assert "raw" in raw.kinds and "staging" not in raw.kinds
        assert "staging" in staging.kinds and "raw" not in staging.kinds
        assert raw.description.startswith(f"Raw {name}, as read from the landing files")
        assert staging.description.startswith(f"Staging {name}, typed and checked")


@pytest.mark.parametrize(
    ("step", "tables"),
    [
        (
            "contract_marts",
            [
                "marts/workforce_monthly",
                "marts/turnover_12m",
                "marts/turnover_12m_by_organisation",
                "marts/exits_by_reason",
                "marts/early_attrition",
            ],
        ),
        ("segur_effect", ["marts/segur_effect", "marts/segur_event_study"]),
        ("carer_attrition_model", ["ml/model_metrics", "ml/carer_test_predictions", "ml/model_registry"]),
    ],
)
def test_a_step_named_apart_from_its_tables_is_found_under_them(step, tables):
    (assets,) = [a for a in defs.assets if getattr(a, "op", None) is not None and a.op.name == step]
    assert sorted(key.to_user_string() for key in assets.keys) == sorted(tables)
    assert assets.op.description.startswith(f"Computes {', '.join(tables)} together.")
    for key in assets.keys:
        assert assets.specs_by_key[key].metadata[STEP] == f"{step} (writes {', '.join(tables)})"
