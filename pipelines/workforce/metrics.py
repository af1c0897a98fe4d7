"""The workforce marts, exactly as contract section 4 defines them: pure Polars, no Dagster.

Every function takes the staging tables as LazyFrames (contract columns,
typed) and the reporting `Period`, and gives a LazyFrame. `staff` may come
already flagged by `employment.flag_hires_and_exits`: the assets flag the
contracts once and pass them to each mart.

Months reported: the window of `VIVIER_HISTORY_MONTHS` months ending with the
as-of month; look-backs (turnover's twelve months, rotation's m-12) reach
before it and are computed from the data. Rows whose measures are all zero
are left out (contract section 4 allows it), so a mart starts at the *first
month of data*: the later of the window's first month and the month of the
earliest contract start or budget `valid_from`. From there to the as-of month
no month with a contract or a budget is missing (`checks.uncovered_months`).

Division by zero gives null, never inf or NaN.
"""

from __future__ import annotations

import polars as pl

from models.dates import month_index
from pipelines.months import ONE_DAY, Period, last_month_end_index, ratio
from pipelines.workforce.employment import (
    CONTRACT_COLUMNS,
    FLOWS,
    FTE_UNIT,
    first_of_group,
    flagged,
    in_order,
    max_before,
    monthly_events,
    monthly_figures,
    number_keys,
)

CELL = ("establishment_id", "job_family")
# Scope of turnover_12m -> the contract column that names a scope's member.
SCOPES = {
    "ALL": None,
    "ESTABLISHMENT": "establishment_id",
    "JOB_FAMILY": "job_family",
    "TERRITORY": "territory_id",
    "ORGANISATION": "organisation",
}
CONTRACT_SCOPES = ("ALL", "ESTABLISHMENT", "JOB_FAMILY", "TERRITORY")
ATTRITION_HORIZONS = (3, 6, 12)


def budget_in_force(budgeted_posts: pl.LazyFrame, period: Period) -> pl.LazyFrame:
    """Gives per cell the budgeted fte in force at month ends, as ranges of months (`first_index`,
    `last_index`) that never overlap: among the rows valid on a month's last day, the one with the
    latest `valid_from`. Months with no valid row are in no range (their budget is 0)."""
    rows = (
        budgeted_posts.filter(pl.col("valid_from") <= pl.lit(period.as_of))
        .select(
            *CELL,
            "valid_from",
            "budgeted_fte",
            first_index=pl.max_horizontal(month_index(pl.col("valid_from")), pl.lit(period.lookback_index)),
            last_index=last_month_end_index(pl.col("valid_to"), period.as_of),
        )
        .filter(pl.col("first_index") <= pl.col("last_index"))
        .sort(*CELL, "valid_from")
        .with_columns(_first=first_of_group(*CELL))
    )
    # The usual tables either follow on (valid_to = next valid_from - 1) or leave valid_to empty
    # and let the next row supersede: cutting each row where a next row that lasts as long starts
    # leaves no overlap in either.
    next_row = ~pl.col("_first").shift(-1).fill_null(True)
    cut = (
        rows.with_columns(
            last_index=pl.when(next_row & (pl.col("last_index").shift(-1) >= pl.col("last_index")))
            .then(pl.min_horizontal("last_index", pl.col("first_index").shift(-1) - 1))
            .otherwise("last_index")
        )
        .filter(pl.col("first_index") <= pl.col("last_index"))
        .with_columns(_first=first_of_group(*CELL))
        .with_columns(_group=pl.col("_first").cum_sum().cast(pl.Int64))
        .with_columns(
            _overlaps=(
                pl.col("first_index")
                <= max_before(pl.col("last_index").cast(pl.Int64), pl.col("_group"), pl.col("_first"))
            ).fill_null(False)
        )
        .with_columns(_tangled=pl.col("_overlaps").any().over(CELL))
        .cache()
    )
    ranges = pl.col(*CELL, "first_index", "last_index", "budgeted_fte")
    # Any other table: month by month, the latest valid_from wins.
    tangled = (
        cut.filter(pl.col("_tangled"))
        .with_columns(month=pl.int_ranges("first_index", pl.col("last_index") + 1, dtype=pl.Int32))
        .explode("month")
        .group_by(*CELL, "month")
        .agg(pl.col("budgeted_fte").sort_by("valid_from").last())
        .select(*CELL, first_index="month", last_index="month", budgeted_fte="budgeted_fte")
    )
    return pl.concat([cut.filter(~pl.col("_tangled")).select(ranges), tangled.select(ranges)])


