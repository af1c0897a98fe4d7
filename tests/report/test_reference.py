"""The sector beside the employer's figures (issue 17): the shipped benchmarks, each with its value, date,
scope and source; the views that give them to the report; and the DREES series of the département named in
VIVIER_DEPARTEMENT, shown only when it is set."""

import re

import duckdb
import polars as pl
import pytest

from pipelines.paths import REFERENCE_DIR, REPORTS_DIR
from pipelines.report.database import report_views, run_views
from pipelines.report.reference import (
    BENCHMARKS,
    DREES,
    ReferenceFileError,
    drees_departements,
    sector_benchmarks,
)
from pipelines.settings import DEPARTEMENT, load_settings

VIEWS = {v.name: v for v in report_views() if v.name in ("sector_benchmarks", "departement_drees_series")}
PAGES = REPORTS_DIR / "pages"


def shown(departement: str | None = None) -> dict[str, pl.DataFrame]:
    """Gives the two views as the report build runs them, on an empty warehouse."""
    with duckdb.connect() as con:
        return run_views(con, list(VIEWS.values()), departement)


# ------------------------------------------------------------------ the shipped benchmarks


def test_every_benchmark_has_its_value_date_scope_and_source():
    rows = pl.read_csv(BENCHMARKS, infer_schema=False)
    for column in ("value", "period", "scope", "source", "source_short", "comparison"):
        assert rows[column].str.strip_chars().str.len_chars().min() > 0, column
    values = rows["value"].cast(pl.Float64)
    shares = values.filter(rows["unit"] == "share")
    assert shares.is_between(-1, 1).all(), "a share is a fraction: 0.214 for 21.4 %"
    assert rows["benchmark"].is_unique().all()


def test_the_benchmarks_the_issue_names_are_shipped_with_their_source():
    rows = {r["benchmark"]: r for r in sector_benchmarks().iter_rows(named=True)}
    expected = {
        "departure_rate": (0.214, "2022", "Axess"),
        "vacancy_rate": (0.044, "fin 2023", "Axess"),
        "vacancy_rate_child_protection": (0.09, "novembre 2023", "Uniopss"),
        "carers_aged_55_or_more": (0.5, "2021", "DREES"),
    }
    for name, (value, period, source) in expected.items():
        assert (rows[name]["value"], rows[name]["period"], rows[name]["source_short"]) == (value, period, source)
        assert rows[name]["source"].startswith(source)


def test_a_benchmark_without_its_source_is_refused_naming_the_line(tmp_path):
    path = tmp_path / "sector_benchmarks.csv"
    rows = pl.read_csv(BENCHMARKS, infer_schema=False)
    # the second benchmark, line 3 of the file under its header, loses its short source
    rows.with_columns(source_short=pl.when(pl.int_range(pl.len()) == 1).then(None).otherwise("source_short")).write_csv(
        path
    )
    with pytest.raises(ReferenceFileError, match=r"^sector_benchmarks.csv, line 3: `source_short` is empty"):
        sector_benchmarks(path)


def test_the_view_gives_the_benchmarks_written_the_french_way():
    view = shown()["sector_benchmarks"]
    assert view.height == pl.read_csv(BENCHMARKS).height
    rows = {r["benchmark"]: r for r in view.iter_rows(named=True)}
    assert rows["departure_rate"]["value"] == 0.214
    # No-break spaces (as reports/components/french.js writes figures): a line never breaks inside one.
    assert rows["departure_rate"]["chart_label"] == "Secteur (Axess, 2022) : 21,4\u00a0%"
    assert rows["vacancy_rate"]["value_text"] == "4,4\u00a0%"
    assert rows["vacancy_rate_child_protection"]["value_text"] == "9\u00a0%"
    assert rows["carers_employed_by_departements"]["value_text"] == "35\u00a0971"
    assert all(rows[b]["period"] and rows[b]["source"] and rows[b]["scope"] for b in rows)


def test_each_page_named_by_the_issue_shows_the_sector_with_its_source_and_date():
    # What each page prints from the view: the value with its period (the date) and its source.
    for page, fields in {
        "index.md": ("sector_rates", "departure_rate", "Axess", "2022", "Uniopss", "DREES"),
        "departs.md": ("<ReferenceLine data={sector_departure}", "{sector_departure[0].period}", ".source}"),
        "postes-vacants.md": ("<ReferenceLine data={sector_vacancy}", "{sector_vacancy[1].period}", ".source}"),
        "assistants-familiaux.md": ("{sector_carers[0].aged_55_or_more}", "en 2021", "{sector_carers[0].age_source}"),
    }.items():
        text = (PAGES / page).read_text(encoding="utf-8")
        assert "vivier.sector_benchmarks" in text, page
        assert [f for f in fields if f not in text] == [], page


