"""Ingest assets: for each extract, `raw/<extract>` (the files as read) and
`staging/<extract>` (typed, checked rows; the rest in quarantine), plus the
reporting period that every mart is computed for."""

import datetime as dt
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
            tables = [read_text_table(p) for p in files]
            read = [to_raw(t, extract, load_aliases(), settings.pseudonym_key) for t in tables]
        except ExtractFileError as error:
            raise dg.Failure(description=str(error)) from error
        for table in tables:
            if table.lines_above_header:
                context.log.warning(f"{table.path.name}: {table.lines_above_header} line(s) above the header "
                                    "(a title, blank lines) were skipped.")  # fmt: skip
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


PERIOD = dg.AssetKey(["staging", "reporting_period"])
FUTURE_EVENTS_CHECK = "event_dates_are_not_in_the_future"
AS_OF_CHECK = "as_of_date_is_not_in_the_future"


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key=PERIOD,
            deps=[dg.AssetKey(["staging", name]) for name in period.EVENT_DATES],
            group_name="ingest",
            kinds={"duckdb"},
            description="The as-of date (last day reported) and the window of months every mart covers.",
        )
    ],
    check_specs=[
        dg.AssetCheckSpec(AS_OF_CHECK, asset=PERIOD, blocking=True,
                          description="The as-of date is not after today: no month is reported before it is over."),
    ]
    # The as-of date reads only each extract's latest event date, so this asset checks those
    # dates itself. An asset that checks its upstream assets is not held back by their
    # blocking checks: when one fails, the marts that read that extract are stopped and the
    # others still run, instead of every mart waiting on this period. (Dagster only lets an
    # asset check another asset's key with `allow_arbitrary_check_specs`, a hidden option;
    # tests/quality/test_blocking.py shows the behaviour this relies on.) These checks are not
    # blocking: the one above stops the marts when a future date moves the as-of date.
    + [
        dg.AssetCheckSpec(FUTURE_EVENTS_CHECK, asset=dg.AssetKey(["staging", name]),
                          description=f"No {column} after today: the latest event date sets the as-of date.")
        for name, column in period.EVENT_DATES.items()
    ],  # fmt: skip
    allow_arbitrary_check_specs=True,
)
def reporting_period(context: dg.AssetExecutionContext, warehouse: Warehouse, settings: VivierSettings):
    today = dt.date.today()
    latest = warehouse.query(
        " UNION ALL ".join(
            f"""SELECT '{t}' AS extract, '{c}' AS column, count(*) FILTER (WHERE {c} > DATE '{today}') AS future_rows,
                       max({c}) AS latest_date, arg_max(source_file || ' row ' || source_row, {c}) AS latest_row
                FROM staging.{t}"""
            for t, c in period.EVENT_DATES.items()
        )
    )
    table = period.reporting_period(latest["latest_date"].max(), settings.as_of_date(), settings.history_months)
    warehouse.replace("staging.reporting_period", table)
    row = table.row(0, named=True)
    context.log.info(f"As-of date {row['as_of_date']} ({row['as_of_source']}), months from {row['first_month']}.")
    yield dg.MaterializeResult(
        asset_key=PERIOD,
        metadata={k: str(v) for k, v in row.items() if k in ("as_of_date", "first_month", "as_of_source")},
    )
    yield from _date_checks(period.future_events(latest, today, row["as_of_source"]), today, row)


def _date_checks(events: list[dict], today: dt.date, period_row: dict):
    """Gives the reporting period's checks: per event extract, no date after today (a warning);
    and the as-of date not after today (blocking: every mart would be wrong)."""
    for event in events:
        yield dg.AssetCheckResult(
            check_name=FUTURE_EVENTS_CHECK,
            asset_key=dg.AssetKey(["staging", event["extract"]]),
            passed=event["passed"],
            severity=dg.AssetCheckSeverity.WARN,
            description=None if event["passed"] else _future_events_message(event, today),
            metadata={"rows_after_today": event["future_rows"], "latest": str(event["latest_date"]),
                      "latest_row": event["latest_row"] or "", "today": str(today)},  # fmt: skip
        )
    culprits = [e for e in events if e["moves_as_of"]]
    yield dg.AssetCheckResult(
        check_name=AS_OF_CHECK,
        asset_key=PERIOD,
        passed=not culprits,
        description=None if not culprits else (
            f"The as-of date {period_row['as_of_date']} is after today ({today}): it is taken from the latest "
            "event date, so every mart would report a month before it is over. "
            + " ".join(_future_events_message(e, today) for e in culprits)
        ),  # fmt: skip
        metadata={"as_of_date": str(period_row["as_of_date"]), "as_of_source": period_row["as_of_source"],
                  "today": str(today)},  # fmt: skip
    )


def _future_events_message(event: dict, today: dt.date) -> str:
    name, column = event["extract"], event["column"]
    return (
        f"{name}: {event['future_rows']} row(s) with {column} after today ({today}), the latest "
        f"{event['latest_date']} ({event['latest_row']}). Correct {column} in the {name} extract if it is a typo; "
        "if rows that have not happened yet are exported on purpose, leave them out, or set VIVIER_AS_OF to the "
        "last complete month."
    )


def _markdown(table: pl.DataFrame) -> str:
    header = "| " + " | ".join(table.columns) + " |\n|" + "---|" * table.width + "\n"
    return header + "".join("| " + " | ".join(str(v) for v in row) + " |\n" for row in table.iter_rows())


ingest_assets = (
    [build_raw_asset(EXTRACTS[name]) for name in LOAD_ORDER]
    + [build_staging_asset(EXTRACTS[name]) for name in LOAD_ORDER]
    + [reporting_period]
)
