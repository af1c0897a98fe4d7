"""marts.carer_capacity_monthly: one row per month and known territory, within the
reporting window; no more places occupied than approved; counts not negative."""

from pipelines.quality.suites import (
    BLOCKING,
    MART_BUG,
    PERIOD,
    Suite,
    faults,
    is_found_in,
    is_outside_the_window,
    keys_are_unique,
    row_count_is_stable,
)

SUITE = Suite(
    "marts.carer_capacity_monthly",
    [
        *keys_are_unique(("month", "territory_id"), f"Two rows for one month and territory, or no key: {MART_BUG}"),
        is_found_in("territory_id", "staging.territories"),
        faults(
            "months_are_in_the_reporting_window",
            {"month": is_outside_the_window("month")},
            f"A month outside the reporting window: {MART_BUG}",
            BLOCKING,
            reads=(PERIOD,),
        ),
        faults(
            "counts_are_within_bounds",
            {c: f"t.{c} < 0" for c in ("active_carers", "approved_places", "new_carers", "leavers")}
            | {"occupied_places": "t.occupied_places < 0 OR t.occupied_places > t.approved_places"},
            "More places occupied than the active carers' agréments allow in a territory: placements of carers "
            "not yet (or no longer) employed, or agréments out of date in foster_carers; or a count below 0.",
        ),
        row_count_is_stable("marts.carer_capacity_monthly"),
    ],
    row="strftime(t.month, '%Y-%m') || ' ' || t.territory_id",
)
