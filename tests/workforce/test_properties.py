"""Properties of the workforce marts on random contract sets, checked against the definitions
of contract section 4 computed the naive way (every day, every contract)."""

import datetime as dt

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines.months import Period
from pipelines.workforce.checks import roll_forward, uncovered_months
from pipelines.workforce.employment import VOLUNTARY_REASONS, flag_hires_and_exits
from pipelines.workforce.metrics import turnover_12m, workforce_monthly
from tests.workforce.helpers import NO_BUDGET, establishments

FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PLACES = establishments(("E1", "T1", "Asso A"), ("E2", "T1", "Asso A"), ("E3", "T2", "Asso B"))
ORIGIN = dt.date(2023, 1, 1)
REASONS = ("RESIGNATION", "MUTUAL_AGREEMENT", "END_OF_FIXED_TERM", "RETIREMENT", "INTERNAL_TRANSFER")


@st.composite
def contract_sets(draw) -> pl.LazyFrame:
    """A few employees, each with a few contracts that may touch, overlap, run in parallel or leave gaps."""
    rows = []
    for employee in range(draw(st.integers(0, 5))):
        cursor = draw(st.integers(0, 500))
        for _ in range(draw(st.integers(1, 4))):
            start = cursor + draw(st.sampled_from([-40, -1, 0, 1, 2, 3, 30]))  # overlap, same day, touch, gaps
            start = max(start, 0)
            length = draw(st.integers(0, 400))
            ended = draw(st.booleans()) or draw(st.booleans())
            rows.append(
                {
                    "employee_id": f"p{employee}",
                    "establishment_id": draw(st.sampled_from(["E1", "E2", "E3"])),
                    "job_family": draw(st.sampled_from(["AES", "TISF"])),
                    "fte": draw(st.sampled_from([0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 1.0])),
                    "start_date": ORIGIN + dt.timedelta(days=start),
                    "end_date": ORIGIN + dt.timedelta(days=start + length) if ended else None,
                    "exit_reason": draw(st.sampled_from(REASONS)) if ended else None,
                }
            )
            cursor = start + length + 1
    return (
        pl.LazyFrame(
            rows,
            schema={
                "employee_id": pl.String,
                "establishment_id": pl.String,
                "job_family": pl.String,
                "fte": pl.Float64,
                "start_date": pl.Date,
                "end_date": pl.Date,
                "exit_reason": pl.String,
            },
        )
        .with_row_index("contract_id")
        .with_columns(pl.col("contract_id").cast(pl.String))
    )


@st.composite
def budgets(draw) -> pl.LazyFrame:
    rows = []
    for cell in draw(
        st.lists(
            st.tuples(st.sampled_from(["E1", "E2", "E3"]), st.sampled_from(["AES", "TISF"])), unique=True, max_size=4
        )
    ):
        for start in draw(st.lists(st.integers(0, 560), unique=True, max_size=3)):
            end = draw(st.one_of(st.none(), st.integers(start, 700)))
            rows.append(
                {
                    "establishment_id": cell[0],
                    "job_family": cell[1],
                    "valid_from": ORIGIN + dt.timedelta(days=start),
                    "valid_to": None if end is None else ORIGIN + dt.timedelta(days=end),
                    "budgeted_fte": draw(st.sampled_from([0.0, 0.3, 0.5, 1.0, 1.8, 2.5])),
                }
            )
    return pl.LazyFrame(
        rows,
        schema={
            "establishment_id": pl.String,
            "job_family": pl.String,
            "valid_from": pl.Date,
            "valid_to": pl.Date,
            "budgeted_fte": pl.Float64,
        },
    )


periods = st.sampled_from(
    [
        Period(dt.date(2024, 6, 30), dt.date(2024, 1, 1)),
        Period(dt.date(2024, 6, 14), dt.date(2023, 7, 1)),  # a mid-month as-of date
        Period(dt.date(2024, 2, 29), dt.date(2022, 1, 1)),  # a window wider than the data
    ]
)


def naive_days(period: Period) -> pl.DataFrame:
    """The reported months and the day their figures are taken on."""
    months = pl.DataFrame({"month": pl.date_range(period.first_month, period.as_of, "1mo", eager=True)})
    return months.with_columns(day=pl.min_horizontal(pl.col("month").dt.month_end(), pl.lit(period.as_of)))


def naive_month_ends(contracts: pl.LazyFrame, period: Period) -> pl.DataFrame:
    """Every month x every contract, kept where the contract is active on the month's figure day."""
    return (
        naive_days(period)
        .join(contracts.collect(), how="cross")
        .filter(
            (pl.col("start_date") <= pl.col("day"))
            & (pl.col("end_date").is_null() | (pl.col("end_date") >= pl.col("day")))
        )
    )


def naive_flags(contracts: pl.LazyFrame, as_of: dt.date) -> dict[str, tuple[bool, bool]]:
    """Hire and exit of each contract, straight from the wording of contract section 4."""
    rows = contracts.collect().to_dicts()

    def active(employee, d):
        return any(
            r["employee_id"] == employee and r["start_date"] <= d and (r["end_date"] is None or r["end_date"] >= d)
            for r in rows
        )

    one = dt.timedelta(days=1)
    return {
        r["contract_id"]: (
            r["start_date"] <= as_of and not active(r["employee_id"], r["start_date"] - one),
            r["end_date"] is not None and r["end_date"] <= as_of and not active(r["employee_id"], r["end_date"] + one),
        )
        for r in rows
    }


