"""Ingest assets: for each extract, `raw/<extract>` (the files as read) and
`staging/<extract>` (typed, checked rows; the rest in quarantine), plus the
reporting period that every mart is computed for."""

import datetime as dt
import os
import warnings
from pathlib import Path

import dagster as dg
import polars as pl
from dagster._utils.warnings import BetaWarning

from pipelines.catalog import COLUMNS
from pipelines.ingest import dsn_staff, period
from pipelines.ingest.contract import EXTRACTS, LOAD_ORDER, Extract, table_columns
from pipelines.ingest.dsn_staff import dsn_file_reports, dsn_tables, empty_read, read_dsn_landing
from pipelines.ingest.files import ExtractFileError, extract_of, find_files, is_dsn_file, read_text_tables
from pipelines.ingest.headers import extract_tables, load_aliases
from pipelines.ingest.origin import demo_files, is_demo_file
from pipelines.ingest.raw import RAW_REPORT_SCHEMA, empty_raw, to_raw
from pipelines.ingest.validate import Validated, count_by_file, raw_as_quarantined, validate
from pipelines.markdown import markdown_table
from pipelines.paths import REFERENCE_DIR
from pipelines.run_tags import tag_warnings
from pipelines.settings import Settings
from pipelines.tables import PERIOD as REPORTING_PERIOD
from pipelines.tables import asset_key, table_metadata
from pipelines.text import printable
from pipelines.versions import digest, file_fingerprint, files_version, settings_version
from pipelines.warehouse import Warehouse

# `<extract>.removed` in the landing folder: the extract was removed on purpose (docs/operations.md).
REMOVED = ".removed"
# More than this share of an extract's rows not found in a reference list that a landing file
# replaced: the file is the wrong list (a payroll export of its own codes), not the rows wrong.
REPLACED_REFERENCE_MAX_UNKNOWN = 0.5


def source_files(extract: Extract, landing_dir: Path) -> list[Path]:
    """Gives the files to read for an extract: the landing files (its `.removed` marker left out),
    else, for reference data, the shipped file."""
    files = [p for p in find_files(landing_dir, extract.name) if p.suffix.lower() != REMOVED]
    if not files and extract.reference_data:
        files = [REFERENCE_DIR / f"{extract.name}.csv"]
    return files


def replaces_reference(extract: Extract, landing_dir: Path) -> bool:
    """Tells whether a landing file replaces a reference extract's shipped file."""
    return extract.reference_data and any(p.parent != REFERENCE_DIR for p in source_files(extract, landing_dir))


def dangling_links(landing_dir: Path, extract: str) -> list[Path]:
    """Gives the landing folder's links of an extract whose target cannot be reached (a share not
    mounted, a file deleted): the folder's listing of files does not show them."""
    if not landing_dir.is_dir():
        return []
    return sorted(
        p for p in landing_dir.iterdir() if p.is_symlink() and not p.exists() and extract_of(p.name) == extract
    )


def landing_problem(extract: Extract, landing_dir: Path, files: list[Path], last_load: list[tuple[str, int]]):
    """Gives (error, warning) about an extract's landing files before they are read.

    An extract loaded before whose files are gone fails, naming what the last load read: an
    empty folder or a share not mounted must not empty the warehouse. Removing an extract is
    said with a file `<extract>.removed`; an extract never loaded and without file loads empty
    (contract section 2)."""
    name, shown = extract.name, printable(str(landing_dir))
    links = dangling_links(landing_dir, name)
    if links:
        return " ".join(
            f"{printable(p.name)} is a link to {printable(os.readlink(p))}, which cannot be reached." for p in links
        ) + (
            f" Is the share mounted? Put the file back, or remove the link. The {name} tables are kept as they were."
        ), None
    marker = landing_dir / f"{name}{REMOVED}"
    if extract.reference_data or not marker.exists():
        marker = None
    if marker and files:
        return (
            f"{marker.name} says the {name} extract is removed, but {printable(files[0].name)} is in the landing "
            "folder: delete one of them."
        ), None
    if files:
        return None, None
    if marker:
        return None, f"{name}: removed on purpose ({marker.name} in the landing folder): its tables are emptied."
    if last_load:
        read = ", ".join(f"{printable(f)} ({n:,} rows)" for f, n in last_load)
        return (
            f"No file for the {name} extract in {shown}: the last load read {read}. Its tables are kept as they "
            "were. If the files are on a share, check that it is mounted; to remove the extract on purpose, "
            f"put an empty file named {name}{REMOVED} in the landing folder."
        ), None
    return None, f"No file for the {name} extract in {shown}: it loads empty."


