"""What a suite's checks say. In the Dagster UI, to the HR analyst: a sentence of what failed and
what to do, with the technical names below it, and a table of the failed expectations. To the
run summary (the technical part): one line per failed expectation, the extract, the
expectation, how many rows, where, what to fix."""

from __future__ import annotations

import polars as pl

from pipelines.quality.gx import Outcome
from pipelines.quality.suites import BLOCKING, WARNING, Suite

SHOWN_EXAMPLES = 3


# Between the analyst's sentence and the technical names, in a check's description.
TECHNICAL = "\n\n"


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


def the_table(suite: Suite) -> str:
    """Gives the table as an analyst names it in a sentence: "the staff extract", "the table marts.turnover_12m"."""
    schema = suite.table.split(".")[0]
    return f"the {subject(suite)}" if schema == "staging" else f"the table {suite.table}"


def check_description(suite: Suite, severity: str) -> str:
    """Gives what a check of `suite` is, for the check's page: what a failure means and what to do in one
    sentence, then the suite and its expectations of that severity."""
    names = ", ".join(e.name for e in suite.expectations if e.severity == severity) or "none"
    if severity == BLOCKING:
        sentence = (
            f"Rules {the_table(suite)} must meet for the figures computed from it to be right: when one fails, "
            "those figures are not updated in the run (they stay as the last run left them), so do what the "
            "failed rule's fix says and run again."
        )
        technical = f"Blocking check (severity ERROR, stops the assets downstream), {suite.source}: {names}."
    else:
        sentence = (
            f"Warnings on {the_table(suite)}, values that look wrong: when one fails, nothing is stopped and every "
            "figure is computed, so do what the failed rule's fix says before the next run."
        )
        technical = f"Warning check (severity WARN, stops nothing), {suite.source}: {names}."
    return f"{sentence}{TECHNICAL}{technical}"


def summary_sentence(suite: Suite, failed: list[Outcome]) -> str:
    """Gives, in an analyst's words, what failed and what to do: "Warning, nothing stopped: in the staff
    extract, 3 rows break 2 rules (codes are known; numbers are within bounds). What to do: ..."."""
    rows = sum(o.unexpected_count or 0 for o in failed)
    rules = f"{len(failed)} rule{'s' if len(failed) > 1 else ''}"
    broken = (
        f"{rows} row{'s' if rows > 1 else ''} break{'' if rows > 1 else 's'} {rules}" if rows else f"it breaks {rules}"
    )
    named = "; ".join(o.expectation.name.replace("_", " ") for o in failed)
    if any(o.expectation.severity == BLOCKING for o in failed):
        lead, after = "Blocking", "; the figures computed from it are not updated in this run"
    else:
        lead, after = "Warning, nothing stopped", ""
    todo = failed[0].expectation.fix if len({o.expectation.fix for o in failed}) == 1 else "see each rule's fix below."
    return f"{lead}: in {the_table(suite)}, {broken} ({named}){after}. What to do: {todo}"


def describe(suite: Suite, failed: list[Outcome]) -> str | None:
    """Gives a failed check's description: the analyst's sentence, then per failed expectation what was
    found and the fix (when blocking expectations failed too, the warnings among them say so)."""
    if not failed:
        return None
    mixed = len({o.expectation.severity for o in failed}) > 1
    technical = f"{subject(suite)}: " + " | ".join(
        f"{o.expectation.name} failed{' (a warning)' if mixed and o.expectation.severity == WARNING else ''}: "
        f"{found(o)}. Fix: {o.expectation.fix}"
        for o in failed
    )
    return f"{summary_sentence(suite, failed)}{TECHNICAL}{technical}"


def technical_part(description: str) -> str:
    """Gives the technical names of a check's description, for the terminal: what failed, where, the fix."""
    return description.split(TECHNICAL, 1)[-1]


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