@FAST
@given(contract_sets(), periods)
def test_hires_and_exits_are_those_of_the_day_by_day_definition(contracts, period):
    flagged = flag_hires_and_exits(contracts, period.as_of).collect()
    got = {c: (h, e) for c, h, e in flagged.select("contract_id", "is_hire", "is_exit").iter_rows()}
    assert got == naive_flags(contracts, period.as_of)
    voluntary = flagged.filter(pl.col("is_voluntary_exit"))
    assert voluntary["is_exit"].all() and voluntary["exit_reason"].is_in(VOLUNTARY_REASONS).all()


@FAST
@given(contract_sets(), budgets(), periods)
def test_monthly_headcount_and_fte_are_those_of_the_naive_cross_join_and_vacancy_is_never_negative(
    contracts, posts, period
):
    table = workforce_monthly(contracts, posts, period).collect()
    naive = (
        naive_month_ends(contracts, period)
        .group_by("month", "establishment_id", "job_family")
        .agg(
            expected_headcount=pl.col("employee_id").n_unique(),
            active_contracts=pl.len(),
            expected_fte=pl.col("fte").sum(),
        )
    )
    both = table.join(naive, on=["month", "establishment_id", "job_family"], how="full", coalesce=True).fill_null(0)
    naive_budget = (
        naive_days(period)
        .join(posts.collect(), how="cross")
        .filter(
            (pl.col("valid_from") <= pl.col("day"))
            & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= pl.col("day")))
        )
        .sort("valid_from")
        .group_by("month", "establishment_id", "job_family")
        .agg(expected_budget=pl.col("budgeted_fte").last())
    )
    both = both.join(naive_budget, on=["month", "establishment_id", "job_family"], how="left").fill_null(0)
    assert ((both["budgeted_fte"] - both["expected_budget"]).abs() < 1e-9).all()
    expected_vacant = (both["expected_budget"] - both["expected_fte"]).clip(lower_bound=0)
    assert ((both["vacant_fte"] - expected_vacant).abs() < 1e-9).all()
    assert (both["headcount"] == both["expected_headcount"]).all()
    assert (both["headcount"] <= both["active_contracts"]).all()
    assert ((both["fte"] - both["expected_fte"]).abs() < 1e-9).all()
    assert (table["vacant_fte"] >= 0).all()
    assert table["vacancy_rate"].drop_nulls().is_between(0, 1).all()
    assert (table["vacant_fte"] <= table["budgeted_fte"]).all()
    assert (
        table.filter(pl.col("budgeted_fte") == 0)["vacancy_rate"].null_count()
        == table.filter(pl.col("budgeted_fte") == 0).height
    )
    assert uncovered_months(table.lazy(), contracts, posts, period).collect().height == 0


@FAST
@given(contract_sets(), periods)
def test_turnover_counts_are_the_sums_of_the_monthly_exits(contracts, period):
    # A window starting before any contract, so that every month of the look-back is in workforce_monthly.
    period = Period(period.as_of, dt.date(2021, 1, 1))
    monthly = workforce_monthly(contracts, NO_BUDGET, period).collect()
    turnover = turnover_12m(contracts, PLACES, period).collect()
    for scope, column in (("ALL", None), ("ESTABLISHMENT", "establishment_id"), ("JOB_FAMILY", "job_family")):
        cells = monthly.with_columns(scope_id=pl.lit("ALL") if column is None else pl.col(column))
        by_month = cells.group_by("scope_id", "month").agg(pl.col("exits", "voluntary_exits").sum())
        expected = (
            turnover.filter(scope=scope)
            .select("scope_id", "month", "exits_12m", "voluntary_exits_12m")
            .join(by_month, on="scope_id", suffix="_in_month")
            .filter(
                (pl.col("month_in_month") <= pl.col("month"))
                & (pl.col("month_in_month") > pl.col("month").dt.offset_by("-12mo"))
            )
            .group_by("scope_id", "month", "exits_12m", "voluntary_exits_12m")
            .agg(pl.col("exits").sum(), pl.col("voluntary_exits").sum())
        )
        assert (expected["exits_12m"] == expected["exits"]).all()
        assert (expected["voluntary_exits_12m"] == expected["voluntary_exits"]).all()
        # ...and no month with exits in its twelve months is left out of turnover_12m.
        assert (
            expected.filter(pl.col("exits") > 0).height
            == turnover.filter((pl.col("scope") == scope) & (pl.col("exits_12m") > 0)).height
        )


@FAST
@given(contract_sets(), periods)
def test_organisation_headcount_rolls_forward_and_counts_distinct_people(contracts, period):
    table = turnover_12m(contracts, PLACES, period).collect()
    assert (roll_forward(table.lazy(), contracts, period).collect()["unexplained"] == 0).all()
    org = table.filter(scope="ALL").select("month", "headcount")
    naive = naive_month_ends(contracts, period).group_by("month").agg(expected=pl.col("employee_id").n_unique())
    both = org.join(naive, on="month", how="full", coalesce=True).fill_null(0)
    assert (both["headcount"] == both["expected"]).all()
    assert table["turnover_rate"].drop_nulls().ge(0).all() and table["rotation_rate"].drop_nulls().ge(0).all()
    assert not table.select(pl.col("turnover_rate", "rotation_rate").is_nan().any()).row(0)[0]
