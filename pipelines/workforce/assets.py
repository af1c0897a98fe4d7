"""Workforce assets (group `workforce`): thin wrappers that read staging, call the pure
transforms of `metrics` and `recruitment`, write `marts.*` and say what they found.

The asset checks call the pure predicates of `checks`."""

import dagster as dg
import polars as pl

from pipelines.warehouse import Warehouse
from pipelines.workforce import checks, metrics, recruitment, summaries
from pipelines.workforce.employment import flag_hires_and_exits
from pipelines.workforce.months import Period

STAFF = dg.AssetKey(["staging", "staff"])
BUDGET = dg.AssetKey(["staging", "budgeted_posts"])
ESTABLISHMENTS = dg.AssetKey(["staging", "establishments"])
POSTINGS = dg.AssetKey(["staging", "job_postings"])
APPLICATIONS = dg.AssetKey(["staging", "applications"])
PERIOD = dg.AssetKey(["staging", "reporting_period"])
WORKFORCE_MONTHLY = dg.AssetKey(["marts", "workforce_monthly"])
TURNOVER = dg.AssetKey(["marts", "turnover_12m"])
# Below these sizes a rate says more about chance than about the establishment.
TOP_MIN_BUDGETED_FTE = 5.0
TOP_MIN_AVG_HEADCOUNT = 10.0


def _period(warehouse: Warehouse) -> Period:
    return Period.from_table(warehouse.read("staging.reporting_period"))


def _whole_table(warehouse: Warehouse, table: str) -> pl.LazyFrame:
    """Gives every row of a warehouse table, read into memory, as a LazyFrame (no filter is pushed down
    to DuckDB: the transforms are pure Polars and know nothing of the warehouse)."""
    return warehouse.read(table).lazy()


def _numbers(**values: float | int | None) -> dict:
    """Numeric metadata (plotted by the UI across runs), leaving out what could not be computed."""
    return {k: dg.MetadataValue.float(round(float(v), 6)) for k, v in values.items() if v is not None}


def _mart(name: str, deps: list[dg.AssetKey], description: str) -> dg.AssetSpec:
    return dg.AssetSpec(key=["marts", name], deps=deps, group_name="workforce", kinds={"polars", "duckdb"},
                        description=description)  # fmt: skip


# The marts that read the contracts' hires and exits, computed together (`contract_marts`).
CONTRACT_MARTS = [
    _mart("workforce_monthly", [STAFF, BUDGET, ESTABLISHMENTS, PERIOD],
          "Per month, establishment and job family: month-end headcount and fte, hires, exits, voluntary exits, "
          "budgeted and vacant fte, vacancy rate (contract section 4)."),
    _mart("turnover_12m", [STAFF, ESTABLISHMENTS, PERIOD],
          "Per month and scope (ALL, ESTABLISHMENT, JOB_FAMILY, TERRITORY): turnover, voluntary turnover and "
          "rotation (taux de rotation) over the last 12 months, with their counts."),
    # Apart from turnover_12m, not a fifth scope of it: the contract (section 3) fixes turnover_12m's scopes
    # to ALL, ESTABLISHMENT, JOB_FAMILY and TERRITORY, and its "organisation" (scope ALL) is the whole employer,
    # while `organisation` here is the association an establishment belongs to (establishments.organisation).
    _mart("turnover_12m_by_organisation", [STAFF, ESTABLISHMENTS, PERIOD],
          "turnover_12m for each organisation (association) of the establishments: scope ORGANISATION, distinct "
          "employees per organisation. A table of its own because the contract fixes turnover_12m's scopes (ALL, "
          "ESTABLISHMENT, JOB_FAMILY, TERRITORY), and there 'the organisation' (scope ALL) is the whole employer."),
    _mart("exits_by_reason", [STAFF, PERIOD],
          "Exits per month, job family and exit reason (moves and renewals are not exits)."),
    _mart("early_attrition", [STAFF, PERIOD],
          "Per hire cohort month and job family: hires and how many left within 3, 6 and 12 months; cohorts not "
          "yet observed that long are marked (observed_Nm false) and left null."),
]  # fmt: skip