def emptied_problem(extract: Extract, files: list[Path], rows: int, last_load: list[tuple[str, int]]) -> str | None:
    """Gives why an extract whose files hold no row must not replace a last load that had rows, or None.

    A header alone is what an export that found nothing writes (a failed query, a wrong filter):
    loading it would empty the extract's tables and every mart that reads them, as files gone
    would; emptying an extract on purpose is said with `<extract>.removed`."""
    if rows or not files or extract.reference_data or not sum(n for _, n in last_load):
        return None
    read = ", ".join(f"{printable(f)} ({n:,} rows)" for f, n in last_load)
    return (
        f"{', '.join(printable(p.name) for p in files)} hold(s) no row, only a header: the last load of the "
        f"{extract.name} extract read {read}. Its tables are kept as they were. Export the extract again; to "
        f"empty it on purpose, delete its files and put an empty file named {extract.name}{REMOVED} in the "
        "landing folder."
    )


def last_load(warehouse: Warehouse, extract: str) -> list[tuple[str, int]]:
    """Gives the files (and their rows) the last load of an extract read, from the warehouse the run started from."""
    if not warehouse.exists("quality.ingest_files"):
        return []
    files = warehouse.query(
        f"SELECT source_file, rows_read FROM quality.ingest_files WHERE extract = '{extract}' ORDER BY source_file"
    )
    return list(files.iter_rows())


# The landing folder as Dagster observes it (issue 19): one source per extract, whose data version
# is the fingerprint of its files, and one for the settings that change results. `vivier run`
# observes them before it decides what to rebuild (pipelines/refresh.py); "Observe sources" in the
# UI does the same.
LANDING = {name: dg.AssetKey(["landing", name]) for name in LOAD_ORDER}
SETTINGS = dg.AssetKey(["landing", "settings"])


def landing_observations(settings: Settings) -> dict[dg.AssetKey, tuple[str, dict]]:
    """Gives each landing source's data version and what the UI shows of it: for an extract, the name,
    size and SHA-256 of each of its files (a `.removed` marker and a link that cannot be reached
    count too: each changes what a load does); for the settings, a keyed hash that tells nothing."""
    landing = Path(settings.landing_dir)
    observed = {}
    for name, key in LANDING.items():
        files = [file_fingerprint(p) for p in source_files(EXTRACTS[name], landing)]
        marker = landing / f"{name}{REMOVED}"
        states = [(f"{p.name} (unreachable link)", 0, "") for p in dangling_links(landing, name)] + (
            [(marker.name, 0, "removed marker")] if marker.exists() else []
        )
        table = pl.DataFrame(
            [(printable(n), s, h[:12]) for n, s, h in files + states],
            schema={"file": pl.String, "bytes": pl.Int64, "sha256": pl.String},
            orient="row",
        )
        observed[key] = (
            files_version(files + states),
            {"files": dg.MetadataValue.md(markdown_table(table)) if files or states else "no file"},
        )
    observed[SETTINGS] = (
        settings_version(settings),
        {"covers": "the pseudonym key, VIVIER_HISTORY_MONTHS and VIVIER_AS_OF (a keyed hash: nothing of them shows)"},
    )
    return observed


def _observe_landing(context):
    for key, (version, metadata) in landing_observations(context.resources.settings).items():
        yield dg.ObserveResult(asset_key=key, data_version=dg.DataVersion(version), metadata=metadata)


# Dagster marks this decorator as beta (its behaviour may change in a minor release; Dagster is
# pinned): its warning is silenced so that every `vivier` command does not print it.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", BetaWarning)
    landing_sources = dg.multi_observable_source_asset(
        specs=[
            dg.AssetSpec(
                key,
                group_name="landing",
                description=f"The landing files of the {name} extract: its data version is the fingerprint of their "
                "names, sizes and contents. A new, changed or removed file changes it, and the next refresh reloads "
                "the extract; unchanged files are not read again.",
            )
            for name, key in LANDING.items()
        ]
        + [
            dg.AssetSpec(
                SETTINGS,
                group_name="landing",
                description="The settings that change what the tables hold (the pseudonym key, VIVIER_HISTORY_MONTHS, "
                "VIVIER_AS_OF), as a keyed hash: a change rebuilds every table.",
            )
        ],
        required_resource_keys={"settings"},
        name="landing_sources",
    )(_observe_landing)


