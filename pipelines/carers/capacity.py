"""Foster-care capacity per territory and month, and the age profile of the carers (contract section 4).

Pure Polars: staging tables in as LazyFrames, marts out. Month-end figures
are taken on the month's last day; in the as-of month, if the as-of date
comes before that day, on the as-of date (nothing later is known). An end
date after the as-of date is planned, not an exit: the carer or placement is
active on the as-of date, and no leaver is counted.

Active carers, approved and occupied places are counted with one +1 and one
-1 per carer or placement on a month axis (the month it starts counting, and
the first month it no longer does) and a running sum: no carer x month grid.
"""

from __future__ import annotations

import polars as pl

from models.dates import month_index, month_start
from pipelines.months import Period

MEASURES = ("active_carers", "approved_places", "occupied_places", "new_carers", "leavers")
AGE_BAND_YEARS = 5


def _counted_months(start: pl.Expr, end: pl.Expr, period: Period) -> tuple[pl.Expr, pl.Expr]:
    """Gives the first month whose figure day is on or after `start`, and the first month whose
    figure day is after `end` (null: still counted at the as-of month), for something active from
    `start` to `end` inclusive."""
    as_of = pl.lit(period.as_of)
    end_month = month_index(end)
    # The figure day of the end's month: its last day, or the as-of date in the as-of month.
    figure_day = pl.min_horizontal(end.dt.month_end(), as_of)
    stop = pl.when(end.is_null() | (end >= as_of)).then(None).when(end >= figure_day).then(end_month + 1)
    return month_index(start), stop.otherwise(end_month)


def _running_count(rows: pl.LazyFrame, weights: dict[str, pl.Expr], period: Period) -> pl.LazyFrame:
    """Gives per territory and month the running sums of `weights` over rows counted from `first` to
    `stop` (excluded), for the months of the window."""
    plus = rows.select("territory_id", month=pl.col("first"), **weights)
    minus = rows.filter(pl.col("stop").is_not_null()).select(
        "territory_id", month=pl.col("stop"), **{k: -v for k, v in weights.items()}
    )
    return (
        pl.concat([plus, minus])
        .filter(pl.col("month") <= period.as_of_index)
        .group_by("territory_id", "month")
        .agg(pl.col(list(weights)).sum())
        .sort("territory_id", "month")
        .with_columns(pl.col(list(weights)).cum_sum().over("territory_id"))
    )


def _months(territories: pl.LazyFrame, period: Period) -> pl.LazyFrame:
    months = pl.LazyFrame(
        {"month": list(range(period.first_index, period.as_of_index + 1))}, schema={"month": pl.Int32}
    )
    return territories.join(months, how="cross")


def _as_of_month(column: str, running: pl.LazyFrame, grid: pl.LazyFrame) -> pl.LazyFrame:
    """Gives the grid with the running sum of `column` carried to months without a change."""
    return (
        grid.sort("month")
        .join_asof(
            running.select("territory_id", "month", column).sort("month"),
            on="month",
            by="territory_id",
            strategy="backward",
            check_sortedness=False,
        )
        .with_columns(pl.col(column).fill_null(0))
    )


def carer_capacity_monthly(carers: pl.LazyFrame, placements: pl.LazyFrame, period: Period) -> pl.LazyFrame:
    """Gives per month and territory: active_carers, approved_places (of the active carers),
    occupied_places (placements active at month end, of the territory's carers), new_carers
    (employment starting in the month) and leavers (end_date in the month).

    Months of the window with every measure at zero are left out."""
    as_of = pl.lit(period.as_of)
    known = carers.filter(pl.col("employment_start_date") <= as_of)
    first, stop = _counted_months(pl.col("employment_start_date"), pl.col("end_date"), period)
    carer_rows = known.select("territory_id", "approved_places", first=first, stop=stop)
    first, stop = _counted_months(pl.col("start_date"), pl.col("end_date"), period)
    placement_rows = (
        placements.filter(pl.col("start_date") <= as_of)
        .join(carers.select("carer_id", "territory_id"), on="carer_id")
        .select("territory_id", first=first, stop=stop)
    )
    grid = _months(carers.select("territory_id").unique(), period)
    weights = {"active_carers": pl.lit(1, pl.Int64), "approved_places": pl.col("approved_places").cast(pl.Int64)}
    active = _running_count(carer_rows, weights, period)
    occupied = _running_count(placement_rows, {"occupied_places": pl.lit(1, pl.Int64)}, period)
    flows = [
        known.group_by("territory_id", month=month_index(pl.col("employment_start_date"))).agg(new_carers=pl.len()),
        carers.filter(pl.col("end_date") <= as_of)
        .group_by("territory_id", month=month_index(pl.col("end_date")))
        .agg(leavers=pl.len()),
    ]
    table = _as_of_month("active_carers", active, grid)
    table = table.join(_as_of_month("approved_places", active, grid), on=["territory_id", "month"])
    table = table.join(_as_of_month("occupied_places", occupied, grid), on=["territory_id", "month"])
    for flow in flows:
        table = table.join(flow.with_columns(pl.col("month").cast(pl.Int32)), on=["territory_id", "month"], how="left")
    return (
        table.with_columns(pl.col(MEASURES).fill_null(0).cast(pl.Int64))
        .filter(pl.any_horizontal(pl.col(MEASURES) != 0))
        .select(month_start(pl.col("month")).alias("month"), "territory_id", *MEASURES)
        .sort("month", "territory_id")
    )


def age_in_years(birth: pl.Expr, day: pl.Expr) -> pl.Expr:
    """Gives the age in whole years on `day` (birthdays on 29 February count on 1 March)."""
    before_birthday = (day.dt.month() < birth.dt.month()) | (
        (day.dt.month() == birth.dt.month()) & (day.dt.day() < birth.dt.day())
    )
    return (day.dt.year() - birth.dt.year() - before_birthday.cast(pl.Int32)).cast(pl.Int32)


def carer_age_profile(carers: pl.LazyFrame, placements: pl.LazyFrame, period: Period) -> pl.LazyFrame:
    """Gives per territory and 5-year age band, for the carers active on the as-of date: carers,
    approved_places, children_placed (placements active on the as-of date) and share_of_carers
    (of the territory's active carers)."""
    as_of = pl.lit(period.as_of)
    still_on = pl.col("end_date").is_null() | (pl.col("end_date") >= as_of)
    active = carers.filter((pl.col("employment_start_date") <= as_of) & still_on)
    children = (
        placements.filter((pl.col("start_date") <= as_of) & still_on).group_by("carer_id").agg(children_placed=pl.len())
    )
    band = age_in_years(pl.col("birth_date"), as_of) // AGE_BAND_YEARS * AGE_BAND_YEARS
    return (
        active.join(children, on="carer_id", how="left")
        .group_by("territory_id", age_band_start=band)
        .agg(
            carers=pl.len(),
            approved_places=pl.col("approved_places").sum().cast(pl.Int64),
            children_placed=pl.col("children_placed").fill_null(0).sum().cast(pl.Int64),
        )
        .with_columns(
            as_of_date=as_of,
            age_band=pl.format("{}-{}", pl.col("age_band_start"), pl.col("age_band_start") + AGE_BAND_YEARS - 1),
            share_of_carers=pl.col("carers") / pl.col("carers").sum().over("territory_id"),
        )
        .select(
            "as_of_date",
            "territory_id",
            "age_band",
            "age_band_start",
            "carers",
            "approved_places",
            "children_placed",
            "share_of_carers",
        )
        .sort("territory_id", "age_band_start")
    )
