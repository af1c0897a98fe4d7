"""Ingest assets: for each extract, `raw/<extract>` (the files as read) and
`staging/<extract>` (typed, checked rows; the rest in quarantine), plus the
reporting period that every mart is computed for."""


from pathlib import Path

import dagster as dg
import polars as pl

from pipelines.ingest import period
from pipelines.ingest.contract import EXTRACTS, LOAD_ORDER, Extract
from pipelines.ingest.files import ExtractFileError, find_files, read_text_table
from pipelines.ingest.headers import load_aliases
from pipelines.ingest.raw import RAW_REPORT_SCHEMA, empty_raw, to_raw
from pipelines.ingest.validate import count_by_file, validate
from pipelines.resources import VivierSettings
from pipelines.warehouse import Warehouse

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference"


def source_files(extract: Extract, landing_dir: Path) -> list[Path]:
    """Gives the files to read for an extract: the landing files, else the shipped reference file."""
    files = find_files(landing_dir, extract.name)
    if not files and extract.reference_data:
        files = [REFERENCE_DIR / f"{extract.name}.csv"]
    return files


def build_raw_asset(extract: Extract) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", extract.name],
        group_name="ingest",
        kinds={"polars", "duckdb"},
        description=f"{extract.description} As read from the landing files: contract columns only, ids pseudonymised.",
    )
    def raw_extract(context: dg.AssetExecutionContext, warehouse: Warehouse, settings: VivierSettings):
        files = source_files(extract, Path(settings.landing_dir))
        if not files:
            context.log.warning(f"No file for the {extract.name} extract in {settings.landing_dir}: it loads empty.")
        try:
            read = [to_raw(read_text_table(p), extract, load_aliases(), settings.pseudonym_key) for p in files]
        except ExtractFileError as error:
            raise dg.Failure(description=str(error)) from error
        rows = pl.concat([empty_raw(extract)] + [frame for frame, _ in read], how="vertical")
        reports = pl.DataFrame([report for _, report in read], schema=RAW_REPORT_SCHEMA)
        warehouse.replace(f"raw.{extract.name}", rows)
        warehouse.replace_part("quality.ingest_files", "extract", extract.name, reports)
        return dg.MaterializeResult(
            metadata={
                "files": dg.MetadataValue.md(_markdown(reports)) if files else "no file",
                "rows_read": rows.height,
                "dropped_columns": ", ".join(c for c in reports["dropped_columns"] if c) or "none",
            }
        )

    return raw_extract


def build_staging_asset(extract: Extract) -> dg.AssetsDefinition:
    upstream = [dg.AssetKey(["raw", extract.name])] + [dg.AssetKey(["staging", r]) for r in extract.references]

    @dg.asset(
        key=["staging", extract.name],
        deps=upstream,
        group_name="ingest",
        kinds={"polars", "duckdb"},
        description=f"{extract.description} Typed and checked; rows that break a rule are in quality.quarantine.",
    )
    def staging_extract(context: dg.AssetExecutionContext, warehouse: Warehouse):
        references = {
            c.references: warehouse.query("SELECT DISTINCT {1} FROM staging.{0}".format(*c.references.split(".")))
            .to_series()
            for c in extract.columns
            if c.references
        }
        checked = validate(extract, warehouse.read(f"raw.{extract.name}"), references)
        files = warehouse.query(f"SELECT * FROM quality.ingest_files WHERE extract = '{extract.name}'")
        report = count_by_file(files, checked)
        warehouse.replace(f"staging.{extract.name}", checked.loaded)
        warehouse.replace_part("quality.quarantine", "extract", extract.name, checked.quarantined)
        warehouse.replace_part("quality.ingest_report", "extract", extract.name, report)
        if checked.quarantined.height:
            rules = checked.quarantined.group_by("rule").len().sort("len", descending=True)
            context.log.warning(
                f"{extract.name}: {checked.quarantined.height} row(s) quarantined ("
                + ", ".join(f"{r} {n}" for r, n in rules.iter_rows())
                + "); see quality.quarantine."
            )
        return dg.MaterializeResult(
            metadata={
                "rows_loaded": checked.loaded.height,
                "rows_quarantined": checked.quarantined.height,
                "exact_duplicates": checked.duplicates.height,
                "files": dg.MetadataValue.md(_markdown(report.drop("extract"))) if report.height else "no file",
            }
        )

    return staging_extract


@dg.asset(
    key=["staging", "reporting_period"],
    deps=[dg.AssetKey(["staging", name]) for name in period.EVENT_DATES],
    group_name="ingest",
    kinds={"duckdb"},
    description="The as-of date (last day reported) and the window of months every mart covers.",
)
def reporting_period(context: dg.AssetExecutionContext, warehouse: Warehouse, settings: VivierSettings):
    latest = warehouse.query(
        "SELECT max(d) AS d FROM ("
        + " UNION ALL ".join(f"SELECT max({c}) AS d FROM staging.{t}" for t, c in period.EVENT_DATES.items())
        + ")"
    ).item()
    table = period.reporting_period(latest, settings.as_of_date(), settings.history_months)
    warehouse.replace("staging.reporting_period", table)
    row = table.row(0, named=True)
    context.log.info(f"As-of date {row['as_of_date']} ({row['as_of_source']}), months from {row['first_month']}.")
    return dg.MaterializeResult(
        metadata={k: str(v) for k, v in row.items() if k in ("as_of_date", "first_month", "as_of_source")}
    )


def _markdown(table: pl.DataFrame) -> str:
    header = "| " + " | ".join(table.columns) + " |\n|" + "---|" * table.width + "\n"
    return header + "".join("| " + " | ".join(str(v) for v in row) + " |\n" for row in table.iter_rows())


ingest_assets = (
    [build_raw_asset(EXTRACTS[name]) for name in LOAD_ORDER]
    + [build_staging_asset(EXTRACTS[name]) for name in LOAD_ORDER]
    + [reporting_period]
)
