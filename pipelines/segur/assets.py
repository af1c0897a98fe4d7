"""Ségur assets (group `segur`): each declares the tables it reads (`pipelines.tables`), calls the pure
functions of `panel`, `estimate` and `pay`, and says what it found.

When no estimate can be made (no family ever covered, all covered at once...), the effect tables
are written with null figures and a `note` saying why, the note is logged and put in the
metadata, and the run goes on."""

import dagster as dg
import polars as pl

from pipelines.markdown import percent, percent_columns
from pipelines.segur import estimate, panel, pay
from pipelines.tables import PERIOD, Tables, table_asset, table_spec, tables_asset

MEASURES, JOB_FAMILIES = "staging.segur_measures", "staging.job_families"
PANEL, EFFECT, EVENT_STUDY = "marts.segur_panel", "marts.segur_effect", "marts.segur_event_study"


def _coverage(tables: Tables) -> pl.LazyFrame:
    return panel.coverage_months(tables.lazy(MEASURES), tables.lazy(JOB_FAMILIES))


@table_asset(PANEL, reads=["marts.workforce_monthly", MEASURES, JOB_FAMILIES, PERIOD], group="segur")
def segur_panel(tables: Tables):
    coverage = _coverage(tables).collect()
    workforce = tables.read("marts.workforce_monthly", columns=panel.WORKFORCE_COLUMNS)
    table = panel.segur_panel(workforce.lazy(), coverage.lazy())
    waves = coverage.group_by("cover_month").agg(pl.col("job_family").sort().str.join(", ")).sort("cover_month")
    return table, {
        "employer_kind": panel.DEFAULT_EMPLOYER_KIND,
        "covered_cell_months": int(table["covered"].sum()),
        "coverage": waves,
    }


@tables_asset([table_spec(t, [PANEL], "segur", kinds={"pyfixest", "duckdb"}) for t in (EFFECT, EVENT_STUDY)])
def segur_effect(tables: Tables, selected: list[str], context: dg.AssetExecutionContext):
    # Only the columns the estimate reads: at national scale the whole panel is 1.1 GB in memory.
    result = estimate.estimate_segur_effect(tables.read(PANEL, columns=estimate.PANEL_COLUMNS))
    notes = result.effect.filter(pl.col("estimate").is_null())["note"].unique().drop_nulls().to_list()
    for note in dict.fromkeys([result.note, *notes]):
        if note:
            context.log.warning(note)
    chosen = result.effect.filter(pl.col("estimator").str.starts_with("imputation"))
    summary = chosen.select(
        "outcome",
        "relative_estimate",
        "relative_ci_low",
        "relative_ci_high",
        "relative_minimum_detectable_effect",
        "pre_trend_p_value",
    )
    relative = {f"relative_{r['outcome']} (%)": percent(r["relative_estimate"]) for r in chosen.iter_rows(named=True)}
    relatives = [c for c in summary.columns if c.startswith("relative_")]
    effect = percent_columns(summary, *relatives)
    return {
        EFFECT: (result.effect, {"note": result.note or "", "effect": effect, **relative}),
        EVENT_STUDY: result.event_study,
    }


@table_asset("marts.segur_pay", reads=["staging.staff", MEASURES, JOB_FAMILIES], group="segur")
def segur_pay(tables: Tables):
    table = pay.segur_pay(tables.lazy("staging.staff"), _coverage(tables)).collect()
    shown = ("job_family", "effective_date", "median_gross_pay_before", "median_gross_pay_after", "median_difference")
    return table, {"pay": table.select(shown)}


segur_assets = [segur_panel, segur_effect, segur_pay]
