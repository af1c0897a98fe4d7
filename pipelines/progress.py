"""Progress of a run for the terminal: a line per asset as it starts and ends,
and what failed, read from Dagster's own events."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field

import click
import dagster as dg
from dagster._core.definitions.dependency import NodeHandle
from dagster._utils.error import SerializableErrorInfo

from pipelines.quality.messages import technical_part
from pipelines.text import printable
from pipelines.warehouse import GOT_LOCK, WAITING_FOR_LOCK

PROGRESS_LOGGER = "vivier_progress"
# Dagster logs a step it skips (because an upstream step failed) as a plain message.
SKIPPED = re.compile(r"Dependencies for step (\S+) (?:were not executed|failed)")
# Errors Dagster wraps around the one that says what went wrong ("Error occurred while executing op").
WRAPPERS = (
    "DagsterExecutionStepExecutionError",
    "DagsterResourceFunctionError",
    "DagsterUserCodeExecutionError",
    "DagsterExecutionInterruptedError",
    "DagsterUserCodeProcessError",
)
# Errors whose message is a sentence for the user: their class name is left out.
USER_ERRORS = ("ValueError", "WarehousePathError", "ExtractFileError", "Failure")


def asset_name(step_key: str | None) -> str:
    """Gives the asset path ("raw/staff") of a step key ("raw__staff")."""
    return (step_key or "").replace("__", "/")


class _ProgressHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.started: dict[str, float] = {}
        self.done = 0

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None:
            message = record.getMessage().split(" - ")[-1]
            skipped = SKIPPED.search(message)
            if skipped:
                self.done += 1
                click.echo(
                    f"  [{self.done:>3}] skip {printable(asset_name(skipped.group(1))):<40} (an upstream asset failed)"
                )
            elif record.levelno >= logging.WARNING:
                click.echo(f"    ! {printable(message)}", err=True)
            elif meta.get("orig_message", message).startswith((WAITING_FOR_LOCK, GOT_LOCK)):
                # Before any step: the run waits for the warehouse's writer lock.
                click.echo(f"  {printable(meta.get('orig_message', message))}")
            return
        name, kind = asset_name(event.step_key), event.event_type_value
        if kind == "STEP_START":
            self.started[name] = time.monotonic()
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE"):
            self.done += 1
            seconds = time.monotonic() - self.started.get(name, time.monotonic())
            mark = "ok  " if kind == "STEP_SUCCESS" else "FAIL"
            click.echo(f"  [{self.done:>3}] {mark} {name:<40} {seconds:6.1f} s")


@dg.logger(description="One line per asset on the terminal, for `vivier run`.")
def progress_logger(init_context) -> logging.Logger:
    # Step events are logged at DEBUG level; the handler keeps only those and warnings.
    logger = logging.Logger(PROGRESS_LOGGER, level=logging.DEBUG)
    logger.addHandler(_ProgressHandler())
    return logger


@dataclass
class RunOutcome:
    """What a run did: whether it succeeded, each failure's message (failed blocking checks
    included), what was skipped, and the checks that failed as warnings."""

    success: bool
    failures: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Assets the refresh left alone because nothing they read changed, with the reason (pipelines/refresh.py).
    unchanged: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_result(cls, result) -> RunOutcome:
        failures, started, warnings = {}, set(), []
        for event in result.all_events:
            if event.event_type_value in ("RESOURCE_INIT_FAILURE", "RUN_FAILURE") and not failures:
                # The run failed before any step, e.g. the warehouse could not be opened.
                error = getattr(event.event_specific_data, "error", None)
                if error is not None:
                    failures["run"] = reason(error)
            if event.is_step_start:
                started.add(event.step_key)
            if event.event_type_value == "ASSET_CHECK_EVALUATION":
                check = event.event_specific_data
                if check.passed:
                    continue
                where = f"{'/'.join(check.asset_key.path)}: {check.check_name}"
                # The terminal takes the technical part: the analyst's sentence is for the UI.
                text = technical_part(check.description) if check.description else "failed"
                if check.blocking and check.severity == dg.AssetCheckSeverity.ERROR:
                    failures[where] = text
                else:
                    warnings.append(f"{where}: {text}")
            if event.is_step_failure:
                data = event.step_failure_data
                user = data.user_failure_data
                # A failed blocking check fails its step with a generic error: its own message is kept instead.
                if data.error and data.error.cls_name == "DagsterAssetCheckFailedError":
                    continue
                failures[asset_name(event.step_key)] = user.description if user else reason(data.error)
        steps = [node.name for node in result.job_def.nodes_in_topological_order]
        skipped = [name for s in steps if s not in started for name in assets_of_step(result.job_def, s)]
        return cls(result.success, failures, skipped, warnings)


def reason(error: SerializableErrorInfo) -> str:
    """Gives the message of the error that says what went wrong, not Dagster's wrapper around it
    ("Error occurred while executing op ..."): a ValueError's own sentence, else the error's class and message."""
    while error.cls_name in WRAPPERS and error.cause is not None:
        error = error.cause
    message = error.message.strip()
    # The message starts with the class, as Python prints it: "pipelines.warehouse.WarehousePathError: ...".
    if error.cls_name in USER_ERRORS and ": " in message:
        message = message.split(": ", 1)[1]
    return message


def assets_of_step(job_def: dg.JobDefinition, step: str) -> list[str]:
    """Gives the assets ("marts/turnover_12m") a step materialises: one for most steps, several for
    a multi-asset such as `contract_marts`; the step's own name when it has none."""
    keys = job_def.asset_layer.get_selected_entity_keys_for_node(NodeHandle(step, None))
    return sorted("/".join(k.path) for k in keys if isinstance(k, dg.AssetKey)) or [asset_name(step)]
