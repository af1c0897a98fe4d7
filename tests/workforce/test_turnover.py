"""marts.turnover_12m: exits over months m-11..m against the mean of the 12 month-end headcounts,
and the taux de rotation against the headcount at the end of m-12, per scope."""

from pipelines.workforce.metrics import turnover_12m
from tests.workforce.helpers import establishments, period, rows, staff

DECEMBER = period(as_of="2024-12-31", first_month="2024-12-01")  # a one-month window: look-backs reach before it
PLACES = establishments(("E1", "T1", "Asso A"), ("E2", "T2", "Asso A"))
RATES = (
    "scope",
    "scope_id",
    "avg_headcount",
    "exits_12m",
    "voluntary_exits_12m",
    "turnover_rate",
    "voluntary_turnover_rate",
    "rotation_rate",
)
# Month-ends of 2024 (and December 2023), all scopes:
#   ana E1 AES  2023-01-01 ->           in post all year
#   bob E1 AES  2023-01-01 -> 2024-03-15 resignation: in post Dec 2023 to Feb 2024
#   cyd E2 TISF 2023-06-01 -> 2024-08-31 retirement:  in post Dec 2023 to Aug 2024 (last day = month end)
#   dan E2 AES  2024-05-01 ->           hire:         in post May to Dec 2024
YEAR = staff(
    ("ana", "E1", "AES", 1, "2023-01-01", None, None),
    ("bob", "E1", "AES", 1, "2023-01-01", "2024-03-15", "RESIGNATION"),
    ("cyd", "E2", "TISF", 1, "2023-06-01", "2024-08-31", "RETIREMENT"),
    ("dan", "E2", "AES", 1, "2024-05-01", None, None),
)


def test_turnover_and_rotation_of_every_scope_over_the_twelve_months():
    assert rows(turnover_12m(YEAR, PLACES, DECEMBER), *RATES) == [
        # headcounts 3 3 2 2 3 3 3 3 2 2 2 2 (mean 2.5); exits bob, cyd; hires dan; 3 in post end 2023
        ("ALL", "ALL", 2.5, 2, 1, 0.8, 0.4, 0.5),
        # E1: 2 2 1 1 1 1 1 1 1 1 1 1 (14/12); 2 in post end 2023; rotation (0 + 1) / 2 / 2
        ("ESTABLISHMENT", "E1", 1.166667, 1, 1, 0.857143, 0.857143, 0.25),
        # E2: 1 1 1 1 2 2 2 2 1 1 1 1 (16/12); rotation (1 + 1) / 2 / 1
        ("ESTABLISHMENT", "E2", 1.333333, 1, 0, 0.75, 0.0, 1.0),
        # AES: 2 2 1 1 2 2 2 2 2 2 2 2 (22/12)
        ("JOB_FAMILY", "AES", 1.833333, 1, 1, 0.545455, 0.545455, 0.5),
        # TISF: 1 1 1 1 1 1 1 1 0 0 0 0 (8/12)
        ("JOB_FAMILY", "TISF", 0.666667, 1, 0, 1.5, 0.0, 0.5),
        ("TERRITORY", "T1", 1.166667, 1, 1, 0.857143, 0.857143, 0.25),
        ("TERRITORY", "T2", 1.333333, 1, 0, 0.75, 0.0, 1.0),
    ]


def test_scope_all_counts_distinct_employees_not_the_sum_of_establishments():
    contracts = staff(
        ("ana", "E1", "AES", 0.5, "2023-01-01", None, None),
        ("ana", "E2", "AES", 0.5, "2023-01-01", None, None),
    )
    table = turnover_12m(contracts, PLACES, DECEMBER)
    assert rows(table, "scope", "scope_id", "headcount", "avg_headcount") == [
        ("ALL", "ALL", 1, 1.0),
        ("ESTABLISHMENT", "E1", 1, 1.0),
        ("ESTABLISHMENT", "E2", 1, 1.0),
        ("JOB_FAMILY", "AES", 1, 1.0),
        ("TERRITORY", "T1", 1, 1.0),
        ("TERRITORY", "T2", 1, 1.0),
    ]