@dg.multi_asset(specs=CONTRACT_MARTS, can_subset=True, description="The workforce marts built on hires and exits: "
                "the contracts are flagged once (`flag_hires_and_exits`) and the selected marts computed together.")
def contract_marts(context: dg.AssetExecutionContext, warehouse: Warehouse):
    period = _period(warehouse)
    selected = {key.path[-1] for key in context.selected_asset_keys}
    names = [spec.key.path[-1] for spec in CONTRACT_MARTS if spec.key.path[-1] in selected]
    # Flagging sorts every contract: done once here, not once per mart.
    contracts = flag_hires_and_exits(_whole_table(warehouse, "staging.staff"), period.as_of).collect()
    context.log.info(f"Hires and exits flagged on {contracts.height} contracts; computing {', '.join(names)}.")
    # Together: each mart is mostly a chain of order-dependent steps on one core, so two run side by side.
    tables = pl.collect_all([MART_TABLES[name](warehouse, contracts.lazy(), period) for name in names])
    del contracts
    for name, table in zip(names, tables):
        rows = warehouse.replace(f"marts.{name}", table)
        context.log.info(f"marts.{name}: {rows} rows.")
        metadata = {"rows": rows, **MART_DESCRIPTIONS[name](warehouse, table, period)}
        yield dg.MaterializeResult(asset_key=["marts", name], metadata=metadata)


MART_TABLES = {
    "workforce_monthly": lambda warehouse, contracts, period: metrics.workforce_monthly(
        contracts, _whole_table(warehouse, "staging.budgeted_posts"), period
    ),
    "turnover_12m": lambda warehouse, contracts, period: metrics.turnover_12m(
        contracts, _whole_table(warehouse, "staging.establishments"), period
    ),
    "turnover_12m_by_organisation": lambda warehouse, contracts, period: metrics.turnover_12m(
        contracts, _whole_table(warehouse, "staging.establishments"), period, scopes=("ORGANISATION",)
    ),
    "exits_by_reason": lambda warehouse, contracts, period: metrics.exits_by_reason(contracts, period),
    "early_attrition": lambda warehouse, contracts, period: metrics.early_attrition(contracts, period),
}


def _describe_workforce_monthly(warehouse: Warehouse, table: pl.DataFrame, period: Period) -> dict:
    latest = period.as_of.replace(day=1)
    by_establishment = summaries.vacancy_by_establishment(table.lazy(), latest).filter(
        pl.col("budgeted_fte") >= TOP_MIN_BUDGETED_FTE
    )
    top = summaries.top_establishments(
        by_establishment, _whole_table(warehouse, "staging.establishments"), "vacancy_rate",
        ["budgeted_fte", "vacant_fte", "vacancy_rate"],
    )  # fmt: skip
    as_of_month = table.filter(pl.col("month") == latest)
    return {
        "months": table["month"].n_unique(),
        "as_of_month": str(latest),
        **_numbers(
            vacancy_rate=summaries.organisation_vacancy_rate(table.lazy(), latest),
            vacant_fte=as_of_month["vacant_fte"].sum(),
            budgeted_fte=as_of_month["budgeted_fte"].sum(),
            fte=as_of_month["fte"].sum(),
        ),
        "highest_vacancy": dg.MetadataValue.md(
            f"{latest:%m/%Y}, establishments budgeted {TOP_MIN_BUDGETED_FTE:g} fte or more\n\n"
            + summaries.markdown(top)
        ),
    }


