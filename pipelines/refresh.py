"""What a nightly refresh rebuilds, and why (issue 19).

Dagster decides, with its own versions (pipelines/versions.py): the landing sources are observed
(each extract's data version is the fingerprint of its files), and an asset is up to date when
its code version and its inputs' data versions are those of its last materialisation
(Dagster's stale status, the "Unsynced" of the UI). The refresh rebuilds:

- every asset Dagster finds missing or unsynced, with Dagster's reason ("landing/staff has a new
  data version", "has a new code version");
- every asset the published warehouse does not hold as Dagster last recorded it (a run that was
  interrupted recorded materialisations it never published; a warehouse deleted or restored);
- everything downstream of an asset rebuilt, and the reporting period whenever an event extract
  is rebuilt (it reads their dates without declaring them: see `pipelines/ingest/assets.py`);
- the other assets of a step that rebuilds one (a multi-asset step writes all its tables).

Every other asset is skipped, with its reason, shown in the UI as an observation of the asset.
`vivier run --full` rebuilds everything."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb

# Dagster's stale status, the one its UI shows, computed outside the webserver (not public API:
# Dagster is pinned in pyproject.toml; tests/operations/test_refresh.py breaks if it moves).
from dagster._core.asset_graph_view.asset_graph_view import AssetGraphView, TemporalContext
from dagster._core.definitions.data_version import CachingStaleStatusResolver, StaleStatus
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus
from dagster._time import get_current_datetime

from pipelines.ingest.assets import PERIOD, landing_observations
from pipelines.ingest.period import EVENT_DATES
from pipelines.settings import Settings
from pipelines.tables import asset_key
from pipelines.warehouse import VERSIONS_TABLE

# An observation of a skipped asset carries this metadata entry: the UI lists it under the asset's events.
SKIPPED = "refresh"


@dataclass
class Plan:
    """What a refresh rebuilds and what it skips, each asset with its reason (in the order of the graph)."""

    build: dict[dg.AssetKey, str] = field(default_factory=dict)
    skip: dict[dg.AssetKey, str] = field(default_factory=dict)
    # The assets rebuilt only because an asset they read (or share a step with) is.
    follows: set[dg.AssetKey] = field(default_factory=set)

    def summary(self, most: int = 12) -> list[str]:
        """Gives what a person reads before the run: the assets rebuilt for a reason of their own, then the rest."""
        own = [f"  {k.to_user_string()}: {r}" for k, r in self.build.items() if k not in self.follows]
        more = [f"  ... and {len(own) - most} more for a reason of their own"] if len(own) > most else []
        lines = own[:most] + more
        if self.follows:
            lines.append(f"  and {len(self.follows)} asset(s) downstream of them")
        return lines

    def lines(self) -> list[str]:
        """Gives one line per asset: rebuilt or skipped, and why."""
        return [f"rebuild {k.to_user_string()}: {r}" for k, r in self.build.items()] + [
            f"skip    {k.to_user_string()}: {r}" for k, r in self.skip.items()
        ]


def observe_landing(instance: dg.DagsterInstance, settings: Settings) -> None:
    """Records an observation of each landing source (its data version) in the instance, as "Observe
    sources" in the UI does."""
    for key, (version, metadata) in landing_observations(settings).items():
        instance.report_runless_asset_event(
            dg.AssetObservation(asset_key=key, metadata=metadata, tags={"dagster/data_version": version})
        )


def published_runs(warehouse: Path) -> dict[str, str]:
    """Gives, by asset, the run whose materialisation the published warehouse holds (none before issue 19)."""
    if not warehouse.is_file():
        return {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        present = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'quality' AND table_name = ?",
            [VERSIONS_TABLE.split(".")[1]],
        ).fetchall()[0][0]
        if not present:
            return {}
        return dict(con.execute(f"SELECT asset, run_id FROM {VERSIONS_TABLE}").fetchall())


def _resolver(instance: dg.DagsterInstance, graph) -> CachingStaleStatusResolver:
    view = AssetGraphView(
        temporal_context=TemporalContext(effective_dt=get_current_datetime(), last_event_id=None),
        instance=instance,
        asset_graph=graph,
    )
    return CachingStaleStatusResolver(instance, graph, view)


def plan_refresh(
    instance: dg.DagsterInstance,
    repository: dg.RepositoryDefinition,
    job_name: str,
    warehouse: Path,
    full: bool = False,
    force: dict[dg.AssetKey, str] | None = None,
) -> Plan:
    """Gives what a run of `job_name` rebuilds and skips (`repository`: `defs.get_repository_def()`, or a
    schedule's `context.repository_def`); `force`: assets to rebuild whatever changed, with the reason.
    Observe the landing sources first."""
    graph = repository.asset_graph
    in_job = set(repository.get_job(job_name).asset_layer.selected_asset_keys)
    order = [k for k in graph.toposorted_asset_keys if k in in_job]
    if full:
        return Plan(build={k: "a full refresh (--full) rebuilds everything" for k in order})
    resolver, held = _resolver(instance, graph), published_runs(warehouse)
    stopped = _failed_blocking_checks(instance, graph)
    reads = _reads(graph, order)
    # One query for every asset's last materialisation, read by each rule below.
    latest = instance.get_latest_materialization_events(order)
    build: dict[dg.AssetKey, str] = {}
    follows: set[dg.AssetKey] = set()
    for key in order:
        reason = (
            (force or {}).get(key)
            or stopped.get(key)
            or (_period_behind(latest, reads[PERIOD]) if key == PERIOD else None)
            or _own_reason(resolver, key, latest.get(key), held.get(key.to_user_string()))
        )
        if reason:
            build[key] = reason
    # Downstream, and whole steps, until nothing more is added.
    added = True
    while added:
        added = False
        for key in order:
            if key in build:
                continue
            upstream = [p for p in reads[key] if p in build]
            siblings = [s for s in graph.get(key).execution_set_asset_keys if s in build]
            if upstream:
                build[key] = f"{upstream[0].to_user_string()} is rebuilt"
            elif siblings:
                build[key] = f"written by the same step as {siblings[0].to_user_string()}"
            else:
                continue
            follows.add(key)
            added = True
    plan = Plan(build={k: build[k] for k in order if k in build}, follows=follows)
    for key in order:
        if key not in build:
            record = latest.get(key)
            plan.skip[key] = f"inputs and code unchanged since run {record.run_id[:8]}" if record else "unchanged"
    return plan