def build_raw_asset(extract: Extract) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", extract.name],
        deps=[LANDING[extract.name], SETTINGS],
        group_name="ingest",
        # The lineage graph names a node by the last part of its key (staff): the kind tells raw from staging.
        kinds={"raw", "polars", "duckdb"},
        description=f"Raw {extract.name}, as read from the landing files (contract columns only, every value as "
        f"text, ids pseudonymised). {extract.description}",
        metadata=table_metadata(f"raw.{extract.name}", table_columns(extract, "raw")),
    )
    def raw_extract(context: dg.AssetExecutionContext, warehouse: Warehouse, settings: dg.ResourceParam[Settings]):
        landing = Path(settings.landing_dir)
        files = source_files(extract, landing)
        before = last_load(warehouse, extract.name)
        error, warning = landing_problem(extract, landing, files, before)
        if error:
            raise dg.Failure(description=error)
        if warning:
            context.log.warning(warning)
        dsn_files = [p for p in files if is_dsn_file(p)]
        try:
            texts = [p for p in files if p not in dsn_files]
            tables = [t for p in texts for t in extract_tables(read_text_tables(p), extract, load_aliases())]
            read = [to_raw(t, extract, load_aliases(), settings.pseudonym_key) for t in tables]
            dsn = read_dsn_landing(dsn_files, settings.pseudonym_key) if dsn_files else empty_read()
        except ExtractFileError as error:
            raise dg.Failure(description=str(error)) from error
        for note in (note for table in tables for note in table.notes):
            context.log.warning(note)  # rows above the header, sheets not read, lines read as Windows-1252
        rows = pl.concat([empty_raw(extract)] + [frame for frame, _ in read], how="vertical")
        emptied = emptied_problem(extract, files, rows.height + dsn.rows.height, before)
        if emptied:
            raise dg.Failure(description=emptied)
        reports = pl.concat(
            [pl.DataFrame([report for _, report in read], schema=RAW_REPORT_SCHEMA), dsn_file_reports(dsn)]
        ).with_columns(demo_file=is_demo_file(pl.col("source_file"), demo_files(landing, files)))
        warehouse.replace_many({f"raw.{extract.name}": rows} | (dsn_tables(dsn) if extract.name == "staff" else {}))
        warehouse.replace_part("quality.ingest_files", "extract", extract.name, reports)
        return dg.MaterializeResult(
            metadata={
                "files": dg.MetadataValue.md(markdown_table(reports)) if files else "no file",
                "rows_read": rows.height,
                **({"dsn_contracts": dsn.rows.height, "dsn_files": len(dsn_files)} if dsn_files else {}),
                "dropped_columns": ", ".join(c for c in reports["dropped_columns"] if c) or "none",
            }
        )

    return raw_extract


