"""Which factors weigh on a carer's risk, by asking the model "what if this factor were good?".

For each factor the carer's features are set to a good value (one référent
visit a month, a day of respite a month, no empty place...) and the model
scores the carer again; the drop in risk is the factor's weight for that
carer. These are associations the model found in past data, not proven
causes: a carer with few visits may differ from others in ways the data
does not show, and more visits may not bring the risk down by as much.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from models.features import NO_ALLEGATION_MONTHS

# A factor is named among the top ones when its good value lowers the risk by at least this much.
MIN_EFFECT = 0.01
TOP = 3
# Age below which no retirement is near; carers from RETIREMENT_FROM are compared with it.
RETIREMENT_FROM = 60.0
MID_CAREER_AGE = 55.0


@dataclass(frozen=True)
class Factor:
    name: str
    good_value: Callable[[], list[pl.Expr]]  # the features as they would be were the factor good
    measure: str
    modifiable: bool  # something the service can change, as opposed to a carer's situation


FACTORS = (
    Factor(
        "support_visits",
        lambda: [
            pl.max_horizontal("support_visits_6m", 6.0).alias("support_visits_6m"),
            pl.max_horizontal("support_visits_12m", 12.0).alias("support_visits_12m"),
        ],
        "more référent visits",
        True,
    ),
    Factor(
        "respite",
        lambda: [
            pl.max_horizontal("respite_days_6m", 6.0).alias("respite_days_6m"),
            pl.max_horizontal("respite_days_12m", 12.0).alias("respite_days_12m"),
        ],
        "relais (respite carer)",
        True,
    ),
    Factor(
        "empty_places",
        lambda: [pl.lit(0.0).alias("empty_months_12m"), pl.lit(0.0).alias("empty_places")],
        "placement allocation or income guarantee",
        True,
    ),
    Factor(
        "breakdowns", lambda: [pl.lit(0.0).alias("breakdowns_12m")], "placement matching and analysis of practice", True
    ),
    Factor(
        "allegation",
        lambda: [
            pl.lit(0.0).alias("allegations_24m"),
            pl.lit(float(NO_ALLEGATION_MONTHS)).alias("months_since_allegation"),
        ],
        "accompaniment protocol",
        True,
    ),
    Factor(
        "approaching_retirement",
        lambda: [pl.when(pl.col("age") >= RETIREMENT_FROM).then(MID_CAREER_AGE).otherwise(pl.col("age")).alias("age")],
        "mentoring of new carers",
        False,
    ),
)
MEASURES = {f.name: f.measure for f in FACTORS}


def factor_effects(risk_of: Callable[[pl.DataFrame], np.ndarray], rows: pl.DataFrame) -> pl.DataFrame:
    """Gives, per row, the risk and for each factor the drop in risk were the factor good
    (`effect_<factor>`, 0 when the good value would not lower it)."""
    risk = risk_of(rows)
    effects = {
        f"effect_{f.name}": np.clip(risk - risk_of(rows.with_columns(f.good_value())), 0.0, None) for f in FACTORS
    }
    return rows.select("carer_id").with_columns(risk=pl.Series(risk), **{k: pl.Series(v) for k, v in effects.items()})


def top_factors(effects: pl.DataFrame, min_effect: float = MIN_EFFECT, top: int = TOP) -> pl.DataFrame:
    """Gives carer_id, top_factors (up to `top` factor names, largest effect first, comma-separated;
    null when none reaches `min_effect`), top_factor_effect and suggested_measure (of the first)."""
    names = [f.name for f in FACTORS]
    long = (
        effects.select("carer_id", *(pl.col(f"effect_{n}").alias(n) for n in names))
        .unpivot(index="carer_id", variable_name="factor", value_name="effect")
        .filter(pl.col("effect") >= min_effect)
        # Ties (rare) go to the order of FACTORS, so the result never depends on row order.
        .with_columns(order=pl.col("factor").replace_strict(names, list(range(len(names))), return_dtype=pl.Int32))
        .sort("carer_id", "effect", "order", descending=[False, True, False])
        .group_by("carer_id", maintain_order=True)
        .agg(pl.col("factor").head(top), top_factor_effect=pl.col("effect").first())
    )
    return (
        effects.select("carer_id")
        .join(long, on="carer_id", how="left")
        .select(
            "carer_id",
            top_factors=pl.col("factor").list.join(", "),
            top_factor_effect=pl.col("top_factor_effect"),
            suggested_measure=pl.col("factor").list.first().replace_strict(MEASURES, default=None),
        )
    )
