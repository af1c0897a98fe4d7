"""Coverage from segur_measures, the panel's timing columns, and pay before and after."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.segur.panel import coverage_months, segur_panel
from pipelines.segur.pay import segur_pay

D = dt.date


def measures(*rows) -> pl.LazyFrame:
    return pl.DataFrame(
        rows,
        schema={
            "job_family": pl.String,
            "employer_kind": pl.String,
            "effective_date": pl.Date,
            "monthly_net_eur": pl.Float64,
        },
        orient="row",
    ).lazy()


FAMILIES = pl.DataFrame({"job_family": ["ES", "INF", "ADM", "AF"], "segur_group": ["S", "I", "T", "N"]}).lazy()


def test_a_family_is_covered_from_its_earliest_measure_for_the_employer_kind():
    table = coverage_months(
        measures(
            ("ES", None, D(2022, 4, 1), 183.0),
            ("INF", "DEPARTMENT", D(2022, 4, 1), 183.0),
            ("INF", "ASSOCIATION", D(2022, 1, 1), 183.0),
            ("ADM", "ASSOCIATION", D(2024, 1, 1), 183.0),
            ("ADM", "ASSOCIATION", D(2025, 1, 1), 183.0),
        ),
        FAMILIES,
    ).collect()
    cover = dict(zip(table["job_family"], table["cover_month"], strict=True))
    assert cover == {"ADM": D(2024, 1, 1), "AF": None, "ES": D(2022, 4, 1), "INF": D(2022, 1, 1)}
    for_departments = coverage_months(
        measures(("INF", "DEPARTMENT", D(2022, 4, 1), 183.0), ("ADM", "ASSOCIATION", D(2024, 1, 1), 183.0)),
        FAMILIES,
        employer_kind="DEPARTMENT",
    ).collect()
    assert dict(zip(for_departments["job_family"], for_departments["cover_month"], strict=True))["ADM"] is None


def test_a_mid_month_date_covers_its_month_and_a_zero_amount_covers_nothing():
    table = coverage_months(
        measures(("ES", None, D(2022, 4, 15), 183.0), ("INF", None, D(2021, 1, 1), 0.0)), FAMILIES
    ).collect()
    cover = dict(zip(table["job_family"], table["cover_month"], strict=True))
    assert cover["ES"] == D(2022, 4, 1) and cover["INF"] is None


def test_panel_counts_months_from_coverage_and_leaves_empty_cells_without_a_rate():
    workforce = pl.DataFrame(
        {
            "month": [D(2022, 2, 1), D(2022, 3, 1), D(2022, 4, 1), D(2022, 5, 1), D(2022, 4, 1)],
            "establishment_id": ["E1"] * 5,
            "job_family": ["ES", "ES", "ES", "ES", "AF"],
            "headcount": [10, 10, 0, 8, 4],
            "voluntary_exits": [1, 0, 1, 2, 0],
            "budgeted_fte": [10.0] * 5,
            "vacant_fte": [0.0, 0.0, 10.0, 2.0, 0.0],
            "vacancy_rate": [0.0, 0.0, 1.0, 0.2, 0.0],
        }
    ).lazy()
    coverage = coverage_months(measures(("ES", None, D(2022, 4, 1), 183.0)), FAMILIES)
    table = segur_panel(workforce, coverage)
    es = table.filter(job_family="ES")
    assert es["rel_month"].to_list() == [-2, -1, 0, 1]
    assert es["covered"].to_list() == [False, False, True, True]
    assert es["voluntary_exit_rate"].to_list() == [0.1, 0.0, None, 0.25]
    af = table.filter(job_family="AF").row(0, named=True)
    assert af["cover_month"] is None and af["rel_month"] is None and not af["covered"]


def test_pay_compares_contracts_starting_in_the_year_before_and_the_year_from_the_measure():
    staff = pl.DataFrame(
        {
            "job_family": ["ES"] * 5 + ["ADM"],
            "start_date": [D(2021, 3, 1), D(2021, 6, 1), D(2022, 3, 31), D(2022, 4, 1), D(2023, 4, 1), D(2022, 5, 1)],
            "monthly_gross_pay": [2000.0, 2100.0, 2200.0, 2400.0, 9999.0, 1800.0],
        }
    ).lazy()
    coverage = coverage_months(measures(("ES", None, D(2022, 4, 1), 183.0)), FAMILIES)
    table = segur_pay(staff, coverage).collect()
    assert table.height == 1  # ADM has no measure
    row = table.row(0, named=True)
    assert (row["contracts_before"], row["median_gross_pay_before"]) == (2, 2150.0)  # 2021-03-01 is 13 months before
    assert (row["contracts_after"], row["median_gross_pay_after"]) == (1, 2400.0)  # 2023-04-01 is past the year
    assert row["median_difference"] == 250.0


def test_the_panel_is_in_cell_order_whatever_order_the_workforce_mart_comes_in():
    from pipelines.segur.panel import in_cell_order

    months = [D(2022, m, 1) for m in (2, 3, 4)]
    workforce = pl.DataFrame(
        {
            "month": months * 2,
            "establishment_id": ["E2"] * 3 + ["E1"] * 3,
            "job_family": ["ES"] * 6,
            "headcount": [1, 2, 3, 4, 5, 6],
            "voluntary_exits": [0] * 6,
            "budgeted_fte": [1.0] * 6,
            "vacant_fte": [0.0] * 6,
            "vacancy_rate": [0.0] * 6,
        }
    )
    coverage = coverage_months(measures(("ES", None, D(2022, 4, 1), 183.0)), FAMILIES)
    table = segur_panel(workforce.lazy(), coverage)
    assert table["establishment_id"].to_list() == ["E1"] * 3 + ["E2"] * 3
    assert table["headcount"].to_list() == [4, 5, 6, 1, 2, 3]
    assert in_cell_order(table)
    assert not in_cell_order(workforce)  # E2 before E1
    assert not in_cell_order(table[[0, 0]])  # one key twice is not in order: each row after the one before
    assert not in_cell_order(table[[1, 0]])  # a month back
    assert in_cell_order(table[:1]) and in_cell_order(table[:0])