def build_staging_asset(extract: Extract) -> dg.AssetsDefinition:
    upstream = [asset_key(f"raw.{extract.name}")] + [asset_key(f"staging.{r}") for r in extract.references]
    key = asset_key(f"staging.{extract.name}")
    event_date = period.EVENT_DATES.get(extract.name)
    checks = (
        [
            dg.AssetCheckSpec(
                FUTURE_EVENTS_CHECK,
                asset=key,
                description=f"No {event_date} after today: the latest event date sets the as-of date.",
            )
        ]
        if event_date
        else []
    ) + (
        [
            dg.AssetCheckSpec(
                DSN_MONTHS_CHECK,
                asset=key,
                description="Every SIRET of the DSN files has a monthly declaration for each month between its "
                "first and its last: a month missing between two declared ones is a file not received (its "
                "contracts are not read as exits). A warning.",
            )
        ]
        if extract.name == "staff"
        else []
    )

    @dg.asset(
        key=key,
        deps=upstream,
        check_specs=checks,
        group_name="ingest",
        kinds={"staging", "polars", "duckdb"},
        description=f"Staging {extract.name}, typed and checked (rows that break a rule are in quality.quarantine). "
        f"{extract.description}",
        metadata=table_metadata(f"staging.{extract.name}", table_columns(extract, "staging")),
    )
    def staging_extract(context: dg.AssetExecutionContext, warehouse: Warehouse, settings: dg.ResourceParam[Settings]):
        references = {
            c.references: warehouse.query(
                "SELECT DISTINCT {1} FROM staging.{0}".format(*c.references.split("."))
            ).to_series()
            for c in extract.columns
            if c.references
        }
        raw = warehouse.read(f"raw.{extract.name}")
        dsn_rows = (
            warehouse.read(dsn_staff.RAW_ROWS)
            if extract.name == "staff" and warehouse.exists(dsn_staff.RAW_ROWS)
            else None
        )
        checked = validate_with_dsn(extract, raw, dsn_rows, references, warehouse)
        # Before any table is written: a failed extract keeps its staging tables as they were.
        wrong_list = replaced_reference_problem(extract, checked, Path(settings.landing_dir))
        if wrong_list:
            raise dg.Failure(description=wrong_list)
        files = warehouse.query(f"SELECT * FROM quality.ingest_files WHERE extract = '{extract.name}'")
        report = count_by_file(files, checked)
        if dsn_rows is not None and warehouse.exists(dsn_staff.RAW_BLOCKS):
            report = dsn_staff.block_report(report, dsn_rows, warehouse.read(dsn_staff.RAW_BLOCKS), checked)
        masked_raw = raw_as_quarantined(extract, raw, checked.quarantined)
        warehouse.replace_many(
            {f"staging.{extract.name}": checked.loaded}
            | ({f"raw.{extract.name}": masked_raw} if masked_raw is not None else {})
        )
        warehouse.replace_part("quality.quarantine", "extract", extract.name, checked.quarantined)
        warehouse.replace_part("quality.ingest_report", "extract", extract.name, report)
        if checked.quarantined.height:
            rules = checked.quarantined.group_by("rule").len().sort("len", descending=True)
            context.log.warning(
                f"{extract.name}: {checked.quarantined.height} row(s) quarantined ("
                + ", ".join(f"{r} {n}" for r, n in rules.iter_rows())
                + "); see quality.quarantine."
            )
        today = dt.date.today()
        events = (
            period.future_events(warehouse.query(period.latest_events_sql(extract.name, event_date, today)), today, "")
            if event_date
            else []
        )
        check_results = [_future_events_check(e, today) for e in events] + (
            [_dsn_months_check(warehouse)] if extract.name == "staff" else []
        )
        tag_warnings(context.instance, context.run.run_id, check_results)
        return dg.MaterializeResult(
            metadata={
                "rows_loaded": checked.loaded.height,
                "rows_quarantined": checked.quarantined.height,
                "exact_duplicates": checked.duplicates.height,
                "files": dg.MetadataValue.md(markdown_table(report.drop("extract"))) if report.height else "no file",
            },
            check_results=check_results,
        )

    return staging_extract


def validate_with_dsn(
    extract: Extract, raw: pl.DataFrame, dsn_rows: pl.DataFrame | None, references: dict, warehouse: Warehouse
) -> Validated:
    """Gives `validate` of the extract's raw rows, and for staff, of the DSN contracts with them: those
    mapped to an establishment and a job family are checked as staff rows, the others quarantined."""
    if dsn_rows is None or dsn_rows.is_empty():
        return validate(extract, raw, references)
    establishments, pcs = warehouse.read("staging.establishments"), warehouse.read("staging.pcs_job_families")
    fine, refused = dsn_staff.staff_to_check(dsn_rows, establishments, pcs, extract)
    checked = validate(extract, pl.concat([raw, fine], how="vertical_relaxed"), references)
    return Validated(checked.loaded, pl.concat([checked.quarantined, refused]), checked.duplicates)


def replaced_reference_problem(extract: Extract, checked, landing_dir: Path) -> str | None:
    """Gives why an extract must not load when most of its rows are not found in a reference list
    that a landing file replaced (the file is then the wrong list, and loading would empty the
    marts), or None."""
    rows = checked.loaded.height + checked.quarantined.height + checked.duplicates.height
    for column in (c for c in extract.columns if c.references):
        reference = EXTRACTS[column.references.split(".")[0]]
        if not rows or not replaces_reference(reference, landing_dir):
            continue
        unknown = checked.quarantined.filter(
            (pl.col("rule") == "unknown_reference")
            & pl.col("detail").str.contains(f"not found in {column.references}", literal=True)
        ).height
        if unknown > REPLACED_REFERENCE_MAX_UNKNOWN * rows:
            replacement = ", ".join(printable(p.name) for p in source_files(reference, landing_dir))
            return (
                f"{unknown} of the {rows} {extract.name} rows ({unknown / rows:.0%}) have a {column.name} that is not "
                f"in {replacement}, the landing file that replaces the shipped {reference.name} list: it is probably "
                f"another list (the payroll software's own codes?). Correct {replacement} so that its {column.name} "
                f"column holds the codes the extracts use, or remove it to use the shipped list. The {extract.name} "
                "tables are kept as they were."
            )
    return None


