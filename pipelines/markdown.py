"""Small tables as Markdown: the one writer for asset metadata in the Dagster UI and for the
model card. Pure: no Dagster here.

A cell's text is data (an establishment's name, a reason typed in an extract), never markup:
the characters Markdown or HTML would act on are escaped, and a line break is a space, so a
name cannot break the table, draw a link or inject a tag."""

from __future__ import annotations

import re

import polars as pl

# Backslash first, so the escapes added after it are not doubled.
_MARKUP = re.compile(r"([\\`*_\[\]<>|#])")


def markdown_cell(value: object, digits: int = 3) -> str:
    """Gives one cell's text: floats with `digits` decimals (tiny ones in scientific notation so
    they do not read as 0), nothing as '-', text escaped."""
    if value is None:
        return "-"
    if isinstance(value, float):
        if value != 0 and abs(value) < 10**-digits:
            return f"{value:.{digits}g}"
        return f"{value:.{digits}f}"
    text = " ".join(str(value).splitlines())
    return _MARKUP.sub(r"\\\1", text)


def markdown_table(frame: pl.DataFrame, digits: int = 3) -> str:
    """Gives a small frame as a Markdown table, floats rounded to `digits` decimals."""
    head = "| " + " | ".join(frame.columns) + " |\n|" + "---|" * frame.width + "\n"
    rows = ("| " + " | ".join(markdown_cell(v, digits) for v in row) + " |\n" for row in frame.iter_rows())
    return head + "".join(rows)


def percent(share: float | None, digits: int = 1) -> float | None:
    """Gives a share (0.175) as the percentage an HR analyst reads (17.5), None kept."""
    return None if share is None else round(100 * float(share), digits)


def percent_columns(frame: pl.DataFrame, *shares: str, digits: int = 1) -> pl.DataFrame:
    """Gives `frame` with each column of `shares` as a percentage, renamed `<name> (%)`."""
    return frame.with_columns(
        (pl.col(s) * 100).round(digits, mode="half_away_from_zero").alias(f"{s} (%)") for s in shares
    ).select(*(f"{c} (%)" if c in shares else c for c in frame.columns))


class Markdown(str):
    """Text the Dagster UI renders as Markdown (a code block to copy), not as plain text."""


def sql_block(sql: str) -> Markdown:
    """Gives a query as a Markdown code block, to copy into a DuckDB session."""
    return Markdown(f"```sql\n{sql.strip()}\n```")
