"""What an HR analyst sees next to the workforce assets in the Dagster UI: the latest vacancy and
turnover as percentages, and every establishment's, worst first. Pure Polars, no Dagster.

The establishment table shows the first SHOWN_ESTABLISHMENTS rows; the whole list is one query
away, its SQL given beside it to run on the published warehouse."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.markdown import Markdown, markdown_table, percent, percent_columns, sql_block
from pipelines.months import Period, ratio

SHOWN_ESTABLISHMENTS = 30
# What "worst" means on each mart's establishment table: the highest rate first.
WORST_VACANCY, WORST_TURNOVER = "vacancy_rate", "turnover_rate"


def vacancy_by_establishment(workforce_monthly: pl.LazyFrame, month) -> pl.LazyFrame:
    """Gives per establishment in `month`: budgeted and vacant fte and vacancy rate (vacant / budgeted)."""
    return (
        workforce_monthly.filter(pl.col("month") == month)
        .group_by("establishment_id")
        .agg(pl.col("budgeted_fte", "vacant_fte").sum())
        .with_columns(vacancy_rate=ratio(pl.col("vacant_fte"), pl.col("budgeted_fte")))
    )


def turnover_by_establishment(turnover_12m: pl.LazyFrame, month) -> pl.LazyFrame:
    """Gives per establishment in `month`: month-end head count (distinct people), exits and turnover
    rate over the 12 months to it."""
    return turnover_12m.filter((pl.col("scope") == "ESTABLISHMENT") & (pl.col("month") == month)).select(
        establishment_id="scope_id", headcount="headcount", exits_12m="exits_12m", turnover_rate="turnover_rate"
    )


def organisation_vacancy_rate(workforce_monthly: pl.LazyFrame, month) -> float | None:
    """Gives the whole organisation's vacancy rate in `month`: vacant fte over budgeted fte."""
    total = (
        workforce_monthly.filter(pl.col("month") == month)
        .select(rate=ratio(pl.col("vacant_fte").sum(), pl.col("budgeted_fte").sum()))
        .collect()
    )
    return total.item() if total.height else None


def establishments_latest(
    workforce_monthly: pl.LazyFrame | None,
    turnover_12m: pl.LazyFrame | None,
    establishments: pl.LazyFrame,
    month: dt.date,
    worst: str,
) -> pl.DataFrame:
    """Gives every establishment with figures in `month`, named: head count, budgeted and vacant
    fte, vacancy rate, exits and turnover rate over 12 months (rates as percentages), the highest
    `worst` rate first. The figures of a mart not given are left out."""
    parts = [
        part
        for part in (
            turnover_by_establishment(turnover_12m, month) if turnover_12m is not None else None,
            vacancy_by_establishment(workforce_monthly, month) if workforce_monthly is not None else None,
        )
        if part is not None
    ]
    table = parts[0]
    for part in parts[1:]:
        table = table.join(part, on="establishment_id", how="full", coalesce=True)
    columns = ["headcount", "budgeted_fte", "vacant_fte", "vacancy_rate", "exits_12m", "turnover_rate"]
    table = (
        table.join(establishments.select("establishment_id", "name"), on="establishment_id", how="left")
        .sort([worst, "establishment_id"], descending=[True, False], nulls_last=True)
        .select("establishment_id", "name", *(c for c in columns if c in table.collect_schema()))
        .collect()
    )
    return percent_columns(table, *(c for c in ("vacancy_rate", "turnover_rate") if c in table.columns))


