"""Where each territory's foster-care capacity is going over the next five years.

Starting from the carers active on the as-of date, year by year:

- retirements: a carer leaves at the latest in the year of reaching the age
  limit (AGE_LIMIT, 67: the limite d'âge of contractual public employees,
  which binds the assistants familiaux of départements; for those of
  associations it is an assumption);
- other leavers: in year 1 each carer leaves with their own risk from the
  attrition model (ml.carer_attrition_scores); from year 2, with the model's
  mean risk in their territory among carers not reaching the age limit in year
  1, since the model predicts 12 months ahead only;
- recruitment at the current pace: the territory's approvals in the funnel
  over the last 12 months, each recruit bringing the approved places of the
  carers who started in the last three years; recruits arrive through the year
  and leave at the model's risk for carers in their first two years, then at
  the territory's risk.

recruits_needed is what each year would take to keep the approved places at
today's level, given the recruits of the years before. These are expectations
under the stated assumptions, not forecasts of what a territory will decide.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from pipelines.carers.capacity import age_in_years

AGE_LIMIT = 67
YEARS = 5
RECENT_STARTS_YEARS = 3
NEW_CARER_YEARS = 2
PROJECTION_SCHEMA = {
    "territory_id": pl.String,
    "year": pl.Int32,
    "year_end": pl.Date,
    "expected_retirements": pl.Float64,
    "expected_other_leavers": pl.Float64,
    "expected_recruits": pl.Float64,
    "expected_active_carers": pl.Float64,
    "expected_approved_places": pl.Float64,
    "expected_active_carers_without_recruitment": pl.Float64,
    "expected_approved_places_without_recruitment": pl.Float64,
    "active_carers_today": pl.Int64,
    "approved_places_today": pl.Int64,
    "places_per_recruit": pl.Float64,
    "recruits_needed": pl.Float64,
}


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def carers_today(scores: pl.DataFrame, carers: pl.LazyFrame, as_of: dt.date) -> pl.DataFrame:
    """Gives the scored carers with their risk, approved places, the year (1..) in which they reach
    the age limit (1 if already there) and whether they are new (first two years)."""
    age_now = age_in_years(pl.col("birth_date"), pl.lit(as_of))
    new_since = pl.lit(_years_after(as_of, -NEW_CARER_YEARS))
    return (
        scores.lazy()
        .select("carer_id", "territory_id", "risk_12m", "approved_places")
        .join(carers.select("carer_id", "birth_date", "employment_start_date"), on="carer_id", how="left")
        .select(
            "carer_id",
            "territory_id",
            "risk_12m",
            "approved_places",
            limit_year=pl.max_horizontal(pl.lit(AGE_LIMIT) - age_now, pl.lit(1)).fill_null(YEARS + 1),
            new=(pl.col("employment_start_date") > new_since).fill_null(False),
        )
        .collect()
    )


def stock_outlook(people: pl.DataFrame) -> pl.DataFrame:
    """Gives per territory and year the expected retirements, other leavers, and surviving carers and
    approved places of today's carers (no recruitment)."""
    later_rate = (
        people.filter(pl.col("limit_year") > 1).group_by("territory_id").agg(later_risk=pl.col("risk_12m").mean())
    )
    people = people.join(later_rate, on="territory_id", how="left").with_columns(pl.col("later_risk").fill_null(0.0))
    survival = np.ones(people.height)
    risk_1, later, limit = (people[c].to_numpy() for c in ("risk_12m", "later_risk", "limit_year"))
    places = people["approved_places"].to_numpy().astype(float)
    rows = []
    for year in range(1, YEARS + 1):
        # In year 1 the model's own risk already weighs the age limit; later, the limit is certain.
        leave = risk_1 if year == 1 else np.where(limit <= year, 1.0, later)
        leaving = survival * leave
        retiring = np.where(limit <= year, leaving, 0.0)
        survival = survival - leaving
        rows.append(
            pl.DataFrame(
                {
                    "territory_id": people["territory_id"],
                    "year": year,
                    "retirements": retiring,
                    "other": leaving - retiring,
                    "carers": survival,
                    "places": survival * places,
                }
            )
        )
    return (
        pl.concat(rows)
        .group_by("territory_id", "year")
        .agg(
            expected_retirements=pl.col("retirements").sum(),
            expected_other_leavers=pl.col("other").sum(),
            carers=pl.col("carers").sum(),
            places=pl.col("places").sum(),
        )
        .with_columns(pl.col("year").cast(pl.Int32))
    )


