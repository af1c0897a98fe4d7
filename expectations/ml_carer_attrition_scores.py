"""ml.carer_attrition_scores: one score per known carer on the as-of date; the risk a
probability; band, places at risk and suggested measure as the risk and factors give them.
Carers are pseudonyms: examples name a row by territory and rank, never by carer_id."""

from models.explanation import MEASURES
from models.scoring import BANDS, LOW, MODEL, RECORDED_END
from pipelines.quality.suites import (
    BLOCKING,
    MART_BUG,
    PERIOD,
    Suite,
    faults,
    is_found_in,
    is_not_in,
    keys_are_unique,
    row_count_is_stable,
)

BAND = "CASE " + " ".join(f"WHEN t.risk_12m >= {low} THEN '{band}'" for low, band in BANDS) + f" ELSE '{LOW}' END"

SUITE = Suite(
    "ml.carer_attrition_scores",
    [
        *keys_are_unique(
            ("carer_id",),
            "Two scores for one carer, or a score without a carer, and the projection "
            f"would count the carer twice: {MART_BUG}",
        ),
        is_found_in(
            "carer_id",
            "staging.foster_carers",
            fix="A score for a carer not in foster_carers (features joined to the wrong carers, or left "
            "from an earlier extract), and the projection would count carers who do not exist: "
            f"{MART_BUG}",
        ),
        faults(
            "risks_are_probabilities_on_the_as_of_date",
            {
                "risk_12m": "t.risk_12m IS NULL OR t.risk_12m < 0 OR t.risk_12m > 1 OR isnan(t.risk_12m)",
                "as_of_date": f"t.as_of_date IS DISTINCT FROM (SELECT as_of_date FROM {PERIOD})",
            },
            f"A risk outside [0, 1] or missing, or a score of another day than the as-of date, and the "
            f"projection of carers would be wrong: {MART_BUG}",
            BLOCKING,
            reads=(PERIOD,),
        ),
        faults(
            "bands_and_measures_follow_the_risk",
            {
                "risk_band": f"t.risk_band IS DISTINCT FROM {BAND}",
                "places_at_risk": "abs(t.places_at_risk - t.risk_12m * t.children_placed) > 1e-9",
                "children_placed": "t.children_placed < 0",
                "approved_places": "t.approved_places NOT BETWEEN 1 AND 6",
                "risk_source": is_not_in("risk_source", (MODEL, RECORDED_END)),
                "suggested_measure": f"{is_not_in('suggested_measure', MEASURES.values())} "
                "OR (t.suggested_measure IS NULL) <> (t.top_factors IS NULL)",
            },
            f"A risk band that does not follow the risk (HIGH from {BANDS[0][0]}, MEDIUM from {BANDS[1][0]}), "
            f"places at risk other than risk x children placed, places outside the agrément's 1 to 6, or a "
            f"measure missing where factors are named (or unknown): {MART_BUG}",
        ),
        row_count_is_stable("ml.carer_attrition_scores"),
    ],
    row="t.territory_id || ' risk rank ' || row_number() OVER (ORDER BY t.risk_12m DESC, t.carer_id)",
    private=("carer_id",),
)
