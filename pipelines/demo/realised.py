"""The calibration figures a generated landing folder actually shows, computed from its clean extracts.

Run `python -m pipelines.demo.realised DIR` on a folder written without
`--messy`. The definitions follow contract section 4 (hires, exits, month-end
headcount, vacancy); they are a check of the generator, not the pipeline's marts.
"""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta
from pathlib import Path

import polars as pl


def read_extracts(folder: Path) -> dict[str, pl.DataFrame]:
    """Gives the clean extracts of a folder, dates parsed."""
    frames = {}
    for path in sorted(folder.glob("*.csv")):
        frames[path.stem] = pl.read_csv(path, try_parse_dates=True, infer_schema_length=None)
    return frames


def month_ends(first: date, last: date) -> pl.Series:
    """Gives the last day of every month from `first`'s month to `last`'s month."""
    return pl.date_range(first.replace(day=1), last.replace(day=1), "1mo", eager=True).dt.month_end()


def with_exits(staff: pl.DataFrame) -> pl.DataFrame:
    """Gives staff with `is_exit` (no contract of the same employee active the day after the end) and `is_hire`."""
    s = staff.select("employee_id", "contract_id", "start_date", "end_date").with_row_index("_r")
    other = s.select(
        "employee_id", pl.col("_r").alias("_o"), pl.col("start_date").alias("_s"), pl.col("end_date").alias("_e")
    )
    pairs = s.join(other, on="employee_id").filter(pl.col("_r") != pl.col("_o"))
    continued = (
        pairs.filter(
            pl.col("end_date").is_not_null()
            & (pl.col("_s") <= pl.col("end_date") + timedelta(days=1))
            & (pl.col("_e").is_null() | (pl.col("_e") >= pl.col("end_date") + timedelta(days=1)))
        )
        .select("_r")
        .unique()
    )
    preceded = (
        pairs.filter(
            (pl.col("_s") <= pl.col("start_date") - timedelta(days=1))
            & (pl.col("_e").is_null() | (pl.col("_e") >= pl.col("start_date") - timedelta(days=1)))
        )
        .select("_r")
        .unique()
    )
    return (
        staff.with_row_index("_r")
        .with_columns(
            is_exit=pl.col("end_date").is_not_null() & ~pl.col("_r").is_in(continued["_r"].implode()),
            is_hire=~pl.col("_r").is_in(preceded["_r"].implode()),
        )
        .drop("_r")
    )


def headcount_at(staff: pl.DataFrame, days: pl.Series) -> pl.DataFrame:
    """Gives distinct employees with a contract active on each day."""
    d = pl.DataFrame({"day": days})
    return (
        d.join(staff.select("employee_id", "start_date", "end_date"), how="cross")
        .filter(
            (pl.col("start_date") <= pl.col("day"))
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col("day")))
        )
        .group_by("day")
        .agg(headcount=pl.col("employee_id").n_unique())
        .sort("day")
    )


def departure_rate(staff: pl.DataFrame, year: int, voluntary: bool = False) -> float:
    """Gives exits in a calendar year over the mean of its 12 month-end headcounts (turnover_rate at December)."""
    s = with_exits(staff)
    exits = s.filter(pl.col("is_exit") & (pl.col("end_date").dt.year() == year))
    if voluntary:
        exits = exits.filter(pl.col("exit_reason").is_in(["RESIGNATION", "MUTUAL_AGREEMENT"]))
    heads = headcount_at(staff, month_ends(date(year, 1, 1), date(year, 12, 1)))
    return exits.height / heads["headcount"].mean()


def retention(staff: pl.DataFrame, family: str, years: int, as_of: date, cdi_only: bool = True) -> float:
    """Gives the share of hires of a family (in the window) still employed `years` later."""
    s = with_exits(staff)
    hires = s.filter(
        pl.col("is_hire")
        & (pl.col("job_family") == family)
        & (pl.col("start_date") >= as_of - timedelta(days=3650))
        & (pl.col("start_date") <= as_of - timedelta(days=int(365.25 * years)))
    )
    if cdi_only:
        hires = hires.filter(pl.col("contract_type") == "CDI")
    later = hires.select("employee_id", (pl.col("start_date") + timedelta(days=int(365.25 * years))).alias("day"))
    active = later.join(staff.select("employee_id", "start_date", "end_date"), on="employee_id").filter(
        (pl.col("start_date") <= pl.col("day")) & (pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col("day")))
    )
    return active.select("employee_id", "day").unique().height / max(later.height, 1)