def workforce_monthly(staff: pl.LazyFrame, budgeted_posts: pl.LazyFrame, period: Period) -> pl.LazyFrame:
    """Gives per month, establishment and job family: headcount, fte, hires, exits, voluntary exits,
    budgeted, vacant fte and vacancy rate; cells with a budget and nobody in post included."""
    budget = (
        budget_in_force(budgeted_posts, period)
        .with_columns(budgeted_fte=pl.col("budgeted_fte").mul(FTE_UNIT).round(0).cast(pl.Int64))
        .cache()
    )
    # The heavy part runs on one integer per cell, numbered in the cells' order.
    cells = number_keys([staff, budget], CELL, "cell")
    people = monthly_events(flagged(staff, period.as_of).join(cells, on=CELL), "cell", period)
    budget = budget.join(cells, on=CELL)
    budget_events = pl.concat(
        [
            budget.select("cell", month_index="first_index", budgeted_fte="budgeted_fte"),
            budget.filter(pl.col("last_index") < period.as_of_index).select(
                "cell", month_index=pl.col("last_index") + 1, budgeted_fte=-pl.col("budgeted_fte")
            ),
        ]
    )
    events = pl.concat([people, budget_events], how="diagonal_relaxed").with_columns(
        pl.col("headcount", "fte", "budgeted_fte", *FLOWS).fill_null(0)
    )
    figures = monthly_figures(
        events,
        "cell",
        period,
        levels=("headcount", "fte", "budgeted_fte"),
        every_month=False,
        from_index=period.first_index,
    )
    # Rows come by cell, then month: sorting 10M rows by month would cost more than the rest.
    return (
        figures.join(cells, on="cell", how="left", maintain_order="left")
        # Rounded after dividing: Polars may divide by multiplying with 1e-6 (1.8 -> 1.7999999999999998).
        .with_columns((pl.col("fte", "budgeted_fte") / FTE_UNIT).round(6))
        .with_columns(vacant_fte=(pl.col("budgeted_fte") - pl.col("fte")).clip(lower_bound=0.0).round(6))
        .select(
            month=period.month_of(pl.col("month_index")),
            establishment_id="establishment_id",
            job_family="job_family",
            headcount="headcount",
            fte="fte",
            hires="hires",
            exits="exits",
            voluntary_exits="voluntary_exits",
            budgeted_fte="budgeted_fte",
            vacant_fte="vacant_fte",
            vacancy_rate=ratio(pl.col("vacant_fte"), pl.col("budgeted_fte")),
        )
    )


def scope_members(
    staff: pl.LazyFrame, establishments: pl.LazyFrame, scopes: tuple[str, ...]
) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """Gives the members of each scope (`member`, `scope`, `scope_id`: ALL, an establishment, a job
    family, a territory...), and each contract once per member it counts in (`member` column).

    Territory and organisation are those of the contract's establishment."""
    place = establishments.select("establishment_id", "territory_id", "organisation")
    contracts = staff.select(*CELL, *CONTRACT_COLUMNS).join(place, on="establishment_id", how="left").cache()
    ids = [
        contracts.select(pl.lit(scope).alias("scope"), pl.lit("ALL").alias("scope_id")).head(1)
        if SCOPES[scope] is None
        else contracts.select(pl.lit(scope).alias("scope"), pl.col(SCOPES[scope]).cast(pl.String).alias("scope_id"))
        .drop_nulls()
        .unique()
        for scope in scopes
    ]
    members = pl.concat(ids).sort("scope", "scope_id").with_row_index("member").cache()
    # One join per scope on its own column: cheaper than joining every copy on two text columns.
    copies = [
        contracts.join(members.filter(scope=scope).select("member"), how="cross")
        if SCOPES[scope] is None
        else contracts.with_columns(scope_id=pl.col(SCOPES[scope]).cast(pl.String)).join(
            members.filter(scope=scope).select("member", "scope_id"), on="scope_id"
        )
        for scope in scopes
    ]
    return members, pl.concat([c.select("member", *CONTRACT_COLUMNS) for c in copies])


