"""What a failed suite says: to the run summary (one line per failed expectation: the
extract, the expectation, how many rows, where, what to fix) and to the Dagster UI (a table)."""

from __future__ import annotations

import polars as pl

from pipelines.quality.gx import Outcome
from pipelines.quality.suites import WARNING, Suite

SHOWN_EXAMPLES = 3


def subject(suite: Suite) -> str:
    """Gives what the person fixing it knows the table as: its extract, or the table."""
    schema, name = suite.table.split(".")
    return f"{name} extract" if schema == "staging" else suite.table


def found(outcome: Outcome) -> str:
    """Gives what an expectation found: the rows at fault and a few of them, or what it saw."""
    if outcome.error:
        return f"could not be checked ({outcome.error})"
    if outcome.unexpected_count is None:
        return f"found {outcome.observed}" + (f", expected {outcome.expected}" if outcome.expected else "")
    text = f"{outcome.unexpected_count} row(s)"
    if outcome.examples:
        text += ", e.g. " + "; ".join(outcome.examples[:SHOWN_EXAMPLES])
    return text


def describe(suite: Suite, failed: list[Outcome]) -> str | None:
    """Gives the check's description: per failed expectation, what was found and the fix; when
    blocking expectations failed too, the warnings among them say so."""
    if not failed:
        return None
    mixed = len({o.expectation.severity for o in failed}) > 1
    return f"{subject(suite)}: " + " | ".join(
        f"{o.expectation.name} failed{' (a warning)' if mixed and o.expectation.severity == WARNING else ''}: "
        f"{found(o)}. Fix: {o.expectation.fix}"
        for o in failed
    )


def failed_table(failed: list[Outcome]) -> pl.DataFrame:
    """Gives the failed expectations as a table, for the check's metadata (shown as Markdown)."""
    return pl.DataFrame(
        {
            "expectation": [o.expectation.name for o in failed],
            "severity": [o.expectation.severity for o in failed],
            "found": [found(o) for o in failed],
            "fix": [o.expectation.fix for o in failed],
        },
        schema=dict.fromkeys(("expectation", "severity", "found", "fix"), pl.String),
    )