def vacancy_rate(staff: pl.DataFrame, budget: pl.DataFrame, days: pl.Series) -> float:
    """Gives sum of vacant FTE over sum of budgeted FTE (cells establishment x job family) over the given days."""
    d = pl.DataFrame({"day": days})
    fte = (
        d.join(staff.select("establishment_id", "job_family", "fte", "start_date", "end_date"), how="cross")
        .filter(
            (pl.col("start_date") <= pl.col("day"))
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col("day")))
        )
        .group_by("day", "establishment_id", "job_family")
        .agg(pl.col("fte").sum())
    )
    b = (
        d.join(budget, how="cross")
        .filter(
            (pl.col("valid_from") <= pl.col("day"))
            & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= pl.col("day")))
        )
        .sort("valid_from")
        .group_by("day", "establishment_id", "job_family")
        .agg(pl.col("budgeted_fte").last())
    )
    cells = b.join(fte, on=["day", "establishment_id", "job_family"], how="left").with_columns(
        pl.col("fte").fill_null(0)
    )
    vacant = (pl.col("budgeted_fte") - pl.col("fte")).clip(lower_bound=0)
    return cells.select(vacant.sum() / pl.col("budgeted_fte").sum()).item()


def carer_figures(x: dict[str, pl.DataFrame], as_of: date) -> dict[str, float]:
    """Gives the foster-carer calibration figures at the as-of date and over the last 3 years."""
    carers = x["foster_carers"]
    active = carers.filter(
        (pl.col("employment_start_date") <= as_of) & (pl.col("end_date").is_null() | (pl.col("end_date") >= as_of))
    )
    age = (pl.lit(as_of) - pl.col("birth_date")).dt.total_days() / 365.25
    ages = active.select(age.alias("age"))["age"]
    recent = active.filter(pl.col("employment_start_date") > as_of - timedelta(days=730))
    placements = x["placements"]
    children = placements.filter(
        (pl.col("start_date") <= as_of) & (pl.col("end_date").is_null() | (pl.col("end_date") >= as_of))
    ).height
    leave = []
    for k in range(1, 4):
        start = as_of.replace(year=as_of.year - k)
        on = carers.filter(
            (pl.col("employment_start_date") <= start) & (pl.col("end_date").is_null() | (pl.col("end_date") >= start))
        )
        left = on.filter(pl.col("end_date").is_not_null() & (pl.col("end_date") <= start.replace(year=start.year + 1)))
        leave.append(left.height / max(on.height, 1))
    first = date(as_of.year - 10, as_of.month, as_of.day)

    def active_on(d: date) -> int:
        return carers.filter(
            (pl.col("employment_start_date") <= d) & (pl.col("end_date").is_null() | (pl.col("end_date") >= d))
        ).height

    enq = x["carer_enquiries"].filter(pl.col("enquiry_date") <= as_of - timedelta(days=540))
    apps = enq.filter(pl.col("application_date").is_not_null())
    decided = apps.filter(pl.col("decision").is_not_null())
    return {
        "carers_active_at_as_of": active.height,
        "carers_change_over_window": active_on(as_of) / max(active_on(first), 1) - 1,
        "carers_mean_age": float(ages.mean()),
        "carers_share_55_plus": float((ages >= 55).mean()),
        "carers_share_60_plus": float((ages >= 60).mean()),
        "carers_share_under_44": float((ages < 44).mean()),
        "recent_entrants_median_age_at_start": float(
            recent.select(
                ((pl.col("employment_start_date") - pl.col("birth_date")).dt.total_days() / 365.25).median()
            ).item()
        )
        if recent.height
        else float("nan"),
        "carers_share_men": float((active["sex"] == "M").mean()),
        "carers_share_department": float((active["employer_kind"] == "DEPARTMENT").mean()),
        "carers_share_3_places": float((active["approved_places"] == 3).mean()),
        "children_per_carer": children / max(active.height, 1),
        "carer_annual_leaving_rate": sum(leave) / len(leave),
        "enquiry_to_application": apps.height / max(enq.height, 1),
        "application_to_approval": decided.filter(pl.col("decision") == "APPROVED").height / max(decided.height, 1),
        "median_days_enquiry_to_decision": float(
            decided.select((pl.col("decision_date") - pl.col("enquiry_date")).dt.total_days().median()).item()
        ),
    }


