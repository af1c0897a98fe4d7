"""Workforce assets (group `workforce`): each declares the tables it reads (`pipelines.tables`),
calls the pure transforms of `metrics` and `recruitment`, and says what it found (`summaries`).

The asset checks call the pure predicates of `checks`; the rates' bounds are checked once, blocking,
by the marts' GX suites (expectations/marts_*.py, check `expectations_are_met`)."""

import dagster as dg
import polars as pl

from pipelines.markdown import percent
from pipelines.tables import PERIOD, Tables, asset_key, metadata, table_asset, table_spec, tables_asset
from pipelines.warehouse import Warehouse
from pipelines.workforce import checks, metrics, recruitment, summaries
from pipelines.workforce.employment import flag_hires_and_exits

STAFF, BUDGET = "staging.staff", "staging.budgeted_posts"
ESTABLISHMENTS, POSTINGS = "staging.establishments", "staging.job_postings"


def _mart(name: str, reads: list[str]) -> dg.AssetSpec:
    return table_spec(f"marts.{name}", [*reads, PERIOD], "workforce")


# The marts that read the contracts' hires and exits, computed together (`contract_marts`).
# turnover_12m_by_organisation is apart from turnover_12m, not a fifth scope of it: the contract (section 3)
# fixes turnover_12m's scopes to ALL, ESTABLISHMENT, JOB_FAMILY and TERRITORY, and its "organisation" (scope
# ALL) is the whole employer, while `organisation` there is the association an establishment belongs to.
CONTRACT_MARTS = [
    _mart("workforce_monthly", [STAFF, BUDGET, ESTABLISHMENTS]),
    _mart("turnover_12m", [STAFF, ESTABLISHMENTS]),
    _mart("turnover_12m_by_organisation", [STAFF, ESTABLISHMENTS]),
    _mart("exits_by_reason", [STAFF]),
    _mart("early_attrition", [STAFF]),
]


@tables_asset(
    CONTRACT_MARTS,
    can_subset=True,
)
def contract_marts(tables: Tables, selected: list[str], context: dg.AssetExecutionContext):
    period, establishments = tables.period, tables.lazy(ESTABLISHMENTS)
    # Flagging sorts every contract: done once here, not once per mart.
    contracts = flag_hires_and_exits(tables.lazy(STAFF), period.as_of).collect().lazy()
    marts = {
        "marts.workforce_monthly": lambda: metrics.workforce_monthly(contracts, tables.lazy(BUDGET), period),
        "marts.turnover_12m": lambda: metrics.turnover_12m(contracts, establishments, period),
        "marts.turnover_12m_by_organisation": lambda: metrics.turnover_12m(
            contracts, establishments, period, scopes=("ORGANISATION",)
        ),
        "marts.exits_by_reason": lambda: metrics.exits_by_reason(contracts, period),
        "marts.early_attrition": lambda: metrics.early_attrition(contracts, period),
    }
    names = [name for name in marts if name in selected]
    context.log.info(f"Hires and exits flagged; computing {', '.join(names)}.")
    # Together: each mart is mostly a chain of order-dependent steps on one core, so two run side by side.
    computed = dict(zip(names, pl.collect_all([marts[name]() for name in names]), strict=True))
    # One table of every establishment's vacancy, turnover and head count on both marts' pages.
    month = period.as_of.replace(day=1)
    workforce, turnover = (
        by_establishment(tables, computed, n, month) for n in ("marts.workforce_monthly", "marts.turnover_12m")
    )

    def establishments_by(worst: str) -> pl.DataFrame:
        return summaries.establishments_latest(workforce, turnover, establishments, month, worst)

    describe = {
        "marts.workforce_monthly": lambda t: summaries.describe_workforce_monthly(
            t, establishments_by(summaries.WORST_VACANCY), period
        ),
        "marts.turnover_12m": lambda t: summaries.describe_turnover_12m(
            t, establishments_by(summaries.WORST_TURNOVER), period
        ),
        "marts.turnover_12m_by_organisation": lambda t: summaries.describe_turnover(t, period),
        "marts.exits_by_reason": summaries.describe_exits_by_reason,
        "marts.early_attrition": summaries.describe_early_attrition,
    }
    return {name: (table, describe[name](table)) for name, table in computed.items()}