def _reads(graph, order: list[dg.AssetKey]) -> dict[dg.AssetKey, list[dg.AssetKey]]:
    """Gives, per asset, what its rebuild depends on: the assets it declares, the tables its checks also read
    (a check of staging/budgeted_posts reads staging/job_families: rebuilt with it, it is run again), and for
    the reporting period, the event extracts whose dates it reads without declaring them (see
    `pipelines/ingest/assets.py`: a declared dependency would stop it whenever one of them fails)."""
    checks: dict[dg.AssetKey, set[dg.AssetKey]] = {}
    for check in graph.asset_check_keys:
        checks.setdefault(check.asset_key, set()).update(
            k for k in graph.get(check).parent_entity_keys if isinstance(k, dg.AssetKey) and k != check.asset_key
        )
    reads = {key: sorted(set(graph.get(key).parent_keys) | checks.get(key, set()), key=str) for key in order}
    reads[PERIOD] = sorted({*reads[PERIOD], *(asset_key(f"staging.{name}") for name in EVENT_DATES)}, key=str)
    return reads


def _period_behind(latest: dict, events: list[dg.AssetKey]) -> str | None:
    """Gives why the reporting period must be rebuilt although Dagster finds it up to date, or None: an event
    extract was materialised after it (the period failed that night, or the extract was materialised alone
    from the UI), so the as-of date may not be theirs."""
    period = latest.get(PERIOD)
    for key in events:
        event = latest.get(key)
        if period is not None and event is not None and event.timestamp > period.timestamp:
            return f"{key.to_user_string()} was materialised after it (its dates set the as-of date)"
    return None


def _own_reason(resolver, key: dg.AssetKey, record, held_run: str | None) -> str | None:
    """Gives why an asset must be rebuilt whatever its upstream assets do, or None."""
    status = resolver.get_status(key)
    if status == StaleStatus.MISSING:
        return "never materialised"
    if status == StaleStatus.STALE:
        causes = resolver.get_stale_root_causes(key)
        said = (f"{c.asset_key.to_user_string() + ' ' if c.asset_key != key else ''}{c.reason}" for c in causes)
        return "; ".join(dict.fromkeys(said)) or "unsynced"
    if record is None or held_run != record.run_id:
        run = f"run {record.run_id[:8]}" if record else "its last materialisation"
        return f"the published warehouse does not hold {run} (interrupted before publishing, or replaced)"
    return None


def _failed_blocking_checks(instance: dg.DagsterInstance, graph) -> dict[dg.AssetKey, str]:
    """Gives the assets whose last check failed with severity ERROR, each with the check's name. Such a check
    stopped what is downstream; skipped tonight, it would not run, and what is downstream would be
    computed from the table it refused. Rebuilt, the asset is checked again and still stops them."""
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(list(graph.asset_check_keys))
    failed = {}
    for check, record in latest.items():
        evaluation = (
            record.event.dagster_event.event_specific_data if record.event and record.event.dagster_event else None
        )
        if (
            record.status == AssetCheckExecutionRecordStatus.FAILED
            and getattr(evaluation, "severity", None) == dg.AssetCheckSeverity.ERROR
        ):
            failed.setdefault(check.asset_key, f"its check {check.name} failed last time: checked again")
    return failed


def report_skipped(instance: dg.DagsterInstance, plan: Plan) -> None:
    """Records, for each skipped asset, an observation saying why: the UI lists it with the asset's events."""
    for key, reason in plan.skip.items():
        instance.report_runless_asset_event(
            dg.AssetObservation(asset_key=key, metadata={SKIPPED: f"skipped: {reason}"})
        )


def refresh_request(
    instance: dg.DagsterInstance, repository: dg.RepositoryDefinition, settings: Settings, **request
) -> dg.RunRequest | dg.SkipReason:
    """Gives the nightly schedule's (or the landing sensor's) request: a run of the assets to rebuild,
    or, when nothing changed, a skip that says so. Observes the landing sources and records why each
    other asset is skipped, as `vivier run` does."""
    observe_landing(instance, settings)
    plan = plan_refresh(instance, repository, "nightly_refresh", settings.warehouse)
    report_skipped(instance, plan)
    if not plan.build:
        return dg.SkipReason(f"Nothing changed: all {len(plan.skip)} assets are up to date.")
    tags = {"vivier/refresh": f"{len(plan.build)} rebuilt, {len(plan.skip)} unchanged"} | request.pop("tags", {})
    return dg.RunRequest(asset_selection=list(plan.build), tags=tags, **request)
