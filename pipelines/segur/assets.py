"""Ségur assets (group `segur`): thin wrappers that read the warehouse, call the pure functions of
`panel`, `estimate` and `pay`, write `marts.segur_*` and say what they found.

When no estimate can be made (no family ever covered, all covered at once...), the effect tables
are written with null figures and a `note` saying why, the note is logged and put in the
metadata, and the run goes on."""

import dagster as dg
import polars as pl

from pipelines.segur import estimate, panel, pay
from pipelines.warehouse import Warehouse

WORKFORCE_MONTHLY = dg.AssetKey(["marts", "workforce_monthly"])
MEASURES = dg.AssetKey(["staging", "segur_measures"])
JOB_FAMILIES = dg.AssetKey(["staging", "job_families"])
STAFF = dg.AssetKey(["staging", "staff"])
PERIOD = dg.AssetKey(["staging", "reporting_period"])
PANEL = dg.AssetKey(["marts", "segur_panel"])
EFFECT = dg.AssetKey(["marts", "segur_effect"])
EVENT_STUDY = dg.AssetKey(["marts", "segur_event_study"])


def _coverage(warehouse: Warehouse) -> pl.LazyFrame:
    return panel.coverage_months(
        warehouse.read("staging.segur_measures").lazy(), warehouse.read("staging.job_families").lazy()
    )


def _md(table: pl.DataFrame) -> str:
    header = "| " + " | ".join(table.columns) + " |\n|" + "---|" * table.width + "\n"
    cell = lambda v: f"{v:.4g}" if isinstance(v, float) else ("" if v is None else str(v))  # noqa: E731
    return header + "".join("| " + " | ".join(cell(v) for v in row) + " |\n" for row in table.iter_rows())


@dg.asset(
    key=PANEL,
    deps=[WORKFORCE_MONTHLY, MEASURES, JOB_FAMILIES, PERIOD],
    group_name="segur",
    kinds={"polars", "duckdb"},
    description="Per establishment, job family and month: the month the cell was covered by a Ségur measure "
    "(employer kind ASSOCIATION), months relative to it, voluntary-exit rate and vacancy rate with their counts.",
)
def segur_panel(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    coverage = _coverage(warehouse).collect()
    table = panel.segur_panel(warehouse.read("marts.workforce_monthly").lazy(), coverage.lazy()).collect()
    rows = warehouse.replace("marts.segur_panel", table)
    waves = coverage.group_by("cover_month").agg(pl.col("job_family").sort().str.join(", ")).sort("cover_month")
    return dg.MaterializeResult(
        metadata={
            "rows": rows,
            "employer_kind": panel.DEFAULT_EMPLOYER_KIND,
            "covered_cell_months": int(table["covered"].sum()),
            "coverage": dg.MetadataValue.md(_md(waves)),
        }
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(EFFECT, deps=[PANEL], group_name="segur", kinds={"pyfixest", "duckdb"},
                     description="The Ségur effect on voluntary exits and vacancies: staggered difference in "
                     "differences by imputation (valid when waves are covered at different dates), beside the "
                     "naive two-way fixed-effects estimate; 95 % intervals clustered by establishment, relative "
                     "effect, pre-trend test. See docs/segur.md."),
        dg.AssetSpec(EVENT_STUDY, deps=[PANEL], group_name="segur", kinds={"pyfixest", "duckdb"},
                     description="The Ségur effect by month relative to coverage (-24 ... +24), with 95 % "
                     "intervals, for the event-study chart."),
    ]
)  # fmt: skip
def segur_effect(context: dg.AssetExecutionContext, warehouse: Warehouse):
    # Only the columns the estimate reads: at national scale the whole panel is 1.1 GB in memory.
    panel_table = warehouse.query(f"SELECT {', '.join(estimate.PANEL_COLUMNS)} FROM marts.segur_panel")
    result = estimate.estimate_segur_effect(panel_table)
    del panel_table
    rows = warehouse.replace_many({"marts.segur_effect": result.effect, "marts.segur_event_study": result.event_study})
    if result.note:
        context.log.warning(result.note)
    for note in result.effect.filter(pl.col("estimate").is_null())["note"].unique().drop_nulls():
        if note != result.note:
            context.log.warning(note)
    chosen = result.effect.filter(pl.col("estimator").str.starts_with("imputation"))
    summary = chosen.select("outcome", "relative_estimate", "relative_ci_low", "relative_ci_high",
                            "relative_minimum_detectable_effect", "pre_trend_p_value")
    yield dg.MaterializeResult(
        asset_key=EFFECT,
        metadata={
            "rows": rows["marts.segur_effect"],
            "note": result.note or "",
            "effect": dg.MetadataValue.md(_md(summary)),
            **{
                f"relative_{r['outcome']}": dg.MetadataValue.float(round(r["relative_estimate"], 6))
                for r in chosen.iter_rows(named=True)
                if r["relative_estimate"] is not None
            },
        },
    )
    yield dg.MaterializeResult(asset_key=EVENT_STUDY, metadata={"rows": rows["marts.segur_event_study"]})


@dg.asset(
    key=["marts", "segur_pay"],
    deps=[STAFF, MEASURES, JOB_FAMILIES],
    group_name="segur",
    kinds={"polars", "duckdb"},
    description="Per covered job family: median full-time gross pay at contract start in the 12 months before "
    "and the 12 months from its Ségur measure.",
)
def segur_pay(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    table = pay.segur_pay(warehouse.read("staging.staff").lazy(), _coverage(warehouse)).collect()
    rows = warehouse.replace("marts.segur_pay", table)
    return dg.MaterializeResult(
        metadata={
            "rows": rows,
            "pay": dg.MetadataValue.md(_md(table.select("job_family", "effective_date", "median_gross_pay_before",
                                                        "median_gross_pay_after", "median_difference"))),
        }  # fmt: skip
    )


segur_assets = [segur_panel, segur_effect, segur_pay]
