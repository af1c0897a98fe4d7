"""The bridge to Great Expectations 1.x: a suite of `pipelines.quality.suites` checked on
a pandas frame of a table's rows, one outcome per expectation.

dagster-ge supports only GX < 1.0, hence this small bridge. Great Expectations is
imported on first use only (it takes seconds, pandas too), with analytics off. It needs
no network: the context is ephemeral (no project, nothing written to disk), the data is
a frame in memory, and GX 1.24 sends no usage statistics and checks no version online
(tests/quality/test_gx.py runs every suite with sockets refusing to connect).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from pipelines.quality.suites import Expectation, Suite

if TYPE_CHECKING:
    import pandas as pd

EXAMPLES = 5
ROW = "_row"


@dataclass(frozen=True)
class Outcome:
    """What one expectation found: passed or not, how many rows broke it, and a few of them."""

    expectation: Expectation
    success: bool
    unexpected_count: int | None  # None for expectations on the whole table (row count...)
    observed: str | None = None  # what a table-level expectation saw ("412")
    expected: str | None = None  # the bounds it was held to ("at least 800")
    examples: tuple[str, ...] = ()  # "staff.csv row 12: 1.5"; values of private columns left out
    error: str | None = None  # GX could not evaluate it (a wrong column name, say)


@cache
def _context():
    """Gives the ephemeral GX context, made once per process."""
    os.environ["GX_ANALYTICS_ENABLED"] = "false"  # read by GX at import; no usage statistics are sent
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.enable_analytics(False)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    return context


def validate(
    suite: Suite,
    frame: pd.DataFrame,
    parameters: dict[str, Any],
    name_rows: Callable[[list[int]], dict[int, str]] | None = None,
) -> list[Outcome]:
    """Gives the outcome of each expectation of `suite` on `frame` (the rows of `suite.batch_sql()`);
    `name_rows` gives the names of rows by their ids, for the examples of failed expectations."""
    context = _context()
    # Row ids travel as the frame's index: GX then lists those of failing rows at no cost.
    if ROW in frame.columns:
        frame = frame.set_index(ROW).rename_axis(None)  # an unnamed index: GX lists its labels as they are
    batch = _batch_definition(context).get_batch(batch_parameters={"dataframe": frame})
    try:
        # Every expectation once with counts and observed values (BASIC), then only those that found
        # rows at fault again for the rows' ids (SUMMARY): listing them costs a third more per
        # expectation, and a run has hundreds that pass.
        results = _results(batch, suite, suite.expectations, parameters, "BASIC")
        failed = [e for e in suite.expectations if (results[e.name].result or {}).get("unexpected_count")]
        if failed:
            results |= _results(batch, suite, failed, parameters, "SUMMARY")
    finally:
        del batch
        _forget_batches(context)
    rows = sorted({r for e in failed for r in results[e.name].result.get("partial_unexpected_index_list") or []})
    names = name_rows(rows) if name_rows and rows else {}
    return [_outcome(suite, e, results[e.name], names) for e in suite.expectations]


def _results(batch, suite: Suite, expectations, parameters: dict[str, Any], result_format: str) -> dict:
    """Gives GX's result of each of `expectations` on the batch, by name."""
    import great_expectations as gx
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    gx_suite = gx.ExpectationSuite(
        name=suite.name,
        expectations=[
            ExpectationConfiguration(type=e.type, kwargs=_gx_values(e.kwargs), meta={"name": e.name}).to_domain_obj()
            for e in expectations
        ],
    )
    found = batch.validate(
        gx_suite,
        expectation_parameters=_gx_values(parameters),
        result_format={"result_format": result_format, "partial_unexpected_count": EXAMPLES},
    )
    return {r.expectation_config.meta["name"]: r for r in found.results}


@cache
def _batch_definition(context):
    # Adding a data source or an asset rewrites the context's whole configuration (~20 ms):
    # once per process, one asset for every suite's rows.
    asset = context.data_sources.add_pandas("vivier").add_dataframe_asset("rows")
    return asset.add_batch_definition_whole_dataframe("rows")


def _forget_batches(context) -> None:
    """Drops the frame GX keeps after a validation, with the metrics it computed on it.

    GX's pandas engine caches the last batch and its metrics (whole columns among them) until the
    next validation replaces them: after the national applications suite, 0.6 GB of pandas stayed
    resident through the steps that followed. Private attributes of GX 1.x, which is pinned;
    tests/quality/test_gx.py fails if they move."""
    engine = context.data_sources.get("vivier").get_execution_engine()
    engine.batch_manager.reset_batch_cache()
    engine.batch_manager._batch_data_cache.clear()
    engine._metric_cache.clear()


def _gx_values(values):
    """Gives arguments with dates as timestamps, which GX compares with pandas date columns."""
    import pandas as pd

    if isinstance(values, dict):
        return {k: _gx_values(v) for k, v in values.items()}
    if isinstance(values, list | tuple):
        return type(values)(_gx_values(v) for v in values)
    if isinstance(values, dt.date):
        return pd.Timestamp(values)
    return values


def _outcome(suite: Suite, expectation: Expectation, result, names: dict) -> Outcome:
    info = result.exception_info or {}
    if info.get("raised_exception"):
        return Outcome(expectation, False, None, error=str(info.get("exception_message")).splitlines()[0])
    found = result.result or {}
    observed = found.get("observed_value")
    values = found.get("partial_unexpected_list") or []
    rows = [names.get(r, r) for r in found.get("partial_unexpected_index_list") or []]
    columns = expectation.column_names
    private = any(suite.is_private(c) for c in columns)
    if "column_A" in expectation.kwargs:  # a pair: name both values
        values = [f"{columns[0]} {_show(a)}, {columns[1]} {_show(b)}" for a, b in values]
    examples = tuple(str(row) if private else f"{row}: {_show(value)}" for row, value in zip(rows, values, strict=True))
    return Outcome(
        expectation,
        bool(result.success),
        found.get("unexpected_count"),
        observed=None if observed is None else _show(observed),
        expected=_bounds(result.expectation_config.kwargs),
        examples=examples,
    )


def _bounds(kwargs) -> str | None:
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    if low is None and high is None:
        return None
    if high is None:
        return f"at least {_show(low)}"
    return f"at most {_show(high)}" if low is None else f"between {_show(low)} and {_show(high)}"


def _show(value) -> str:
    import numpy as np
    import pandas as pd

    if isinstance(value, tuple | list):
        return " / ".join(_show(v) for v in value)
    if isinstance(value, pd.Timestamp | np.datetime64):
        value = pd.Timestamp(value)
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
