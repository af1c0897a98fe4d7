"""The run tag that marks a run whose checks warned: Dagster's runs list shows a run that succeeded
with warnings like a clean one unless the run says so itself (issue 18)."""

from __future__ import annotations

import dagster as dg

WARNINGS_TAG = "vivier/warnings"


def tag_warnings(instance: dg.DagsterInstance, run_id: str, results: list[dg.AssetCheckResult]) -> None:
    """Adds the checks of `results` that warned to the run's `vivier/warnings` tag (a count), which the
    runs list shows. Every check that can warn calls it: the quality suites, the event dates, the DSN
    months, the attrition model against its baselines."""
    warned = sum(1 for r in results if not r.passed and r.severity == dg.AssetCheckSeverity.WARN)
    if not warned:
        return
    run = instance.get_run_by_id(run_id)
    # The run's steps are executed one at a time (in_process_executor): the count is read, then written.
    before = int((run.tags if run else {}).get(WARNINGS_TAG, "0"))
    instance.add_run_tags(run_id, {WARNINGS_TAG: str(before + warned)})
