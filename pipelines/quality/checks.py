"""The suites of `expectations/` as Dagster asset checks on their tables.

Per table, one step runs its suite once (one Great Expectations validation) and gives two
checks, one per severity, so that the UI never shows a warning as a blocking failure:

- `expectations_are_met`, blocking: its expectations keep downstream numbers right (keys,
  required fields, references); when one fails, the check fails with severity ERROR and every
  asset downstream of the table is stopped, in the same run.
- `warning_expectations_are_met`, not blocking: when only warnings fail, it fails with severity
  WARN, nothing is stopped, and the run is tagged `vivier/warnings` (the count of checks that
  warned) so that the runs list shows it.

Dagster shows "This is a blocking asset check" from the check's definition, whatever a
result's severity: one blocking check per suite showed warnings as a blocking "Failed". The
second check costs each run about 65 ms of CPU in Dagster's event log (docs/performance.md).
Warnings that read staging tables the table is not loaded after run in a step of their own
(see `split`). Each run's outcomes are appended to `quality.validation_results`."""

import dataclasses
import datetime as dt
import math

import dagster as dg

from pipelines.ingest.contract import EXTRACTS
from pipelines.markdown import markdown_table
from pipelines.quality import gx, messages
from pipelines.quality.results import append_results, previous_row_count, result_rows
from pipelines.quality.suites import BLOCKING, ROW_COUNT_TOLERANCE, WARNING, Suite, load_suites
from pipelines.run_tags import tag_warnings
from pipelines.tables import asset_key
from pipelines.warehouse import Warehouse

CHECK_NAME = "expectations_are_met"
WARNINGS_CHECK = "warning_expectations_are_met"
OTHER_TABLES_CHECK = "expectations_on_other_tables_are_met"
# The run tag that marks a run in which checks warned: its value is how many.


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
    """Gives the Dagster result of one severity's check of a suite: ERROR when one of its blocking
    expectations failed, WARN when one of its warnings did; a sentence for the analyst above the
    failed expectations, and their counts and a few rows in the metadata."""
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
            "failed_expectations": dg.MetadataValue.md(markdown_table(messages.failed_table(failed)))
            if failed
            else "none",
            "suite": suite.source,
        },
    )


def check_results(suite: Suite, names: dict[str, str], outcomes: list[gx.Outcome]) -> list[dg.AssetCheckResult]:
    """Gives one result per severity of the suite, each of the check `names[severity]`, from the
    outcomes of one validation of the whole suite."""
    return [
        check_result(suite, names[severity], [o for o in outcomes if o.expectation.severity == severity])
        for severity in suite.severities
    ]


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
    """Gives the Dagster checks of one suite: a step with its blocking and its warning check, and
    apart, a step for its warnings that read other staging tables."""
    main, apart = split(suite)
    checks = [_suite_check(main, "expectations", {BLOCKING: CHECK_NAME, WARNING: WARNINGS_CHECK})]
    if apart is not None:
        checks.append(_suite_check(apart, "expectations_on_other_tables", {WARNING: OTHER_TABLES_CHECK}))
    return checks


def _suite_check(suite: Suite, step: str, names: dict[str, str]) -> dg.AssetChecksDefinition:
    specs = [
        dg.AssetCheckSpec(
            names[severity],
            asset=asset_key(suite.table),
            blocking=severity == BLOCKING,
            additional_deps=[asset_key(t) for t in suite.reads],
            description=messages.check_description(suite, severity),
        )
        for severity in suite.severities
    ]

    @dg.multi_asset_check(
        specs=specs,
        name=f"{'__'.join(suite.asset_key)}__{step}",
        description=f"Great Expectations suite {suite.source} on {suite.table}, validated once for its checks.",
    )
    def suite_check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
        # The first check of a run imports Great Expectations (about 3 s of CPU); importing it in a
        # background thread from the start cost more than it saved on two cores (docs/performance.md).
        results = check_results(suite, names, check_suite(suite, warehouse, context.run.run_id))
        tag_warnings(context.instance, context.run.run_id, results)
        yield from results

    return suite_check


quality_checks = [check for suite in load_suites() for check in build_suite_checks(suite)]
