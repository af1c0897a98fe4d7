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