PERIOD = asset_key(REPORTING_PERIOD)
FUTURE_EVENTS_CHECK = "event_dates_are_not_in_the_future"
DSN_MONTHS_CHECK = "dsn_months_are_complete"
AS_OF_CHECK = "as_of_date_is_not_in_the_future"
# Dagster runs a step only once every step it depends on has succeeded, so a period that
# depended on the six event extracts would stop every mart whenever one of them failed (a bad
# foster-carer file stopped the workforce marts). The period therefore declares no dependency:
# it runs after every other step that is ready (the lowest priority; `vivier run` and the UI
# run the job in one process, one step at a time, highest priority first), and reads each
# event extract's staging table as it is then: loaded by this run, or, for an extract that
# failed, as its last load left it (tests/ingest/test_run_failures.py,
# tests/operations/test_night_after.py). A run of part of the assets that leaves out an event
# extract never loaded fails instead (`_never_loaded_outside_this_run`).
LAST_STEP = {"dagster/priority": "-1"}


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            key=PERIOD,
            # The settings only: its other inputs (the event extracts' staging tables) are read, not
            # declared, for the reason above; `pipelines/refresh.py` rebuilds it with any of them.
            deps=[SETTINGS],
            group_name="ingest",
            kinds={"staging", "duckdb"},
            metadata=table_metadata(REPORTING_PERIOD, COLUMNS[REPORTING_PERIOD]),
            description="The as-of date (last day reported) and the window of months every mart covers. Reads the "
            "latest event date of " + ", ".join(f"staging.{n}" for n in period.EVENT_DATES) + " (run after them).",
        )
    ],
    check_specs=[
        dg.AssetCheckSpec(
            AS_OF_CHECK,
            asset=PERIOD,
            blocking=True,
            description="The as-of date is not after today, nor in a month after the latest event of "
            "the extracts: no month is reported before it is over, or from no data.",
        ),
    ],
    op_tags=LAST_STEP,
)
def reporting_period(context: dg.AssetExecutionContext, warehouse: Warehouse, settings: dg.ResourceParam[Settings]):
    today = dt.date.today()
    present = [n for n in period.EVENT_DATES if warehouse.exists(f"staging.{n}")]
    never_loaded = _never_loaded_outside_this_run(context, present, Path(settings.landing_dir))
    if never_loaded:
        # A run of part of the assets (a mart and its upstream assets, chosen in the UI) on a new
        # warehouse: without these dates the as-of date could be a month early, silently.
        one = len(never_loaded) == 1
        raise dg.Failure(
            description=(
                f"The as-of date is the latest event date of every extract, but {', '.join(never_loaded)} "
                f"{'has' if one else 'have'} never been loaded and {'is' if one else 'are'} not part of this run, "
                f"although the landing folder has {'its' if one else 'their'} files. Materialise "
                + ", ".join(f"staging/{n}" for n in never_loaded)
                + " too, or run every asset (`vivier run`, or the job nightly_refresh)."
            )
        )
    latest = (
        warehouse.query(" UNION ALL ".join(period.latest_events_sql(n, period.EVENT_DATES[n], today) for n in present))
        if present
        else None
    )
    stale = _not_loaded_in_this_run(context)
    table = period.reporting_period(
        latest["latest_date"].max() if latest is not None else None,
        settings.as_of,
        settings.history_months,
        stale,
    )
    warehouse.replace("staging.reporting_period", table)
    row = table.row(0, named=True)
    context.log.info(f"As-of date {row['as_of_date']} ({row['as_of_source']}), months from {row['first_month']}.")
    if stale:
        context.log.warning(
            f"{', '.join(stale)} not loaded in this run: the as-of date uses the dates of their last load, if any."
        )
    yield dg.MaterializeResult(
        asset_key=PERIOD,
        # Its content is its version: rebuilt with the same dates, it leaves every mart up to date.
        data_version=dg.DataVersion(digest(f"{k}={v}" for k, v in row.items() if k != "extracts_not_loaded")[:16]),
        metadata={
            k: str(v)
            for k, v in row.items()
            if k in ("as_of_date", "first_month", "as_of_source", "extracts_not_loaded")
        },
    )
    events = period.future_events(latest, today, row["as_of_source"]) if latest is not None else []
    yield _as_of_check(events, today, row)


