"""marts.carer_age_profile: one row per known territory and five-year age band of the carers
active on the as-of date; places and children within the bands' carers; shares summing to 1
per territory; the territory's carers, places and children as in carer_capacity_monthly."""

from pipelines.quality.suites import (
    MART_BUG,
    PERIOD,
    WARNING,
    Suite,
    faults,
    is_found_in,
    is_not_a_share,
    keys_are_unique,
)

CAPACITY = "marts.carer_capacity_monthly"


def _same_as_capacity(column: str, capacity_column: str) -> str:
    """Gives the condition that the territory's total of `column` differs from its as-of month in capacity."""
    return (
        f"(SELECT sum(a.{column}) FROM marts.carer_age_profile a WHERE a.territory_id = t.territory_id) <> "
        f"coalesce((SELECT c.{capacity_column} FROM {CAPACITY} c WHERE c.territory_id = t.territory_id "
        f"AND c.month = (SELECT as_of_month FROM {PERIOD})), 0)"
    )


SUITE = Suite(
    "marts.carer_age_profile",
    [
        *keys_are_unique(
            ("territory_id", "age_band"), f"Two rows for one territory and age band, or no key: {MART_BUG}"
        ),
        is_found_in(
            "territory_id",
            "staging.territories",
            severity=WARNING,
            fix=f"A territory unknown to territories, though foster_carers' are checked against it: {MART_BUG}",
        ),
        faults(
            "bands_add_up_to_the_territory",
            {
                "as_of_date": f"t.as_of_date <> (SELECT as_of_date FROM {PERIOD})",
                "age_band_start": "t.age_band_start < 15 OR t.age_band_start > 80 OR t.age_band_start % 5 <> 0 "
                "OR t.age_band <> t.age_band_start || '-' || (t.age_band_start + 4)",
                "carers": f"t.carers < 1 OR {_same_as_capacity('carers', 'active_carers')}",
                "approved_places": f"t.approved_places < t.carers OR t.approved_places > 6 * t.carers "
                f"OR {_same_as_capacity('approved_places', 'approved_places')}",
                "children_placed": f"t.children_placed < 0 "
                f"OR {_same_as_capacity('children_placed', 'occupied_places')}",
                "share_of_carers": f"{is_not_a_share('share_of_carers')} OR abs((SELECT sum(a.share_of_carers) FROM "
                "marts.carer_age_profile a WHERE a.territory_id = t.territory_id) - 1) > 1e-9",
            },
            f"A band on another day than the as-of date, an age band outside 15-84 or not five years wide, a band "
            f"without carers, approved places outside 1 to 6 per carer, shares not summing to 1, or a territory "
            f"whose carers, places or children differ from carer_capacity_monthly's as-of month: {MART_BUG}",
            reads=(PERIOD, CAPACITY),
        ),
    ],
    row="t.territory_id || ' ' || t.age_band",
)
