"""The suites of `expectations/` as Dagster asset checks on their tables.

Per table, one step runs its suite once and gives one check, `expectations_are_met`:
blocking, and failing with severity ERROR when a blocking expectation fails (every asset
downstream of the table is then stopped, in the same run), with severity WARN when only
warnings fail (nothing is stopped: Dagster blocks on ERROR only). One check, not one per
severity: every check costs each run tens of milliseconds of CPU in Dagster's event log,
whatever it finds (docs/performance.md). Warnings that read staging tables the table is not loaded
after run in a step of their own (see `split`). Each run's outcomes are appended to
`quality.validation_results`."""

import dataclasses
import datetime as dt
import math

import dagster as dg

from pipelines.ingest.contract import EXTRACTS
from pipelines.markdown import markdown_table
from pipelines.quality import gx, messages
from pipelines.quality.results import append_results, previous_row_count, result_rows
from pipelines.quality.suites import BLOCKING, ROW_COUNT_TOLERANCE, WARNING, Suite, load_suites
from pipelines.tables import asset_key
from pipelines.warehouse import Warehouse

CHECK_NAME = "expectations_are_met"
OTHER_TABLES_CHECK = "expectations_on_other_tables_are_met"


def parameters(previous_rows: int | None) -> dict:
    """Gives the run-time values the suites refer to as GX parameters: the fewest rows a table
    may have without warning, against the last run."""
    return {"min_row_count": math.floor(previous_rows * ROW_COUNT_TOLERANCE) if previous_rows else 0}


def check_suite(suite: Suite, warehouse: Warehouse, run_id: str) -> list[gx.Outcome]:
    """Gives the outcome of each expectation of `suite` on its table, and appends them to the results."""
    values = parameters(previous_row_count(warehouse, suite, run_id))
    with warehouse.connect(read_only=True) as con:
        frame = con.execute(suite.batch_sql()).df()  # execute: a fifth less CPU than sql() for one read

    def name_rows(ids: list[int]) -> dict[int, str]:
        with warehouse.connect(read_only=True) as con:
            return dict(con.execute(suite.row_names_sql(), [ids]).fetchall())

    outcomes = gx.validate(suite, frame, values, name_rows)
    append_results(warehouse, result_rows(suite, outcomes, run_id, dt.datetime.now(dt.UTC), len(frame)))
    return outcomes


def check_result(suite: Suite, name: str, outcomes: list[gx.Outcome]) -> dg.AssetCheckResult:
    """Gives the Dagster result of a suite's check: ERROR when a blocking expectation failed, else
    WARN; the failed expectations (blocking first), their counts and a few rows."""
    failed = sorted((o for o in outcomes if not o.success), key=lambda o: o.expectation.severity != BLOCKING)
    blocking_failed = [o for o in failed if o.expectation.severity == BLOCKING]
    return dg.AssetCheckResult(
        asset_key=asset_key(suite.table),
        check_name=name,
        passed=not failed,
        severity=dg.AssetCheckSeverity.ERROR if blocking_failed else dg.AssetCheckSeverity.WARN,
        description=messages.describe(suite, failed),
        metadata={
            "expectations": len(outcomes),
            "failed": len(failed),
            "blocking_failed": len(blocking_failed),
            "failed_expectations": dg.MetadataValue.md(markdown_table(messages.failed_table(failed)))
            if failed
            else "none",
            "suite": suite.source,
        },
    )


def upstream_tables(table: str) -> set[str]:
    """Gives the staging tables a staging table is loaded after (the extracts it refers to,
    and theirs); for another table, none is known."""
    schema, name = table.split(".")
    if schema != "staging" or name not in EXTRACTS:
        return set()
    found = {f"staging.{r}" for r in EXTRACTS[name].references}
    return found.union(*(upstream_tables(t) for t in found))


def split(suite: Suite) -> tuple[Suite, Suite | None]:
    """Gives the suite's expectations that read only the table and what it is loaded after,
    and apart, the warnings that read other staging tables.

    A check step waits for every table it reads, and when one of them fails the step is
    skipped, and with it every asset downstream of the checked table: a warning about
    job postings must not stop the recruitment marts because the staff extract failed."""
    schema = suite.table.split(".")[0]
    if schema != "staging":
        return suite, None  # a mart is computed after the staging tables it reads
    allowed = upstream_tables(suite.table)
    apart = [e for e in suite.expectations if set(e.reads) - allowed]
    if not apart:
        return suite, None
    wrong = [e.name for e in apart if e.severity == BLOCKING]
    if wrong:
        raise ValueError(
            f"{suite.source}: blocking expectations may read only tables {suite.table} is loaded after, "
            f"not {', '.join(sorted({t for e in apart for t in e.reads} - allowed))}: {', '.join(wrong)}"
        )
    main = [e for e in suite.expectations if e not in apart]
    return dataclasses.replace(suite, expectations=main), dataclasses.replace(suite, expectations=apart)


def build_suite_checks(suite: Suite) -> list[dg.AssetChecksDefinition]:
    """Gives the Dagster checks of one suite: its expectations, and apart, its warnings that
    read other staging tables."""
    main, apart = split(suite)
    checks = [_suite_check(main, CHECK_NAME, "expectations")]
    if apart is not None:
        checks.append(_suite_check(apart, OTHER_TABLES_CHECK, "expectations_on_other_tables"))
    return checks


def _suite_check(suite: Suite, name: str, step: str) -> dg.AssetChecksDefinition:
    def listed(severity: str) -> str:
        return ", ".join(e.name for e in suite.expectations if e.severity == severity) or "none"

    spec = dg.AssetCheckSpec(
        name,
        asset=asset_key(suite.table),
        blocking=BLOCKING in suite.severities,
        additional_deps=[asset_key(t) for t in suite.reads],
        description=f"The expectations of {suite.source}. Blocking, failing with severity ERROR and stopping "
        f"the assets downstream: {listed(BLOCKING)}. Warnings, failing with severity WARN: {listed(WARNING)}.",
    )

    @dg.multi_asset_check(
        specs=[spec],
        name=f"{'__'.join(suite.asset_key)}__{step}",
        description=f"Great Expectations suite {suite.source} on {suite.table}.",
    )
    def suite_check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
        # The first check of a run imports Great Expectations (about 3 s of CPU); importing it in a
        # background thread from the start cost more than it saved on two cores (docs/performance.md).
        yield check_result(suite, name, check_suite(suite, warehouse, context.run.run_id))

    return suite_check


quality_checks = [check for suite in load_suites() for check in build_suite_checks(suite)]