def recruitment_pace(
    people: pl.DataFrame, carers: pl.LazyFrame, enquiries: pl.LazyFrame, as_of: dt.date
) -> pl.DataFrame:
    """Gives per territory: approvals over the last 12 months, places per recruit, and the model's
    mean risk of new carers (first two years) and of the others, age limit aside."""
    since = pl.lit(_years_after(as_of, -1))
    approvals = (
        enquiries.filter(
            (pl.col("decision") == "APPROVED")
            & (pl.col("decision_date") > since)
            & (pl.col("decision_date") <= pl.lit(as_of))
        )
        .group_by("territory_id")
        .agg(approvals_12m=pl.len())
        .collect()
    )
    recent = carers.filter(
        (pl.col("employment_start_date") > pl.lit(_years_after(as_of, -RECENT_STARTS_YEARS)))
        & (pl.col("employment_start_date") <= pl.lit(as_of))
    ).collect()
    recent_places = recent.group_by("territory_id").agg(places_per_recruit=pl.col("approved_places").mean())
    overall_places = recent["approved_places"].mean() if recent.height else 1.0
    working = people.filter(pl.col("limit_year") > 1)
    new_overall = working.filter(pl.col("new"))["risk_12m"].mean()
    risks = working.group_by("territory_id").agg(
        risk_new=pl.col("risk_12m").filter(pl.col("new")).mean(),
        risk_settled=pl.col("risk_12m").filter(~pl.col("new")).mean(),
    )
    return (
        people.select("territory_id")
        .unique()
        .join(approvals, on="territory_id", how="left")
        .join(recent_places, on="territory_id", how="left")
        .join(risks, on="territory_id", how="left")
        .with_columns(
            approvals_12m=pl.col("approvals_12m").fill_null(0).cast(pl.Float64),
            places_per_recruit=pl.col("places_per_recruit").fill_null(overall_places),
            # Few new carers in a territory: the organisation's new-carer risk, else the territory's.
            risk_new=pl.col("risk_new").fill_null(new_overall).fill_null(pl.col("risk_settled")),
        )
        .with_columns(pl.col("risk_new", "risk_settled").fill_null(0.0))
    )


def recruit_survival(years_since_arrival: int, risk_new: float, risk_settled: float) -> float:
    """Gives the share of a year's recruits still active at the end of the year `years_since_arrival`
    after their arrival year (0: the arrival year, arriving on average mid-year)."""
    share = 1.0 - risk_new / 2
    for k in range(1, years_since_arrival + 1):
        share *= 1.0 - (risk_new if k < NEW_CARER_YEARS else risk_settled)
    return share


def carer_projection(
    scores: pl.DataFrame, carers: pl.LazyFrame, enquiries: pl.LazyFrame, as_of: dt.date
) -> pl.DataFrame:
    """Gives per territory and year 1..5 after the as-of date: expected retirements, other leavers,
    recruits at the current pace, active carers and approved places at the year's end (with and
    without recruitment), today's figures, places per recruit, and recruits_needed to hold today's
    approved places."""
    if scores.is_empty():
        return pl.DataFrame(schema=PROJECTION_SCHEMA)
    people = carers_today(scores, carers, as_of)
    stock = stock_outlook(people)
    pace = recruitment_pace(people, carers, enquiries, as_of)
    today = scores.group_by("territory_id").agg(
        active_carers_today=pl.len(), approved_places_today=pl.col("approved_places").sum()
    )
    rows = []
    for t in pace.iter_rows(named=True):
        territory = t["territory_id"]
        mine = stock.filter(pl.col("territory_id") == territory).sort("year")
        base = today.filter(pl.col("territory_id") == territory).row(0, named=True)
        ppr, new, settled, pace_n = t["places_per_recruit"], t["risk_new"], t["risk_settled"], t["approvals_12m"]
        needed: list[float] = []
        for s in mine.iter_rows(named=True):
            y = s["year"]
            at_pace = pace_n * sum(recruit_survival(y - c, new, settled) for c in range(1, y + 1))
            earlier = sum(r * ppr * recruit_survival(y - c, new, settled) for c, r in enumerate(needed, start=1))
            gap = base["approved_places_today"] - s["places"] - earlier
            needed.append(max(gap, 0.0) / (ppr * recruit_survival(0, new, settled)) if ppr else 0.0)
            rows.append(
                {
                    "territory_id": territory,
                    "year": y,
                    "year_end": _years_after(as_of, y),
                    "expected_retirements": s["expected_retirements"],
                    "expected_other_leavers": s["expected_other_leavers"],
                    "expected_recruits": pace_n,
                    "expected_active_carers": s["carers"] + at_pace,
                    "expected_approved_places": s["places"] + at_pace * ppr,
                    "expected_active_carers_without_recruitment": s["carers"],
                    "expected_approved_places_without_recruitment": s["places"],
                    "active_carers_today": base["active_carers_today"],
                    "approved_places_today": base["approved_places_today"],
                    "places_per_recruit": ppr,
                    "recruits_needed": needed[-1],
                }
            )
    return pl.DataFrame(rows, schema=PROJECTION_SCHEMA).sort("territory_id", "year")