# ------------------------------------------------------------------ the DREES series of a département


def test_the_shipped_drees_csv_has_one_sourced_figure_per_departement_measure_and_year():
    rows = drees_departements()
    assert rows.columns == ["departement", "departement_name", "year", "measure", "value", "source", "sheet"]
    assert set(rows["measure"]) == {"assistants_familiaux", "personnel_hors_assistants_familiaux"}
    assert rows["year"].min() >= 2014 and rows["year"].max() == 2020
    assert (rows["value"] >= 0).all() and rows["source"].str.starts_with("DREES").all()
    assert set(rows["sheet"]) == {"eff - pers ass fam", "eff - total general hors AF"}
    assert not rows.select("departement", "measure", "year").is_duplicated().any()
    # Every code of the file can be named by the setting, and the usual ones are there.
    assert [c for c in rows["departement"].unique() if not DEPARTEMENT.fullmatch(c)] == []
    assert {"01", "2A", "34", "69M", "974"} <= set(rows["departement"]) and rows["departement"].n_unique() > 100


def test_the_drees_series_shown_is_that_of_the_departement_in_the_setting():
    departement = load_settings({"VIVIER_DEPARTEMENT": " 34 "}).departement
    series = shown(departement)["departement_drees_series"]
    assert set(series["departement"]) == {"34"} and set(series["departement_name"]) == {"Hérault"}
    # Read by hand in pipelines/reference/drees_departements.csv (and in DREES's sheet "eff - pers ass fam").
    carers_2020 = series.filter((pl.col("measure") == "assistants_familiaux") & (pl.col("year") == 2020))
    assert carers_2020.select("year_label", "measure_label", "value", "sheet").row(0) == (
        "2020",
        "Assistants familiaux",
        693,
        "eff - pers ass fam",
    )
    # The whole series is the file's lines for 34, nothing more.
    lines = pl.read_csv(DREES, schema_overrides={"departement": pl.String}).filter(pl.col("departement") == "34")
    assert series.height == lines.height == 12
    assert sorted(series["value"].to_list()) == sorted(lines["value"].to_list())


def test_without_the_setting_no_drees_series_is_shown():
    assert load_settings({}).departement is None
    assert shown(None)["departement_drees_series"].height == 0
    # A code DREES publishes nothing for shows nothing either.
    assert shown("99")["departement_drees_series"].height == 0


def test_the_pages_draw_the_drees_series_only_when_there_is_one():
    # The report database stores an empty view as one row of NULLs: the pages test the département, not the rows.
    page = (PAGES / "assistants-familiaux.md").read_text(encoding="utf-8")
    assert "where departement is not null" in page
    guarded = re.search(r"\{#if drees\.length > 0\}(.*?)\{/if\}", page, re.S)
    assert guarded and "<LineChart data={drees}" in guarded.group(1)
    assert page.count("data={drees}") == 1
    home = (PAGES / "index.md").read_text(encoding="utf-8")
    block = re.search(r"\{#if drees_carers\.length > 0 && drees_carers\[0\]\.value !== null\}(.*?)\{/if\}", home, re.S)
    assert block and "drees_carers[0].departement_name" in block.group(1)
    # Outside the block, the département is read only in the {#if} that guards it.
    assert home.count("drees_carers[0]") == block.group(1).count("drees_carers[0]") + 1


@pytest.mark.parametrize(
    ("text", "code"),
    [("34", "34"), (" 2a ", "2A"), ("1", "01"), ("974", "974"), ("69m", "69M"), ("", None), ("  ", None)],
)
def test_the_setting_takes_a_departement_code_as_drees_and_insee_write_it(text, code):
    assert load_settings({"VIVIER_DEPARTEMENT": text}).departement == code


@pytest.mark.parametrize("text", ["99", "2C", "Hérault", "340"])
def test_a_departement_setting_that_is_no_code_is_refused_in_one_sentence(text):
    with pytest.raises(ValueError) as refused:
        load_settings({"VIVIER_DEPARTEMENT": text})
    assert str(refused.value) == (
        f"VIVIER_DEPARTEMENT must be a département code such as 34, 2A, 974 or 69M (got {text!r}), "
        "or be left unset for a report without a département's DREES series."
    )


def test_the_reference_files_are_in_the_project_not_read_from_the_shared_folder():
    assert BENCHMARKS.parent == DREES.parent == REFERENCE_DIR
    for path in (REFERENCE_DIR.parent / "report").glob("*.py"):
        assert "shared/data" not in path.read_text(encoding="utf-8"), path
