"""What an HR analyst sees next to the workforce assets in the Dagster UI: the latest vacancy and
turnover, and the establishments where they are highest. Pure Polars, no Dagster."""

from __future__ import annotations

import polars as pl

from pipelines.workforce.metrics import ratio


def vacancy_by_establishment(workforce_monthly: pl.LazyFrame, month) -> pl.LazyFrame:
    """Gives per establishment in `month`: budgeted and vacant fte and vacancy rate (vacant / budgeted)."""
    return (
        workforce_monthly.filter(pl.col("month") == month)
        .group_by("establishment_id")
        .agg(pl.col("budgeted_fte", "vacant_fte", "headcount").sum())
        .with_columns(vacancy_rate=ratio(pl.col("vacant_fte"), pl.col("budgeted_fte")))
    )


def organisation_vacancy_rate(workforce_monthly: pl.LazyFrame, month) -> float | None:
    """Gives the whole organisation's vacancy rate in `month`: vacant fte over budgeted fte."""
    total = (
        workforce_monthly.filter(pl.col("month") == month)
        .select(rate=ratio(pl.col("vacant_fte").sum(), pl.col("budgeted_fte").sum()))
        .collect()
    )
    return total.item() if total.height else None


def top_establishments(
    table: pl.LazyFrame, establishments: pl.LazyFrame, by: str, columns: list[str], n: int = 5
) -> pl.DataFrame:
    """Gives the `n` establishments with the highest `by`, named, with `columns`."""
    return (
        table.filter(pl.col(by).is_not_null())
        .join(establishments.select("establishment_id", "name"), on="establishment_id", how="left")
        .sort([by, "establishment_id"], descending=[True, False])
        .head(n)
        .select("establishment_id", "name", *columns)
        .collect()
    )


def markdown(table: pl.DataFrame, digits: int = 3) -> str:
    """Gives a small table as Markdown, rates rounded."""
    def cell(value) -> str:
        return f"{value:.{digits}f}" if isinstance(value, float) else ("" if value is None else str(value))

    header = "| " + " | ".join(table.columns) + " |\n|" + "---|" * table.width + "\n"
    return header + "".join("| " + " | ".join(cell(v) for v in row) + " |\n" for row in table.iter_rows())
