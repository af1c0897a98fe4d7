"""marts.carer_funnel on a handful of enquiries, computed by hand (contract section 4)."""

from __future__ import annotations

from pipelines.carers.funnel import carer_funnel
from tests.carers.helpers import enquiries, period, rows

ENQUIRIES = enquiries(
    ("2024-01-10", "WEBSITE", "T1", "2024-01-20", "2024-03-10", "APPROVED"),  # 60 days to decision
    ("2024-02-15", "WEBSITE", "T1", "2024-03-01", "2024-04-15", "REFUSED"),  # 60
    ("2024-03-31", "WEBSITE", "T1", None, "2024-04-30", "WITHDRAWN"),  # 30, withdrew before applying
    ("2024-01-05", "WEBSITE", "T1", None, None, None),
    ("2024-02-01", "INFO_MEETING", "T1", "2024-02-10", "2024-05-01", "APPROVED"),  # 90
    ("2024-04-01", "WEBSITE", "T1", None, None, None),
    ("2024-01-02", "WEBSITE", "T2", "2024-01-05", "2024-01-12", "REFUSED"),  # 10
    ("2024-02-02", "WEBSITE", "T2", "2024-02-05", "2024-02-23", "APPROVED"),  # 21
    ("2023-12-31", "WEBSITE", "T1", None, None, None),  # before the window's first quarter
    ("2024-07-01", "WEBSITE", "T1", None, None, None),  # after the as-of date
)


def test_funnel_counts_each_cohort_quarter_channel_and_territory():
    table = carer_funnel(ENQUIRIES, period("2024-06-30", "2024-01-01"))
    assert rows(
        table,
        "cohort_quarter",
        "channel",
        "territory_id",
        "enquiries",
        "applications",
        "approvals",
        "refusals",
        "withdrawals",
        "median_days_to_decision",
    ) == [
        ("2024-01-01", "INFO_MEETING", "T1", 1, 1, 1, 0, 0, 90.0),
        ("2024-01-01", "WEBSITE", "T1", 4, 2, 1, 1, 1, 60.0),
        ("2024-01-01", "WEBSITE", "T2", 2, 2, 1, 1, 0, 15.5),
        ("2024-04-01", "WEBSITE", "T1", 1, 0, 0, 0, 0, None),
    ]


def test_funnel_rates_divide_by_the_stage_before_and_are_null_on_zero():
    table = carer_funnel(ENQUIRIES, period("2024-06-30", "2024-01-01"))
    assert rows(table, "application_rate", "approval_rate", "conversion_rate", "complete_quarter") == [
        (1.0, 1.0, 1.0, True),
        (0.5, 0.5, 0.25, True),
        (1.0, 0.5, 0.5, True),
        (0.0, None, 0.0, True),
    ]


def test_funnel_marks_the_as_of_quarter_incomplete_mid_quarter():
    table = carer_funnel(ENQUIRIES, period("2024-05-31", "2024-01-01"))
    assert rows(table.filter(cohort_quarter=table.collect()["cohort_quarter"].max()), "complete_quarter") == [(False,)]