def test_a_move_between_establishments_is_no_exit_anywhere_and_territory_comes_from_the_establishment():
    places = establishments(("E1", "T1", "Asso A"), ("E2", "T1", "Asso A"))
    contracts = staff(
        ("ana", "E1", "AES", 1, "2023-01-01", "2024-06-30", "INTERNAL_TRANSFER"),
        ("ana", "E2", "AES", 1, "2024-07-01", None, None),
    )
    table = turnover_12m(contracts, places, DECEMBER)
    assert rows(table, "scope", "scope_id", "headcount", "avg_headcount", "exits_12m", "hires_12m") == [
        ("ALL", "ALL", 1, 1.0, 0, 0),
        ("ESTABLISHMENT", "E1", 0, 0.5, 0, 0),
        ("ESTABLISHMENT", "E2", 1, 0.5, 0, 0),
        ("JOB_FAMILY", "AES", 1, 1.0, 0, 0),
        ("TERRITORY", "T1", 1, 1.0, 0, 0),
    ]


def test_rotation_is_null_when_nobody_was_in_post_at_the_end_of_month_m_minus_12():
    contracts = staff(("ana", "E1", "AES", 1, "2024-01-01", None, None))
    table = turnover_12m(contracts, PLACES, DECEMBER).filter(scope="ALL")
    assert rows(table, "headcount_12m_ago", "hires_12m", "rotation_rate", "turnover_rate") == [(0, 1, None, 0.0)]


def test_turnover_is_null_not_infinite_when_nobody_was_in_post_at_any_month_end():
    contracts = staff(("ana", "E1", "AES", 1, "2024-12-05", "2024-12-20", "END_OF_TRIAL"))
    table = turnover_12m(contracts, PLACES, DECEMBER).filter(scope="ALL")
    assert rows(table, "avg_headcount", "exits_12m", "turnover_rate", "voluntary_turnover_rate") == [
        (0.0, 1, None, None)
    ]


def test_the_twelve_months_end_with_month_m():
    # An exit 12 months before December (December 2023) is out of the window; one in January 2024 is in.
    contracts = staff(
        ("ana", "E1", "AES", 1, "2022-01-01", "2023-12-15", "RESIGNATION"),
        ("bob", "E1", "AES", 1, "2022-01-01", "2024-01-15", "RESIGNATION"),
        ("cyd", "E1", "AES", 1, "2022-01-01", None, None),
    )
    table = turnover_12m(contracts, PLACES, DECEMBER).filter(scope="ALL")
    # month-ends 2024: 1 (Jan, bob gone) ... 1 -> mean 1; end of 2023: bob and cyd
    assert rows(table, "exits_12m", "avg_headcount", "headcount_12m_ago", "rotation_rate") == [(1, 1.0, 2, 0.25)]


def test_every_month_of_the_window_has_its_own_twelve_months():
    contracts = staff(
        ("ana", "E1", "AES", 1, "2023-01-01", "2024-02-10", "RESIGNATION"),
        ("bob", "E1", "AES", 1, "2023-01-01", None, None),
    )
    q1 = period(as_of="2024-03-31", first_month="2024-01-01")
    table = turnover_12m(contracts, PLACES, q1).filter(scope="ALL")
    assert rows(table, "month", "headcount", "exits", "avg_headcount", "exits_12m", "turnover_rate") == [
        ("2024-01-01", 2, 0, 2.0, 0, 0.0),
        ("2024-02-01", 1, 1, 1.916667, 1, 0.521739),  # 23 / 12 and 12 / 23
        ("2024-03-01", 1, 0, 1.833333, 1, 0.545455),  # 22 / 12 and 12 / 22
    ]
