"""What the attrition model knows of each foster carer at an as-of date.

Everything here is computed from what the extracts show on or before the
as-of date T: a placement's end, a breakdown or an allegation dated after T
is unknown at T and never used (the carer's own `end_date` only decides who
is active on T). Counts over "the last N months" cover (T - N months, T];
when T is a month's last day, those are the N calendar months ending with T's
month.

The features are built for many as-of dates at once. Every counter (visits,
respite days, children placed, month ends with an empty place...) becomes a
running total per carer, kept only on the days it changes; a window's count
is the running total at T minus the one at T - N months, found by as-of
joins. This keeps the national scale (80,000 carers over the years, 36
as-of dates, 4 million events) to seconds, where a carer x month grid would
take minutes.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from models.dates import last_complete_month_index, minus_months, month_index

# The features the models see, in this order.
FEATURES = (
    "age",
    "tenure_years",
    "approved_places",
    "occupied_places",
    "empty_places",
    "empty_months_12m",
    "placements_12m",
    "breakdowns_12m",
    "complex_needs_children",
    "children_turning_18_12m",
    "support_visits_6m",
    "support_visits_12m",
    "respite_days_6m",
    "respite_days_12m",
    "training_days_12m",
    "initial_training_done",
    "peer_groups_12m",
    "allegations_24m",
    "months_since_allegation",
    "complaints_12m",
    "distance_km",
    "association",
    "months_to_agrement_renewal",
)
# An agrément is renewed every five years.
AGREMENT_MONTHS = 60
# "No allegation" is written as this many months since one, beyond every window used.
NO_ALLEGATION_MONTHS = 36
# Counters summed over a window, and the windows (months) each is counted over.
WINDOWS = {
    "support_visits": (6, 12),
    "respite_days": (6, 12),
    "training_days": (12,),
    "peer_groups": (12,),
    "allegations": (24,),
    "complaints": (12,),
    "placements": (12,),
    "breakdowns": (12,),
    "empty_months": (12,),
}
# Counters whose running total on T is itself the feature (children placed on T...).
LEVELS = ("occupied_places", "complex_needs_children", "children_turning_18_12m")
# Running totals of the timeline that change by steps (empty_months is derived from `places`).
STEPS = (*(c for c in WINDOWS if c != "empty_months"), *LEVELS, "places")
# Days are numbered from 1 January 1900 in the timeline's (carer, day) key.
DAY_ORIGIN = -25567
DAY_SPAN = 1 << 18
ONE_DAY = pl.duration(days=1)
COUNTER = pl.Float32  # exact for whole counts far beyond what a carer reaches


def carer_keys(carers: pl.LazyFrame) -> pl.LazyFrame:
    """Gives carer_id with a whole-number key `k`: joins and sorts on it are several times faster."""
    return carers.select("carer_id").unique().sort("carer_id").with_row_index("k")


def active_carers(carers: pl.LazyFrame, as_of_dates: list[dt.date]) -> pl.LazyFrame:
    """Gives one row (carer_id, as_of_date) per carer active on each as-of date."""
    dates = pl.LazyFrame({"as_of_date": as_of_dates}, schema={"as_of_date": pl.Date})
    # A carer is active on the dates from its start to its end: a range join, not a cross join.
    return (
        carers.select("carer_id", "employment_start_date", "end_date")
        .join_where(
            dates,
            pl.col("employment_start_date") <= pl.col("as_of_date"),
            pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col("as_of_date")),
        )
        .select("carer_id", "as_of_date")
    )


def month_ends_to(day: pl.Expr) -> pl.Expr:
    """Gives the number of month ends on or before `day` (up to a constant)."""
    return last_complete_month_index(day)


def _running_sum(value: pl.Expr, first_of_carer: pl.Expr) -> pl.Expr:
    """Gives the running sum of `value` per carer, on rows sorted by carer: a global running sum less
    its value where the carer's rows begin (several times faster than `.cum_sum().over(...)`)."""
    total = value.cum_sum()
    return total - pl.when(first_of_carer).then(total - value).forward_fill()