def establishments_sql(month: dt.date, worst: str) -> str:
    """Gives the query that lists every establishment as `establishments_latest` does, on the
    published warehouse."""
    return f"""
WITH vacancy AS (
    SELECT establishment_id, sum(budgeted_fte) AS budgeted_fte, sum(vacant_fte) AS vacant_fte,
        sum(vacant_fte) / nullif(sum(budgeted_fte), 0) AS vacancy_rate
    FROM marts.workforce_monthly WHERE month = DATE '{month}' GROUP BY establishment_id
), turnover AS (
    SELECT scope_id AS establishment_id, headcount, exits_12m, turnover_rate
    FROM marts.turnover_12m WHERE scope = 'ESTABLISHMENT' AND month = DATE '{month}'
)
SELECT establishment_id, e.name, t.headcount, v.budgeted_fte, v.vacant_fte,
    round(100 * v.vacancy_rate, 1) AS "vacancy_rate (%)", t.exits_12m,
    round(100 * t.turnover_rate, 1) AS "turnover_rate (%)"
FROM turnover t FULL JOIN vacancy v USING (establishment_id)
LEFT JOIN staging.establishments e USING (establishment_id)
ORDER BY {worst} DESC NULLS LAST, establishment_id"""


def establishments_metadata(table: pl.DataFrame, month: dt.date, worst: str) -> dict:
    """Gives the establishment table as the UI shows it (capped, captioned) and the SQL of the whole list."""
    shown = table.head(SHOWN_ESTABLISHMENTS)
    which = worst.replace("_", " ")
    head = (
        f"all {table.height} establishments, highest {which} first"
        if table.height <= SHOWN_ESTABLISHMENTS
        else f"the {shown.height} establishments of {table.height} with the highest {which}"
    )
    caption = (
        f"{month:%m/%Y}: {head}; rates in %, turnover over 12 months, head count at month end. Every "
        "establishment: run `establishments_sql` on the warehouse."
    )
    return {
        "establishments": Markdown(f"{caption}\n\n{markdown_table(shown, digits=1)}"),
        "establishments_sql": sql_block(establishments_sql(month, worst)),
    }


def describe_workforce_monthly(table: pl.DataFrame, by_establishment: pl.DataFrame | None, period: Period) -> dict:
    """Gives the as-of month's vacancy (the organisation's rate in %, fte totals) and every
    establishment's, highest vacancy rate first."""
    latest = period.as_of.replace(day=1)
    as_of_month = table.filter(pl.col("month") == latest)
    return {
        "vacancy_rate (%)": percent(organisation_vacancy_rate(table.lazy(), latest)),
        "vacant_fte": float(as_of_month["vacant_fte"].sum()),
        "budgeted_fte": float(as_of_month["budgeted_fte"].sum()),
        "fte": float(as_of_month["fte"].sum()),
        "months": table["month"].n_unique(),
        **(establishments_metadata(by_establishment, latest, WORST_VACANCY) if by_establishment is not None else {}),
    }


def describe_turnover(table: pl.DataFrame, period: Period) -> dict:
    """Gives the organisation's latest 12-month rates in % (scope ALL) and its head count."""
    latest = period.as_of.replace(day=1)
    org = table.filter((pl.col("scope") == "ALL") & (pl.col("month") == latest))
    row = org.row(0, named=True) if org.height else {}
    rates = ("turnover_rate", "voluntary_turnover_rate", "rotation_rate")
    return {
        **{f"{name} (%)": percent(row.get(name)) for name in rates},
        "headcount": row.get("headcount"),
    }


def describe_turnover_12m(table: pl.DataFrame, by_establishment: pl.DataFrame | None, period: Period) -> dict:
    """Gives `describe_turnover` and every establishment's turnover, highest first."""
    latest = period.as_of.replace(day=1)
    return {
        **describe_turnover(table, period),
        **(establishments_metadata(by_establishment, latest, WORST_TURNOVER) if by_establishment is not None else {}),
    }


def describe_exits_by_reason(table: pl.DataFrame) -> dict:
    """Gives the exits (départs) and their count by reason, most frequent first."""
    reasons = (
        table.group_by("exit_reason")
        .agg(pl.col("exits").sum())
        .sort(["exits", "exit_reason"], descending=[True, False])
    )
    return {"exits": int(table["exits"].sum()), "by_reason": reasons}


def describe_early_attrition(table: pl.DataFrame) -> dict:
    """Gives the share of hires who left within 12 months, in %, over the cohorts observed that long."""
    observed = table.filter(pl.col("observed_12m"))
    hires = observed["hires"].sum()
    return {"attrition_rate_12m (%)": percent(observed["left_within_12m"].sum() / hires) if hires else None}