def _describe_turnover(warehouse: Warehouse, table: pl.DataFrame, period: Period) -> dict:
    """The organisation's latest rates (scope ALL), plotted by the UI across runs."""
    latest = period.as_of.replace(day=1)
    org = table.filter((pl.col("scope") == "ALL") & (pl.col("month") == latest))
    org_row = org.row(0, named=True) if org.height else {}
    return {
        "as_of_month": str(latest),
        **_numbers(
            turnover_rate=org_row.get("turnover_rate"),
            voluntary_turnover_rate=org_row.get("voluntary_turnover_rate"),
            rotation_rate=org_row.get("rotation_rate"),
            headcount=org_row.get("headcount"),
        ),
    }


def _describe_turnover_12m(warehouse: Warehouse, table: pl.DataFrame, period: Period) -> dict:
    top = summaries.top_establishments(
        table.lazy().filter(
            (pl.col("scope") == "ESTABLISHMENT")
            & (pl.col("month") == period.as_of.replace(day=1))
            & (pl.col("avg_headcount") >= TOP_MIN_AVG_HEADCOUNT)
        ).rename({"scope_id": "establishment_id"}),
        _whole_table(warehouse, "staging.establishments"), "turnover_rate",
        ["avg_headcount", "exits_12m", "turnover_rate", "voluntary_turnover_rate"],
    )  # fmt: skip
    return {
        **_describe_turnover(warehouse, table, period),
        "highest_turnover": dg.MetadataValue.md(
            f"{period.as_of:%m/%Y}, 12 months, establishments with an average headcount of "
            f"{TOP_MIN_AVG_HEADCOUNT:g} or more\n\n" + summaries.markdown(top)
        ),
    }


def _describe_exits_by_reason(warehouse: Warehouse, table: pl.DataFrame, period: Period) -> dict:
    reasons = table.group_by("exit_reason").agg(pl.col("exits").sum()).sort("exits", descending=True)
    return {"exits": int(table["exits"].sum()), "by_reason": dg.MetadataValue.md(summaries.markdown(reasons))}


def _describe_early_attrition(warehouse: Warehouse, table: pl.DataFrame, period: Period) -> dict:
    observed = table.filter(pl.col("observed_12m"))
    hires = observed["hires"].sum()
    return _numbers(attrition_rate_12m=observed["left_within_12m"].sum() / hires if hires else None)


MART_DESCRIPTIONS = {
    "workforce_monthly": _describe_workforce_monthly,
    "turnover_12m": _describe_turnover_12m,
    "turnover_12m_by_organisation": _describe_turnover,
    "exits_by_reason": _describe_exits_by_reason,
    "early_attrition": _describe_early_attrition,
}


