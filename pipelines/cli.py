"""The `vivier` command: demo extracts, the nightly refresh, and what each one did."""

from __future__ import annotations

import inspect
import logging
import sys
import time
from pathlib import Path

import click

from pipelines.settings import DEMO_PSEUDONYM_KEY, SCHEMA, Settings, load_settings, warehouse_path_problem
from pipelines.text import printable

log = logging.getLogger("vivier")


def usable_settings() -> Settings:
    """Gives the settings in force; a setting that cannot be used ends the command with one line
    that says why (no traceback)."""
    try:
        return load_settings()
    except ValueError as error:
        raise click.ClickException(str(error)) from error


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
def main() -> None:
    """Vivier: workforce analytics for child-protection employers.

    Turns HR extracts (staff contracts, budgeted posts, job postings,
    applications, foster carers, placements...) into a DuckDB warehouse of
    vacancies, turnover, Ségur effects and foster-carer retention.

    \b
    Typical use:
      vivier demo-data            write synthetic extracts to the landing folder
      vivier run                  load the extracts and compute everything
      vivier report               build the directors' report (static site, French)
      vivier model-card --out F   write the attrition model's card from the last run
      dagster dev                 browse the assets, checks and runs (from the repo root)

    \b
    Settings (environment variables, defaults in brackets; pipelines/settings.py):
    {settings}

    The as-of date (the last day reported) is VIVIER_AS_OF if set, else the last day of the
    latest month whose last day is on or before the latest event date in the extracts
    (contract and placement start dates, application, posting, enquiry and carer-event dates).
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for name in ("vivier", "vivier.demo"):
        logging.getLogger(name).setLevel(logging.INFO)
    log.addHandler(handler)


def settings_help() -> str:
    """Gives the settings part of `vivier --help`: each setting of SCHEMA, what it sets and its default
    (the demo key named, not shown; "unset" for none)."""
    width = max(len(s.variable) for s in SCHEMA)
    lines = []
    for s in SCHEMA:
        default = "a public demo key: set your own" if s.default == DEMO_PSEUDONYM_KEY else s.default or "unset"
        lines.append(f"  {s.variable:<{width}}  {f'{s.description} ' if s.description else ''}[{default}]")
    return "\n".join(lines)


# The settings are listed from SCHEMA, so that a new one is in `--help` as soon as it is read.
main.help = inspect.cleandoc(main.help).replace("{settings}", settings_help())


@main.command("demo-data")
@click.option(
    "--scale",
    type=click.Choice(["small", "departement", "national"]),
    default="small",
    show_default=True,
    help="small: a few seconds, for tests; departement: ~2,500 staff and 700 foster carers; "
    "national: ~350,000 staff in 11,000 establishments and 38,000 foster carers.",
)
@click.option("--seed", type=int, default=42, show_default=True, help="Same seed, same files.")
@click.option(
    "--messy",
    is_flag=True,
    help="Add what real extracts contain: French headers, ';' and Windows-1252, "
    "dd/mm/yyyy dates, decimal commas, duplicates, bad rows, name and NIR columns.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write to [default: VIVIER_LANDING_DIR]. What was planted goes to OUT/_truth/.",
)
@click.option(
    "--dsn",
    is_flag=True,
    help="Write the staff as monthly DSN files (dsn_<organisation>_<AAAAMM>.dsn, one per organisation and "
    "month, with --messy: corrections, a missing month, interns...) instead of staff.csv; establishments.csv "
    "gains a siret column. Not at national scale.",
)
@click.option("--overwrite", is_flag=True, help="Write even if the folder already holds extract files.")
def demo_data(scale: str, seed: int, messy: bool, dsn: bool, out: Path | None, overwrite: bool) -> None:
    """Write synthetic extracts: no real person, known effects planted.

    Every test, benchmark and demo uses these files. OUT/_truth/ holds what
    was planted (the as-of date, the Ségur effect, each foster carer's true
    12-month risk) and each file's SHA-256. The pipeline reads only those
    hashes: the report says its figures are synthetic when the files loaded
    are, byte for byte, the demo's.
    """
    from pipelines.demo import generate_demo
    from pipelines.ingest.files import extract_of, landing_files

    out = out or usable_settings().landing_dir
    existing = [p.name for p in landing_files(out) if extract_of(p.name) or p.name.lower().startswith("dsn")]
    if existing and not overwrite:
        raise click.ClickException(
            f"{printable(str(out))} already holds extract files ({printable(', '.join(existing[:3]))}...). "
            "Choose another --out, or add --overwrite."
        )
    if dsn and scale == "national":
        raise click.ClickException("--dsn is not available at national scale (about 30 GB of files).")
    summary = generate_demo(out, scale=scale, seed=seed, messy=messy, dsn=dsn)
    staff = ""
    if dsn:
        dsn_files = [n for n in summary.files if n.lower().startswith("dsn")]
        staff = f", staff as {len(dsn_files)} monthly DSN files"
    click.echo(
        f"Wrote {scale} demo extracts (seed {seed}{', messy' if messy else ''}{staff}) to {out} "
        f"in {summary.seconds:.1f} s; as-of date {summary.as_of_date}."
    )


@main.command("run")
@click.option(
    "--full",
    is_flag=True,
    help="Rebuild every asset, even those whose inputs did not change: after restoring an old warehouse by hand, "
    "or to time a whole refresh. Not needed after an upgrade: a new code version rebuilds everything anyway.",
)
@click.option(
    "--retrain",
    is_flag=True,
    help="Retrain the foster-carer attrition model tonight. Without it the model is retrained only when the as-of "
    "date moves to another quarter or the features' definition changes; the current model scores every run.",
)
def run(full: bool, retrain: bool) -> None:
    """Load the extracts and materialise the assets of the nightly_refresh job that need it.

    First observes the landing files (name, size and SHA-256 of each) and rebuilds only what
    changed: an extract whose files are those of the last run is not read again, and an asset
    whose inputs and code did not change is skipped (each with its reason, also shown in the
    Dagster UI). Shows each asset as it runs, then a summary per extract: rows read, loaded,
    quarantined, exact duplicates and columns dropped. Exits with status 1 if any asset fails;
    the others still run.
    """
    settings = usable_settings()
    if not settings.landing_dir.is_dir():
        raise click.ClickException(
            f"The landing folder {printable(str(settings.landing_dir))} does not exist. Put the extracts there, "
            "set VIVIER_LANDING_DIR, or write demo extracts with `vivier demo-data`."
        )
    problem = warehouse_path_problem(settings.warehouse)
    if problem:
        raise click.ClickException(problem)
    warnings = landing_warnings(settings.landing_dir)
    if settings.uses_demo_key:
        warnings.insert(
            0,
            "VIVIER_PSEUDONYM_KEY is not set: pseudonyms use the public demo key and can be "
            "reversed. Set a secret key before loading real extracts.",
        )
    for warning in warnings:
        log.warning(f"Warning: {printable(warning)}")

    click.echo(f"Loading {printable(str(settings.landing_dir))} into {printable(str(settings.warehouse))}")
    started = time.monotonic()
    outcome = execute_nightly_refresh(full=full, retrain=retrain)
    click.echo(f"\nFinished in {time.monotonic() - started:.1f} s.\n")

    from pipelines.summary import run_summary

    click.echo(run_summary(settings.warehouse, outcome, warnings))
    if not outcome.success:
        sys.exit(1)


def landing_warnings(landing_dir: Path) -> list[str]:
    """Gives what the run must say of the landing folder before it starts: each file that matches no
    extract (it is not read), each reference list a landing file replaces, each extract removed on purpose."""
    from pipelines.ingest.assets import REMOVED, source_files
    from pipelines.ingest.contract import EXTRACTS
    from pipelines.ingest.files import extract_of, landing_files

    warnings = []
    for path in landing_files(landing_dir):
        name, extract = printable(path.name), extract_of(path.name)
        near = [e for e, x in EXTRACTS.items() if x.reference_data and path.name.lower().startswith(e)]
        if extract is None and near:
            warnings.append(
                f"{name} matches no extract and is not read: only a file named exactly {near[0]} "
                f"(.csv, .xlsx or .parquet) replaces the shipped {near[0]} list."
            )
        elif extract is None:
            warnings.append(f"{name} matches no extract and is not read (names start with staff, placements, ...).")
        elif path.suffix.lower() == REMOVED and not EXTRACTS[extract].reference_data:
            warnings.append(f"{name}: the {extract} extract is removed on purpose; its tables are emptied.")
    for extract in (x for x in EXTRACTS.values() if x.reference_data):
        files = [p for p in source_files(extract, landing_dir) if p.parent == landing_dir]
        if files:
            warnings.append(
                f"{', '.join(printable(p.name) for p in files)} in the landing folder replaces the "
                f"shipped {extract.name} list."
            )
    return warnings


def execute_nightly_refresh(instance=None, full: bool = False, retrain: bool = False):
    """Runs in this process the assets of the nightly_refresh job that need it (all with `full`),
    printing what is skipped and why, then each asset as it starts and ends.

    Runs are recorded in DAGSTER_HOME (default .dagster_home), so `dagster dev`
    shows them, and the refresh compares with the runs recorded there; tests pass
    an instance instead."""
    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.progress import PROGRESS_LOGGER, RunOutcome
    from pipelines.refresh import observe_landing, plan_refresh, report_skipped

    if instance is None:
        from pipelines.dagster_home import default_dagster_home, ensure_dagster_home

        ensure_dagster_home(default_dagster_home())
        with dg.DagsterInstance.get() as instance:
            return execute_nightly_refresh(instance, full, retrain)
    from pipelines.carers.assets import RETRAIN_TAG, carer_attrition_model

    settings = load_settings()
    observe_landing(instance, settings)
    force = dict.fromkeys(carer_attrition_model.keys, "a retrain was asked (--retrain)") if retrain else {}
    plan = plan_refresh(
        instance, defs.get_repository_def(), "nightly_refresh", settings.warehouse, full=full, force=force
    )
    report_skipped(instance, plan)
    unchanged = {k.to_user_string(): reason for k, reason in plan.skip.items()}
    if unchanged:
        click.echo(
            f"Skipping {len(unchanged)} of {len(unchanged) + len(plan.build)} assets: their inputs and code did "
            "not change since they were built (`vivier run --full` rebuilds them)."
        )
    if not plan.build:
        click.echo("Nothing to rebuild: the warehouse is up to date.")
        return RunOutcome(success=True, unchanged=unchanged)
    click.echo(f"Rebuilding {len(plan.build)} asset(s):")
    click.echo("\n".join(plan.summary()))
    result = defs.resolve_job_def("nightly_refresh").execute_in_process(
        instance=instance,
        run_config={"loggers": {PROGRESS_LOGGER: {}}},
        asset_selection=list(plan.build),
        tags={"vivier/refresh": "full" if full else f"{len(plan.build)} rebuilt, {len(unchanged)} unchanged"}
        | ({RETRAIN_TAG: "true"} if retrain else {}),
        raise_on_error=False,
    )
    outcome = RunOutcome.from_result(result)
    outcome.unchanged = unchanged
    return outcome


@main.command("dagster-home")
@click.option(
    "--postgres",
    is_flag=True,
    help="Keep runs and schedules in PostgreSQL (DAGSTER_PG_HOST, "
    "DAGSTER_PG_PORT, DAGSTER_PG_DB, DAGSTER_PG_USER, DAGSTER_PG_PASSWORD); see docs/scaling.md.",
)
def dagster_home(postgres: bool) -> None:
    """Write DAGSTER_HOME/dagster.yaml (telemetry and the newsletter dialog off, one run at a time); `make install`
    calls it."""
    from pipelines.dagster_home import POSTGRES_STORAGE, default_dagster_home, ensure_dagster_home

    config = ensure_dagster_home(default_dagster_home(), POSTGRES_STORAGE if postgres else "")
    click.echo(f"Dagster settings: {config}")


@main.command("report")
@click.option(
    "--pdf",
    is_flag=True,
    help="Also print the main pages (not each territory's and establishment's) to one A4 PDF in French, "
    "dated on every page: rapport.pdf inside VIVIER_REPORT_DIR. Uses Debian's Chromium (`make report-deps`).",
)
def report(pdf: bool) -> None:
    """Build the directors' report (a static site in French) from the warehouse.

    Runs every view of sql/ on the warehouse (read only; small counts are hidden there),
    writes the results to the report's own DuckDB file, then builds the Evidence site of
    reports/ into VIVIER_REPORT_DIR [reports/build]. Evidence's own output goes to
    DAGSTER_HOME/logs/report-build.log (replaced at each build), and is shown only when the
    build fails (the lines naming the error, and the last ones). Needs the pinned Node packages (`make report-deps`);
    downloads nothing. Exits with status 1 if a view or a page query fails, naming it. Open
    the result with a static file server, e.g. `make report-serve` or
    `python3 -m http.server -d reports/build 8000`, then http://127.0.0.1:8000.
    """
    from pipelines.report.build import build_report
    from pipelines.report.database import ViewError
    from pipelines.report.evidence import ReportBuildError
    from pipelines.report.pdf import PdfError
    from pipelines.warehouse import Warehouse

    settings = usable_settings()
    problem = warehouse_path_problem(settings.warehouse)
    if problem:
        raise click.ClickException(problem)
    if not settings.warehouse.exists():
        raise click.ClickException(
            f"No warehouse at {printable(str(settings.warehouse))}: run `vivier run` first, or set VIVIER_WAREHOUSE."
        )
    log_file = report_log_file()
    click.echo(
        f"Building the report from {printable(str(settings.warehouse))} into {printable(str(settings.report_dir))} "
        f"(a few minutes); Evidence's output goes to {printable(str(log_file))}"
    )
    try:
        built = build_report(
            Warehouse(path=str(settings.warehouse)),
            settings.report_dir,
            log_file=log_file,
            departement=settings.departement,
            pdf=pdf,
        )
    except (ViewError, ReportBuildError, PdfError) as error:
        raise click.ClickException(str(error)) from error
    site = built.site
    click.echo(
        f"Report built in {site.seconds:.0f} s: {site.pages} pages, {site.megabytes:.0f} MB in "
        f"{printable(str(site.out_dir))}.\n"
        f"Open it: python3 -m http.server -d {printable(str(site.out_dir))} 8000, then http://127.0.0.1:8000"
    )
    if built.pdf:
        click.echo(
            f"PDF printed in {built.pdf.seconds:.0f} s: {built.pdf.pages} A4 pages, {built.pdf.megabytes:.1f} MB, "
            f"{printable(str(built.pdf.path))}"
        )


def report_log_file() -> Path:
    """Gives the file `vivier report` writes Evidence's output to: DAGSTER_HOME/logs/report-build.log, with the
    history of the runs (.dagster_home by default, which git ignores), and never in the published site."""
    from pipelines.dagster_home import default_dagster_home

    return default_dagster_home() / "logs" / "report-build.log"


@main.command("model-card")
@click.option(
    "--warehouse",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="DuckDB file of a run [default: VIVIER_WAREHOUSE].",
)
@click.option(
    "--seeds",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="CSV of the planted-risk check over demo seeds, written by "
    "`python benchmarks/carers_model.py --seeds ...`; adds its table to the card.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Markdown file to write, e.g. docs/model-card.md (replaced if it exists).",
)
def model_card(warehouse: Path | None, seeds: Path | None, out: Path) -> None:
    """Write the model card of the foster-carer attrition model (Markdown).

    Renders what a run recorded for the current model (ml.model_registry,
    ml.model_metrics, ml.model_fairness): what it does and for whom, its
    data, test metrics against the baselines, the fairness audit, the
    factors and their measures, and its limits. Each `vivier run` already
    stores the card in ml.model_card and next to the model file; this
    command writes it where you choose, e.g. to refresh docs/model-card.md.
    """
    from pipelines.carers.card import model_card_from_warehouse

    warehouse = warehouse or usable_settings().warehouse
    if not warehouse.is_file():
        raise click.ClickException(
            f"No warehouse at {printable(str(warehouse))}: run `vivier run` first, or give --warehouse."
        )
    try:
        text = model_card_from_warehouse(warehouse, seeds)
    except ValueError as error:
        raise click.ClickException(printable(str(error))) from error
    out.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {printable(str(out))}")


from pipelines.carers.targets import targets  # noqa: E402

main.add_command(targets)


if __name__ == "__main__":
    main()