def counter_timeline(carers: pl.LazyFrame, placements: pl.LazyFrame, events: pl.LazyFrame) -> pl.LazyFrame:
    """Gives, per carer (key k) and day something changed, the running total of every counter,
    sorted by carer and day.

    Window counters add 1 (or the days of a respite or training event) on the
    day they happen. Level counters (children placed, with complex needs,
    turning 18 within a year) add 1 when a child starts counting and take it
    back the day after the placement ends; `places` adds the approved places
    while the carer is employed. `empty_months` counts the month ends, up to a
    day, at which the carer was active with fewer children than approved
    places: between two changes the state is constant, so each row keeps the
    count before its day (`empty_before`) and whether the state from its day on
    is empty (`empty_now`); `running_totals_at` finishes the count for any day."""
    keys = carer_keys(carers)
    kind = pl.col("event_type")
    days = pl.col("days").fill_null(1.0)
    event_rows = events.join(keys, on="carer_id").select(
        "k",
        pl.col("event_date").alias("date"),
        support_visits=(kind == "SUPPORT_VISIT"),
        respite_days=pl.when(kind == "RESPITE_DAY").then(days).otherwise(0.0),
        training_days=pl.when(kind == "TRAINING_DAY").then(days).otherwise(0.0),
        peer_groups=(kind == "PEER_GROUP"),
        allegations=(kind == "ALLEGATION"),
        complaints=(kind == "COMPLAINT"),
    )
    placements = placements.join(keys, on="carer_id")
    turns_18 = pl.col("child_birth_date").dt.offset_by("18y")
    counts_from = pl.max_horizontal(pl.col("start_date"), turns_18 - pl.duration(days=365))
    complex_ = pl.col("complex_needs").fill_null(False).cast(pl.Float64)
    ended = placements.filter(pl.col("end_date").is_not_null())
    # A child counts as turning 18 from a year before the birthday (or the placement's start) to its end.
    near_18 = placements.filter(pl.col("end_date").is_null() | (counts_from <= pl.col("end_date")))
    employment = carers.join(keys, on="carer_id")
    places = pl.col("approved_places").cast(pl.Float64)
    parts = [
        event_rows,
        placements.select(
            "k",
            pl.col("start_date").alias("date"),
            placements=pl.lit(1.0),
            occupied_places=pl.lit(1.0),
            complex_needs_children=complex_,
        ),
        ended.select(
            "k",
            (pl.col("end_date") + ONE_DAY).alias("date"),
            occupied_places=pl.lit(-1.0),
            complex_needs_children=-complex_,
        ),
        ended.filter(pl.col("end_reason") == "BREAKDOWN").select(
            "k", pl.col("end_date").alias("date"), breakdowns=pl.lit(1.0)
        ),
        near_18.select("k", counts_from.alias("date"), children_turning_18_12m=pl.lit(1.0)),
        near_18.filter(pl.col("end_date").is_not_null()).select(
            "k", (pl.col("end_date") + ONE_DAY).alias("date"), children_turning_18_12m=pl.lit(-1.0)
        ),
        employment.select("k", pl.col("employment_start_date").alias("date"), places=places),
        employment.filter(pl.col("end_date").is_not_null()).select(
            "k", (pl.col("end_date") + ONE_DAY).alias("date"), places=-places
        ),
    ]
    steps = list(STEPS)
    # One 64-bit key (carer, day) groups and sorts several times faster than the pair of columns.
    day_number = pl.col("date").cast(pl.Int32).cast(pl.Int64) - DAY_ORIGIN
    first = pl.col("k") != pl.col("k").shift(1).fill_null(-1)
    same_carer_next = pl.col("k") == pl.col("k").shift(-1)
    next_day = pl.when(same_carer_next).then(pl.col("date").shift(-1))
    # Month ends from this row's day to the day before the next change, while the state is this row's.
    stretch = (month_ends_to(next_day - ONE_DAY) - month_ends_to(pl.col("date") - ONE_DAY)).fill_null(0)
    return (
        pl.concat(parts, how="diagonal_relaxed")
        .select(
            *(pl.col(c).cast(pl.Float64).fill_null(0.0) for c in steps),
            key=(pl.col("k").cast(pl.Int64) * DAY_SPAN + day_number),
        )
        .group_by("key")
        .agg(pl.col(steps).sum())
        .sort("key")
        .select(
            *steps,
            k=(pl.col("key") // DAY_SPAN).cast(pl.UInt32),
            date=(pl.col("key") % DAY_SPAN + DAY_ORIGIN).cast(pl.Int32).cast(pl.Date),
        )
        .with_columns(_first=first, _stretch=stretch)
        .with_columns(_running_sum(pl.col(c), pl.col("_first")).alias(c) for c in steps)
        .with_columns(empty_now=(pl.col("occupied_places") < pl.col("places")).cast(pl.Float64))
        .with_columns(_empty=pl.col("empty_now") * pl.col("_stretch"))
        .with_columns(empty_before=_running_sum(pl.col("_empty"), pl.col("_first")) - pl.col("_empty"))
        .with_columns(pl.col(*steps, "empty_now", "empty_before").cast(COUNTER))
        .drop("places", "_first", "_stretch", "_empty")
    )


def running_totals_at(
    frame: pl.LazyFrame, timeline: pl.LazyFrame, day: pl.Expr, columns: list[str], suffix: str
) -> pl.LazyFrame:
    """Gives `frame` (with key k) plus the running totals of `columns` at the end of `day`, named
    column + suffix (0 before the carer's first change)."""
    steps = [c for c in columns if c != "empty_months"]
    empty = "empty_months" in columns
    right = timeline.select("k", "date", *steps, *(["empty_now", "empty_before"] if empty else [])).rename(
        lambda c: c if c == "k" else f"_{c}"
    )
    joined = (
        frame.with_columns(day.alias("_at"))
        .sort("_at")
        .join_asof(right, left_on="_at", right_on="_date", by="k", strategy="backward", check_sortedness=False)
    )
    totals = [pl.col(f"_{c}").fill_null(0.0).alias(c + suffix) for c in steps]
    if empty:
        since = month_ends_to(pl.col("_at")) - month_ends_to(pl.col("_date") - ONE_DAY)
        totals.append(
            (pl.col("_empty_before") + pl.col("_empty_now") * since).fill_null(0.0).alias("empty_months" + suffix)
        )
    temporary = ["_at", "_date", *(f"_{c}" for c in steps), *(["_empty_now", "_empty_before"] if empty else [])]
    return joined.with_columns(totals).drop(temporary)


def window_counts(pairs: pl.LazyFrame, timeline: pl.LazyFrame) -> pl.LazyFrame:
    """Gives each (k, as-of date) with its counts over the windows of WINDOWS and the levels on T."""
    t = pl.col("as_of_date")
    counters = list(WINDOWS)
    out = running_totals_at(pairs, timeline, t, counters + list(LEVELS), "")
    for months in sorted({m for ms in WINDOWS.values() for m in ms}):
        named = [c for c in counters if months in WINDOWS[c]]
        out = running_totals_at(out, timeline, minus_months(t, months), named, f"_before_{months}")
        out = out.with_columns(
            (pl.col(c) - pl.col(f"{c}_before_{months}")).alias(f"{c}_{months}m") for c in named
        ).drop(f"{c}_before_{months}" for c in named)
    return out.drop(counters)


def last_allegation(pairs: pl.LazyFrame, events: pl.LazyFrame, keys: pl.LazyFrame) -> pl.LazyFrame:
    """Gives each (k, as-of date) with the whole months since the latest allegation on or before T
    (NO_ALLEGATION_MONTHS at most)."""
    allegations = (
        events.filter(pl.col("event_type") == "ALLEGATION")
        .join(keys, on="carer_id")
        .select("k", pl.col("event_date").alias("allegation_date"))
        .unique()
        .sort("allegation_date")
    )
    months = month_index(pl.col("as_of_date")) - month_index(pl.col("allegation_date"))
    return (
        pairs.sort("as_of_date")
        .join_asof(
            allegations,
            left_on="as_of_date",
            right_on="allegation_date",
            by="k",
            strategy="backward",
            check_sortedness=False,
        )
        .with_columns(
            months_since_allegation=pl.min_horizontal(months, NO_ALLEGATION_MONTHS)
            .fill_null(NO_ALLEGATION_MONTHS)
            .cast(pl.Float64)
        )
        .drop("allegation_date")
    )


def carer_features(
    carers: pl.LazyFrame, placements: pl.LazyFrame, events: pl.LazyFrame, as_of_dates: list[dt.date]
) -> pl.LazyFrame:
    """Gives one row per carer active on each as-of date: carer_id, as_of_date, sex, territory_id and FEATURES.

    sex and territory_id are kept for the fairness audit and the projection;
    the model does not see them."""
    keys = carer_keys(carers)
    pairs = active_carers(carers, as_of_dates).join(keys, on="carer_id").select("k", "as_of_date")
    timeline = counter_timeline(carers, placements, events)
    t = pl.col("as_of_date")
    years = lambda since: (t - since).dt.total_days().cast(pl.Float64) / 365.25  # noqa: E731
    months_since_agrement = month_index(t) - month_index(pl.col("approval_date"))
    static = pairs.join(carers.join(keys, on="carer_id"), on="k").select(
        "k",
        "carer_id",
        "as_of_date",
        "sex",
        "territory_id",
        age=years(pl.col("birth_date")),
        tenure_years=years(pl.col("employment_start_date")),
        approved_places=pl.col("approved_places").cast(pl.Float64),
        initial_training_done=(pl.col("initial_training_done_date") <= t).fill_null(False).cast(pl.Float64),
        distance_km=pl.col("distance_to_service_km").cast(pl.Float64),
        association=(pl.col("employer_kind") == "ASSOCIATION").cast(pl.Float64),
        months_to_agrement_renewal=(AGREMENT_MONTHS - months_since_agrement % AGREMENT_MONTHS).cast(pl.Float64),
    )
    keys_t = ["k", "as_of_date"]
    return (
        static.join(window_counts(pairs, timeline), on=keys_t)
        .join(last_allegation(pairs, events, keys), on=keys_t)
        .with_columns(empty_places=(pl.col("approved_places") - pl.col("occupied_places")).clip(lower_bound=0))
        .select("carer_id", "as_of_date", "sex", "territory_id", pl.col(FEATURES).cast(pl.Float64))
        .sort("carer_id", "as_of_date")
    )


def as_of_grid(as_of: dt.date, earliest: dt.date, step_months: int = 3) -> list[dt.date]:
    """Gives the as-of dates every `step_months` back from `as_of` (itself included) down to `earliest`.

    When `as_of` is a month's last day, so is every date of the grid: the
    quarterly dates the model learns from then end months, like the date it
    scores."""
    dates, k = [], 0
    while True:
        day = shift_months(as_of, -k * step_months)
        if day < earliest:
            return sorted(dates)
        dates.append(day)
        k += 1


def shift_months(day: dt.date, months: int) -> dt.date:
    """Gives `day` moved by whole months; a month's last day stays a month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    is_month_end = (day + dt.timedelta(days=1)).day == 1
    return dt.date(year, month, last if is_month_end else min(day.day, last))


def training_dates(as_of: dt.date, first_month: dt.date, earliest_event: dt.date | None) -> list[dt.date]:
    """Gives the quarterly as-of dates to build features for: back from `as_of`, while a year of
    event history (from the window's first month or the first event, whichever is later) precedes."""
    start = max(first_month, earliest_event.replace(day=1) if earliest_event else first_month)
    return as_of_grid(as_of, shift_months(start, 12))