@dg.asset(
    key=["marts", "long_vacancies"],
    deps=[WORKFORCE_MONTHLY, PERIOD],
    group_name="workforce",
    kinds={"polars", "duckdb"},
    description="Budgeted posts vacant three months or more in a row: per establishment and job family, "
    "each run of vacant months, and whether it is still going at the as-of month.",
)
def long_vacancies(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    table = metrics.long_vacancies(_whole_table(warehouse, "marts.workforce_monthly"), _period(warehouse)).collect()
    rows = warehouse.replace("marts.long_vacancies", table)
    ongoing = table.filter(pl.col("ongoing"))
    return dg.MaterializeResult(
        metadata={"rows": rows, **_numbers(ongoing=ongoing.height, ongoing_vacant_fte=ongoing["last_vacant_fte"].sum())}
    )


@dg.asset(
    key=["marts", "time_to_fill"],
    deps=[POSTINGS, PERIOD],
    group_name="workforce",
    kinds={"polars", "duckdb"},
    description="One row per job posting: days to fill (FILLED only), and the age of postings still open "
    "on the as-of date.",
)
def time_to_fill(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    table = recruitment.time_to_fill(_whole_table(warehouse, "staging.job_postings"), _period(warehouse)).collect()
    rows = warehouse.replace("marts.time_to_fill", table)
    return dg.MaterializeResult(
        metadata={
            "rows": rows,
            **_numbers(
                median_days_to_fill=table["days_to_fill"].median(),
                open_postings=table["still_open"].sum(),
                median_open_days=table["open_days"].median(),
            ),
        }
    )


@dg.asset(
    key=["marts", "recruitment_funnel"],
    deps=[POSTINGS, APPLICATIONS, PERIOD],
    group_name="workforce",
    kinds={"polars", "duckdb"},
    description="Per quarter of application, job family and channel: postings, applications, screened, "
    "interviewed, offered, hired, withdrawn, and conversion rates stage to stage.",
)
def recruitment_funnel(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    table = recruitment.recruitment_funnel(
        _whole_table(warehouse, "staging.job_postings"),
        _whole_table(warehouse, "staging.applications"),
        _period(warehouse),
    ).collect()
    rows = warehouse.replace("marts.recruitment_funnel", table)
    applications, hired = table["applications"].sum(), table["hired"].sum()
    return dg.MaterializeResult(
        metadata={"rows": rows, **_numbers(applications=applications,
                                           hire_rate=hired / applications if applications else None)},  # fmt: skip
    )


@dg.asset_check(asset=WORKFORCE_MONTHLY, blocking=True,
                description="Every month from the first month of data to the as-of month with a contract or a "
                            "budget in force has rows.")  # fmt: skip
def months_have_no_gaps(warehouse: Warehouse) -> dg.AssetCheckResult:
    period = _period(warehouse)
    staff, budget = _whole_table(warehouse, "staging.staff"), _whole_table(warehouse, "staging.budgeted_posts")
    monthly = _whole_table(warehouse, "marts.workforce_monthly")
    missing = checks.uncovered_months(monthly, staff, budget, period).collect()
    first = checks.first_data_month(staff, budget, period).collect().item()
    reported = warehouse.query("SELECT count(DISTINCT month) FROM marts.workforce_monthly").item()
    return dg.AssetCheckResult(
        passed=missing.height == 0,
        description=None if missing.height == 0 else "Months with contracts or budget but no row: "
        + ", ".join(str(m) for m in missing["month"].head(12)),
        metadata={"first_month_of_data": str(first), "as_of_month": str(period.as_of.replace(day=1)),
                  "months_reported": reported, "months_missing": missing.height},
    )  # fmt: skip


@dg.asset_check(asset=TURNOVER, blocking=True,
                description="Organisation headcount rolls forward: end = start + hires - exits, once the two "
                            "edge cases of contract section 4 are accounted for (several contracts of one person "
                            "starting or ending the same day; leavers whose last day is the month's last "
                            "day).")  # fmt: skip
def headcount_rolls_forward(warehouse: Warehouse) -> dg.AssetCheckResult:
    period = _period(warehouse)
    turnover, staff = _whole_table(warehouse, "marts.turnover_12m"), _whole_table(warehouse, "staging.staff")
    table = checks.roll_forward(turnover, staff, period)
    table = table.collect()
    wrong = table.filter(pl.col("unexplained") != 0)
    return dg.AssetCheckResult(
        passed=wrong.height == 0,
        description=None if wrong.height == 0 else f"{wrong.height} month(s) where headcount does not roll forward.",
        metadata={
            "months_checked": table.height,
            "months_where_end_equals_start_plus_hires_minus_exits": (table["plain_difference"] == 0).sum(),
            "same_day_extra_hires": int(table["same_day_extra_hires"].sum()),
            "same_day_extra_exits": int(table["same_day_extra_exits"].sum()),
            "month_end_leavers": int(table["month_end_leavers"].sum()),
            "months_unexplained": wrong.height,
            **({"unexplained": dg.MetadataValue.md(summaries.markdown(wrong.head(10)))} if wrong.height else {}),
        },
    )


workforce_assets = [
    contract_marts,
    long_vacancies,
    time_to_fill,
    recruitment_funnel,
]
# Only the checks GX cannot express (see pipelines/workforce/checks.py); the rates' bounds are checked
# once, blocking, by the marts' GX suites (expectations/marts_*.py, check `expectations_are_met`).
workforce_checks = [
    months_have_no_gaps,
    headcount_rolls_forward,
]