def turnover_12m(
    staff: pl.LazyFrame, establishments: pl.LazyFrame, period: Period, scopes: tuple[str, ...] = CONTRACT_SCOPES
) -> pl.LazyFrame:
    """Gives per month and scope member: month-end headcount, the month's hires and exits, and over
    months m-11..m the average month-end headcount, exits, voluntary exits, turnover, voluntary
    turnover and rotation (taux de rotation) rates."""
    members, scoped = scope_members(flagged(staff, period.as_of), establishments, scopes)
    events = monthly_events(scoped, "member", period, with_fte=False)
    # Every month from a member's first event on: 12 rows back are 12 months back, and
    # before its first event every count is 0.
    monthly = monthly_figures(events, "member", period, levels=("headcount",), every_month=True)
    first = first_of_group("member")
    position = pl.col("month_index") - pl.when(first).then(pl.col("month_index")).forward_fill()

    def last_12(name: str) -> pl.Expr:
        total = pl.col(name).cum_sum()
        before_member = pl.when(first).then(total - pl.col(name)).forward_fill()
        return total - pl.when(position >= 12).then(total.shift(12)).otherwise(before_member)

    table = (
        monthly.sort(in_order("member", "month_index"))
        .with_columns(
            avg_headcount=last_12("headcount") / 12,
            hires_12m=last_12("hires"),
            exits_12m=last_12("exits"),
            voluntary_exits_12m=last_12("voluntary_exits"),
            headcount_12m_ago=pl.when(position >= 12).then(pl.col("headcount").shift(12)).otherwise(0),
        )
        .filter(pl.col("month_index") >= period.first_index)
    )
    measures = ("headcount", "hires", "exits", "avg_headcount", "hires_12m", "exits_12m", "headcount_12m_ago")
    return (
        table.filter(pl.any_horizontal(pl.col(m) != 0 for m in measures))
        .join(members, on="member", how="left", maintain_order="left")
        .select(
            month=period.month_of(pl.col("month_index")),
            scope="scope",
            scope_id="scope_id",
            headcount="headcount",
            hires="hires",
            exits="exits",
            avg_headcount="avg_headcount",
            hires_12m="hires_12m",
            exits_12m="exits_12m",
            voluntary_exits_12m="voluntary_exits_12m",
            headcount_12m_ago="headcount_12m_ago",
            turnover_rate=ratio(pl.col("exits_12m"), pl.col("avg_headcount")),
            voluntary_turnover_rate=ratio(pl.col("voluntary_exits_12m"), pl.col("avg_headcount")),
            rotation_rate=ratio((pl.col("hires_12m") + pl.col("exits_12m")) / 2, pl.col("headcount_12m_ago")),
        )
    )


def exits_by_reason(staff: pl.LazyFrame, period: Period) -> pl.LazyFrame:
    """Gives per month, job family and exit reason the number of exits (and whether the reason is voluntary)."""
    return (
        flagged(staff, period.as_of)
        .filter(pl.col("is_exit") & (pl.col("end_date") >= pl.lit(period.first_month)))
        .group_by(month=pl.col("end_date").dt.truncate("1mo"), job_family="job_family", exit_reason="exit_reason")
        .agg(exits=pl.len().cast(pl.Int64), voluntary=pl.col("is_voluntary_exit").any())
        .sort("month", "job_family", "exit_reason")
    )