def by_establishment(tables: Tables, computed: dict[str, pl.DataFrame], name: str, month) -> pl.LazyFrame | None:
    """Gives a mart by establishment as this run computed it, else its `month` as the warehouse holds
    it (a run of part of the marts), else None."""
    if name in computed:
        return computed[name].lazy()
    return tables.read(name, where=f"month = DATE '{month}'").lazy() if tables.exists(name) else None


@table_asset("marts.long_vacancies", reads=["marts.workforce_monthly", PERIOD], group="workforce")
def long_vacancies(tables: Tables):
    table = metrics.long_vacancies(tables.lazy("marts.workforce_monthly"), tables.period).collect()
    ongoing = table.filter(pl.col("ongoing"))
    return table, {"ongoing": ongoing.height, "ongoing_vacant_fte": ongoing["last_vacant_fte"].sum()}


@table_asset("marts.time_to_fill", reads=[POSTINGS, PERIOD], group="workforce")
def time_to_fill(tables: Tables):
    table = recruitment.time_to_fill(tables.lazy(POSTINGS), tables.period).collect()
    return table, {
        "median_days_to_fill": table["days_to_fill"].median(),
        "open_postings": table["still_open"].sum(),
        "median_open_days": table["open_days"].median(),
    }


@table_asset("marts.recruitment_funnel", reads=[POSTINGS, "staging.applications", PERIOD], group="workforce")
def recruitment_funnel(tables: Tables):
    postings, applications = tables.lazy(POSTINGS), tables.lazy("staging.applications")
    table = recruitment.recruitment_funnel(postings, applications, tables.period).collect()
    applied, hired = table["applications"].sum(), table["hired"].sum()
    return table, {"applications": applied, "hire_rate (%)": percent(hired / applied) if applied else None}


@dg.asset_check(
    asset=asset_key("marts.workforce_monthly"),
    blocking=True,
    description="Every month from the first month of data to the as-of month with a contract or a budget in "
    "force has rows.",
)
def months_have_no_gaps(warehouse: Warehouse) -> dg.AssetCheckResult:
    tables = Tables(warehouse, frozenset({STAFF, BUDGET, "marts.workforce_monthly", PERIOD}))
    period, staff, budget = tables.period, tables.lazy(STAFF), tables.lazy(BUDGET)
    monthly = tables.read("marts.workforce_monthly", columns=["month"])
    missing = checks.uncovered_months(monthly.lazy(), staff, budget, period).collect()
    first = checks.first_data_month(staff, budget, period).collect().item()
    return dg.AssetCheckResult(
        passed=missing.height == 0,
        description=None
        if missing.height == 0
        else "Months with contracts or budget but no row: " + ", ".join(str(m) for m in missing["month"].head(12)),
        metadata={
            "first_month_of_data": str(first),
            "as_of_month": str(period.as_of.replace(day=1)),
            "months_reported": monthly["month"].n_unique(),
            "months_missing": missing.height,
        },
    )


@dg.asset_check(
    asset=asset_key("marts.turnover_12m"),
    blocking=True,
    description="Organisation headcount rolls forward: end = start + hires - exits, once the two edge cases of "
    "contract section 4 are accounted for (several contracts of one person starting or ending the same day; "
    "leavers whose last day is the month's last day).",
)
def headcount_rolls_forward(warehouse: Warehouse) -> dg.AssetCheckResult:
    tables = Tables(warehouse, frozenset({STAFF, "marts.turnover_12m", PERIOD}))
    table = checks.roll_forward(tables.lazy("marts.turnover_12m"), tables.lazy(STAFF), tables.period).collect()
    wrong = table.filter(pl.col("unexplained") != 0)
    facts = {
        "months_checked": table.height,
        "months_where_end_equals_start_plus_hires_minus_exits": (table["plain_difference"] == 0).sum(),
        **{name: int(table[name].sum()) for name in ("same_day_extra_hires", "same_day_extra_exits")},
        "month_end_leavers": int(table["month_end_leavers"].sum()),
        "months_unexplained": wrong.height,
        "unexplained": wrong.head(10) if wrong.height else None,
    }
    return dg.AssetCheckResult(
        passed=wrong.height == 0,
        description=None if wrong.height == 0 else f"{wrong.height} month(s) where headcount does not roll forward.",
        metadata=metadata(facts),
    )


workforce_assets = [contract_marts, long_vacancies, time_to_fill, recruitment_funnel]
# Only the checks GX cannot express (see pipelines/workforce/checks.py).
workforce_checks = [months_have_no_gaps, headcount_rolls_forward]
