"""marts.carer_projection: one row per known territory and year 1 to 5 after the as-of date;
expected figures not negative; without recruitment, carers and places only fall from today's."""

from pipelines.quality.suites import MART_BUG, PERIOD, Suite, faults, keys_are_unique

YEARS = 5
EXPECTED = (
    "expected_retirements",
    "expected_other_leavers",
    "expected_recruits",
    "expected_active_carers",
    "expected_approved_places",
    "recruits_needed",
)
# Without recruitment, a figure is at most last year's (today's in year 1).
FALLING = {
    "expected_active_carers_without_recruitment": "active_carers_today",
    "expected_approved_places_without_recruitment": "approved_places_today",
}


def _at_most_last_year(column: str, today: str) -> str:
    last_year = (
        f"(SELECT p.{column} FROM marts.carer_projection p WHERE p.territory_id = t.territory_id "
        "AND p.year = t.year - 1)"
    )
    return f"t.{column} < 0 OR t.{column} > coalesce({last_year}, t.{today}) + 1e-9"


SUITE = Suite(
    "marts.carer_projection",
    [
        *keys_are_unique(("territory_id", "year"), f"Two rows for one territory and year, or no key: {MART_BUG}"),
        faults(
            "years_and_territories_are_known",
            {
                "year": f"t.year NOT BETWEEN 1 AND {YEARS} OR (SELECT count(*) FROM marts.carer_projection p "
                f"WHERE p.territory_id = t.territory_id) <> {YEARS}",
                "year_end": f"t.year_end <> (SELECT as_of_date FROM {PERIOD}) + to_years(t.year)",
                "territory_id": "NOT EXISTS (SELECT 1 FROM staging.territories r "
                "WHERE r.territory_id = t.territory_id)",
            },
            f"A year outside 1 to {YEARS}, a territory without its {YEARS} years, a year's end that is not the "
            f"as-of date plus the years, or a territory unknown to territories: {MART_BUG}",
            reads=(PERIOD, "staging.territories"),
        ),
        faults(
            "projected_figures_are_within_bounds",
            {c: f"t.{c} < 0 OR isnan(t.{c})" for c in EXPECTED}
            | {c: _at_most_last_year(c, today) for c, today in FALLING.items()}
            | {"places_per_recruit": "t.places_per_recruit < 1 OR t.places_per_recruit > 6"},
            f"An expected figure below 0 or NaN, carers or places without recruitment above the year before's "
            f"(or today's), or places per recruit outside the agrément's 1 to 6: {MART_BUG}",
        ),
    ],
    row="t.territory_id || ' year ' || t.year",
)
