"""What an HR analyst sees next to the workforce assets in the Dagster UI: the latest vacancy and
turnover, and the establishments where they are highest. Pure Polars, no Dagster."""

from __future__ import annotations

import polars as pl

from pipelines.months import Period, ratio

# Below these sizes a rate says more about chance than about the establishment.
TOP_MIN_BUDGETED_FTE = 5.0
TOP_MIN_AVG_HEADCOUNT = 10.0


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


def describe_workforce_monthly(table: pl.DataFrame, establishments: pl.LazyFrame, period: Period) -> dict:
    """Gives the as-of month's vacancy (organisation and fte totals) and the establishments where it
    is highest, among those budgeted TOP_MIN_BUDGETED_FTE or more."""
    latest = period.as_of.replace(day=1)
    by_establishment = vacancy_by_establishment(table.lazy(), latest).filter(
        pl.col("budgeted_fte") >= TOP_MIN_BUDGETED_FTE
    )
    top = top_establishments(
        by_establishment, establishments, "vacancy_rate", ["budgeted_fte", "vacant_fte", "vacancy_rate"]
    )
    as_of_month = table.filter(pl.col("month") == latest)
    return {
        "months": table["month"].n_unique(),
        "as_of_month": str(latest),
        "vacancy_rate": organisation_vacancy_rate(table.lazy(), latest),
        "vacant_fte": float(as_of_month["vacant_fte"].sum()),
        "budgeted_fte": float(as_of_month["budgeted_fte"].sum()),
        "fte": float(as_of_month["fte"].sum()),
        "highest_vacancy": (f"{latest:%m/%Y}, establishments budgeted {TOP_MIN_BUDGETED_FTE:g} fte or more", top),
    }


def describe_turnover(table: pl.DataFrame, period: Period) -> dict:
    """Gives the organisation's latest 12-month rates (scope ALL)."""
    latest = period.as_of.replace(day=1)
    org = table.filter((pl.col("scope") == "ALL") & (pl.col("month") == latest))
    row = org.row(0, named=True) if org.height else {}
    rates = ("turnover_rate", "voluntary_turnover_rate", "rotation_rate", "headcount")
    return {"as_of_month": str(latest), **{name: _float(row.get(name)) for name in rates}}


def describe_turnover_12m(table: pl.DataFrame, establishments: pl.LazyFrame, period: Period) -> dict:
    """Gives `describe_turnover` and the establishments where turnover is highest, among those with an
    average headcount of TOP_MIN_AVG_HEADCOUNT or more."""
    latest = table.lazy().filter(
        (pl.col("scope") == "ESTABLISHMENT")
        & (pl.col("month") == period.as_of.replace(day=1))
        & (pl.col("avg_headcount") >= TOP_MIN_AVG_HEADCOUNT)
    )
    columns = ["avg_headcount", "exits_12m", "turnover_rate", "voluntary_turnover_rate"]
    top = top_establishments(latest.rename({"scope_id": "establishment_id"}), establishments, "turnover_rate", columns)
    caption = (
        f"{period.as_of:%m/%Y}, 12 months, establishments with an average headcount of {TOP_MIN_AVG_HEADCOUNT:g} "
        "or more"
    )
    return {**describe_turnover(table, period), "highest_turnover": (caption, top)}


def describe_exits_by_reason(table: pl.DataFrame) -> dict:
    """Gives the exits and their count by reason, most frequent first."""
    reasons = table.group_by("exit_reason").agg(pl.col("exits").sum()).sort("exits", descending=True)
    return {"exits": int(table["exits"].sum()), "by_reason": reasons}


def describe_early_attrition(table: pl.DataFrame) -> dict:
    """Gives the share of hires who left within 12 months, over the cohorts observed that long."""
    observed = table.filter(pl.col("observed_12m"))
    hires = observed["hires"].sum()
    return {"attrition_rate_12m": observed["left_within_12m"].sum() / hires if hires else None}


def _float(value) -> float | None:
    return None if value is None else float(value)