def early_attrition(staff: pl.LazyFrame, period: Period) -> pl.LazyFrame:
    """Gives per hire cohort (month of the hire) and job family: hires, and how many had left within
    3, 6 and 12 months, of whom how many at the end of a fixed-term contract; null, with
    `observed_Nm` false, for a cohort not yet observed that long.

    Left within N months: the spell the hire opened ended (an exit, on or before the as-of date)
    before the same day N months after the start (hired 15 January, left within 3 months if the
    last day worked is 14 April or earlier). At the end of a fixed-term contract: that exit's reason
    is END_OF_FIXED_TERM. A cohort is observed for N months when that day, for its last possible
    hire (the month's last day), is on or before the day after the as-of date."""
    contracts = flagged(staff, period.as_of)
    # The reason a spell ended: that of its exit (of one of them, when two contracts end that day).
    fixed_term_ends = (
        contracts.filter(pl.col("is_exit"))
        .group_by("person", spell_end="end_date")
        .agg(ends_fixed_term=(pl.col("exit_reason") == "END_OF_FIXED_TERM").any())
    )
    hires = contracts.filter(pl.col("is_hire") & (pl.col("start_date") >= pl.lit(period.first_month))).join(
        fixed_term_ends, on=["person", "spell_end"], how="left"
    )
    left_within = {
        n: pl.col("spell_end").is_not_null()
        & (pl.col("spell_end") <= pl.lit(period.as_of))
        & (pl.col("spell_end") < pl.col("start_date").dt.offset_by(f"{n}mo"))
        for n in ATTRITION_HORIZONS
    }
    left = {f"left_within_{n}m": left_within[n].sum() for n in ATTRITION_HORIZONS} | {
        f"fixed_term_ends_within_{n}m": (left_within[n] & pl.col("ends_fixed_term").fill_null(False)).sum()
        for n in ATTRITION_HORIZONS
    }
    cohorts = hires.group_by(cohort_month=pl.col("start_date").dt.truncate("1mo"), job_family="job_family").agg(
        hires=pl.len().cast(pl.Int64), **left
    )
    observed = {
        f"observed_{n}m": pl.col("cohort_month").dt.month_end().dt.offset_by(f"{n}mo") - ONE_DAY <= pl.lit(period.as_of)
        for n in ATTRITION_HORIZONS
    }
    columns = ["cohort_month", "job_family", "hires"]
    for n in ATTRITION_HORIZONS:
        columns += [f"observed_{n}m", f"left_within_{n}m", f"attrition_rate_{n}m", f"fixed_term_ends_within_{n}m"]
    return (
        cohorts.with_columns(**observed)
        .with_columns(
            pl.when(pl.col(f"observed_{n}m")).then(pl.col(f"{counted}{n}m").cast(pl.Int64)).name.keep()
            for n in ATTRITION_HORIZONS
            for counted in ("left_within_", "fixed_term_ends_within_")
        )
        .with_columns(
            ratio(pl.col(f"left_within_{n}m"), pl.col("hires")).alias(f"attrition_rate_{n}m")
            for n in ATTRITION_HORIZONS
        )
        .select(columns)
        .sort("cohort_month", "job_family")
    )


def long_vacancies(workforce_monthly: pl.LazyFrame, period: Period, min_months: int = 3) -> pl.LazyFrame:
    """Gives the budgeted posts vacant `min_months` months or more in a row: per cell, each run of
    consecutive months with vacant fte, its first and last month, length, and whether it is ongoing
    at the as-of month. A run is seen from the window's first reported month."""
    vacant = workforce_monthly.filter(pl.col("vacant_fte") > 0).select(
        *CELL, "month", "vacant_fte", "budgeted_fte", _index=month_index(pl.col("month"))
    )
    cells = vacant.select(CELL).unique().with_row_index("_cell")
    runs = (
        vacant.join(cells, on=list(CELL))
        .sort("_cell", "_index")
        # A run starts with a new cell or after a month that is not vacant.
        .with_columns(_run=(first_of_group("_cell") | (pl.col("_index") != pl.col("_index").shift(1) + 1)).cum_sum())
    )
    return (
        runs.group_by("_run")
        .agg(
            pl.col(*CELL).first(),
            first_month=pl.col("month").first(),
            last_month=pl.col("month").last(),
            months_vacant=pl.len().cast(pl.Int64),
            mean_vacant_fte=pl.col("vacant_fte").mean(),
            max_vacant_fte=pl.col("vacant_fte").max(),
            last_vacant_fte=pl.col("vacant_fte").last(),
            last_budgeted_fte=pl.col("budgeted_fte").last(),
        )
        .filter(pl.col("months_vacant") >= min_months)
        .with_columns(ongoing=pl.col("last_month") == pl.lit(period.as_of.replace(day=1)))
        .drop("_run")
        .sort(*CELL, "first_month")
    )