def _not_loaded_in_this_run(context: dg.AssetExecutionContext) -> list[str]:
    """Gives the event extracts that this run was to load and did not (their files, or an extract
    they refer to, failed): their staging tables are those of their last load."""
    in_run = context.run.asset_selection or context.job_def.asset_layer.selected_asset_keys
    keys = {name: asset_key(f"staging.{name}") for name in period.EVENT_DATES}
    events = context.instance.get_latest_materialization_events([k for k in keys.values() if k in in_run])
    return [
        name
        for name, key in keys.items()
        if key in in_run and (events.get(key) is None or events[key].run_id != context.run_id)
    ]


def _never_loaded_outside_this_run(context: dg.AssetExecutionContext, present: list[str], landing: Path) -> list[str]:
    """Gives the event extracts that have files in the landing folder but no staging table, and that
    this run does not load: the period would be computed without their dates."""
    in_run = context.run.asset_selection or context.job_def.asset_layer.selected_asset_keys
    return [
        name
        for name in period.EVENT_DATES
        if name not in present and asset_key(f"staging.{name}") not in in_run and find_files(landing, name)
    ]


def _dsn_months_check(warehouse: Warehouse) -> dg.AssetCheckResult:
    """Gives the staff's check that no SIRET of the DSN files misses a month between two declared ones."""
    missing = warehouse.read(dsn_staff.MISSING_TABLE) if warehouse.exists(dsn_staff.MISSING_TABLE) else pl.DataFrame()
    shown = ", ".join(f"{siret} {month:%m/%Y}" for siret, month in missing.head(10).iter_rows())
    return dg.AssetCheckResult(
        check_name=DSN_MONTHS_CHECK,
        asset_key=asset_key("staging.staff"),
        passed=missing.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        description=None
        if missing.is_empty()
        else f"{missing.height} month(s) with no DSN declaration between two declared ones (SIRET, month): "
        f"{shown}{' ...' if missing.height > 10 else ''}. Add the missing files; until then their contracts are "
        "read as continuing, not as exits.",
        metadata={"missing_months": missing.height},
    )


def _future_events_check(event: dict, today: dt.date) -> dg.AssetCheckResult:
    """Gives an event extract's check that none of its event dates is after today (a warning)."""
    return dg.AssetCheckResult(
        check_name=FUTURE_EVENTS_CHECK,
        asset_key=asset_key(f"staging.{event['extract']}"),
        passed=event["passed"],
        severity=dg.AssetCheckSeverity.WARN,
        description=None if event["passed"] else _future_events_message(event, today),
        metadata={
            "rows_after_today": event["future_rows"],
            "latest": str(event["latest_date"]),
            "latest_row": event["latest_row"] or "",
            "today": str(today),
        },
    )


def _as_of_check(events: list[dict], today: dt.date, period_row: dict) -> dg.AssetCheckResult:
    """Gives the period's blocking check: the as-of date is not after today (a future event date
    moved it), nor, set by VIVIER_AS_OF, in a month after the latest event of the extracts."""
    culprits = [e for e in events if e["moves_as_of"]]
    beyond = period.as_of_after_the_events(period_row)
    description = None
    if culprits:
        description = (
            f"The as-of date {period_row['as_of_date']} is after today ({today}): it is taken from the latest "
            "event date, so every mart would report a month before it is over. "
            + " ".join(_future_events_message(e, today) for e in culprits)
        )
    elif beyond:
        description = beyond
    return dg.AssetCheckResult(
        check_name=AS_OF_CHECK,
        asset_key=PERIOD,
        passed=description is None,
        description=description,
        metadata={
            "as_of_date": str(period_row["as_of_date"]),
            "as_of_source": period_row["as_of_source"],
            "latest_event_date": str(period_row["latest_event_date"]),
            "today": str(today),
        },
    )


def _future_events_message(event: dict, today: dt.date) -> str:
    name, column = event["extract"], event["column"]
    return (
        f"{name}: {event['future_rows']} row(s) with {column} after today ({today}), the latest "
        f"{event['latest_date']} ({event['latest_row']}). Correct {column} in the {name} extract if it is a typo; "
        "if rows that have not happened yet are exported on purpose, leave them out, or set VIVIER_AS_OF to the "
        "last complete month."
    )


ingest_assets = (
    [build_raw_asset(EXTRACTS[name]) for name in LOAD_ORDER]
    + [build_staging_asset(EXTRACTS[name]) for name in LOAD_ORDER]
    + [reporting_period]
)