def realised_figures(folder: Path) -> dict[str, float]:
    """Gives the calibration figures of a clean generated folder."""
    x = read_extracts(folder)
    as_of = date.fromisoformat(json.loads((folder / "_truth" / "truth.json").read_text())["as_of_date"])
    staff, budget = x["staff"], x["budgeted_posts"]
    last12 = month_ends(date(as_of.year - 1, as_of.month, 1) + timedelta(days=31), as_of)
    postings = x["job_postings"].filter(pl.col("outcome") == "FILLED")
    days = (pl.col("closed_date") - pl.col("opened_date")).dt.total_days()
    figures = {
        "departure_rate_2022": departure_rate(staff, 2022),
        "voluntary_departure_rate_2022": departure_rate(staff, 2022, voluntary=True),
        "departure_rate_2018": departure_rate(staff, 2018),
        "es_retention_3y_cdi_hires": retention(staff, "EDUCATEUR_SPECIALISE", 3, as_of),
        "es_retention_3y_all_hires": retention(staff, "EDUCATEUR_SPECIALISE", 3, as_of, cdi_only=False),
        "vacancy_rate_last_12_months": vacancy_rate(staff, budget, last12),
        "vacancy_rate_2023": vacancy_rate(staff, budget, month_ends(date(2023, 1, 1), date(2023, 12, 1))),
        "vacancy_rate_2017": vacancy_rate(staff, budget, month_ends(date(2017, 1, 1), date(2017, 12, 1))),
        "median_days_to_fill": float(postings.select(days.median()).item()),
        "median_days_to_fill_es": float(
            postings.filter(pl.col("job_family") == "EDUCATEUR_SPECIALISE").select(days.median()).item()
        ),
        "staff_headcount_at_as_of": int(headcount_at(staff, pl.Series([as_of]))["headcount"][0]),
    }
    figures.update(carer_figures(x, as_of))
    return figures


if __name__ == "__main__":
    for name, value in realised_figures(Path(sys.argv[1])).items():
        print(f"{name:40s} {value:10.3f}" if isinstance(value, float) else f"{name:40s} {value:10d}")


def voluntary_exit_ratio(
    staff: pl.DataFrame, covered: list[str], control: list[str], pre: tuple[date, date], post: tuple[date, date]
) -> float:
    """Gives the crude difference-in-differences ratio of voluntary-exit rates (exits per month-end head).

    (covered post / covered pre) / (control post / control pre), with exits as
    defined in contract section 4 and RESIGNATION or MUTUAL_AGREEMENT reasons.
    """
    s = with_exits(staff)
    voluntary = s.filter(pl.col("is_exit") & pl.col("exit_reason").is_in(["RESIGNATION", "MUTUAL_AGREEMENT"]))
    rates = {}
    for name, families in (("covered", covered), ("control", control)):
        for period, (first, last) in (("pre", pre), ("post", post)):
            ends = month_ends(first, last)
            heads = (
                pl.DataFrame({"day": ends})
                .join(
                    staff.filter(pl.col("job_family").is_in(families)).select("employee_id", "start_date", "end_date"),
                    how="cross",
                )
                .filter(
                    (pl.col("start_date") <= pl.col("day"))
                    & (pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col("day")))
                )
                .height
            )
            exits = voluntary.filter(
                pl.col("job_family").is_in(families) & pl.col("end_date").is_between(first, last)
            ).height
            rates[name, period] = exits / heads
    return (rates["covered", "post"] / rates["covered", "pre"]) / (rates["control", "post"] / rates["control", "pre"])
