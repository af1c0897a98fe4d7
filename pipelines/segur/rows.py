"""The Ségur estimate's shared pieces: the constants, the schemas of marts.segur_effect and
marts.segur_event_study, the builders of their rows and the pre-trend test's reading.

Both estimate paths use them: `estimate` (small panels: pyfixest, bootstrap) and `large` (many
establishments: `analytic` fits, influence-function intervals). They live apart from both so that
`estimate` can dispatch to `large` and `large` can build the same rows without importing each
other (docs/segur.md describes what is estimated).
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

OUTCOMES = ("voluntary_exit_rate", "vacancy_rate")
ESTIMATORS = {
    "voluntary_exit_rate": ("imputation_poisson", "twfe_poisson"),
    "vacancy_rate": ("imputation_did2s", "twfe_ols"),
}
WINDOW = 24  # event-study months on each side of coverage
LEAD_BIN = 4  # months per lead indicator of the pre-trend test
Z = 1.959963984540054
# A 5 % two-sided test has 80 % power against an effect (Z + Z_POWER) standard errors from zero.
Z_POWER = 0.8416212335729143
# Fewer establishments than this make cluster-robust intervals unreliable (said in the note).
MIN_ESTABLISHMENTS = 10
# Below this many establishments, the pre-trend test's size is off by more than a point or two
# (docs/segur.md, section 10): the note says so.
PRE_TREND_RELIABLE_ESTABLISHMENTS = 100
# Below this many expected exits, a month's ratio is noise (event study only).
MIN_EXPECTED_EXITS = 5.0
EFFECT_SCHEMA = {
    "outcome": pl.String,
    "estimator": pl.String,
    "estimate": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "relative_estimate": pl.Float64,
    "relative_ci_low": pl.Float64,
    "relative_ci_high": pl.Float64,
    "n_units": pl.Int64,
    "pre_trend_p_value": pl.Float64,
    "counterfactual_level": pl.Float64,
    "relative_minimum_detectable_effect": pl.Float64,
    "n_establishments": pl.Int64,
    "n_covered_cell_months": pl.Int64,
    "n_covered_cell_months_left_out": pl.Int64,
    "first_month": pl.Date,
    "last_month": pl.Date,
    "note": pl.String,
}
EVENT_SCHEMA = {
    "outcome": pl.String,
    "estimator": pl.String,
    "rel_month": pl.Int32,
    "estimate": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "relative_estimate": pl.Float64,
    "relative_ci_low": pl.Float64,
    "relative_ci_high": pl.Float64,
    "n_cell_months": pl.Int64,
    "note": pl.String,
}
NO_LEAD_REFERENCE = (
    "no covered cell has an uncovered month older than the 24 months before its coverage (the data start "
    "less than 24 months before every wave), so the months before coverage have nothing to be compared with"
)
NO_LEAD_MODEL = "the model of the months before coverage could not be fitted (too few exits)"


def linear_row(
    estimator: str, b: float, se: float, observed: float, pre_p: float | None, facts: dict, note: str
) -> dict:
    """Gives the marts.segur_effect row of a vacancy-rate estimate `b` (points, standard error `se`), its
    relative figures taken against the level without the measure (`observed` - `b`)."""
    lo, hi = b - Z * se, b + Z * se
    base = observed - b  # the covered cells' level without the measure
    return {
        "outcome": "vacancy_rate",
        "estimator": estimator,
        "estimate": b,
        "ci_low": lo,
        "ci_high": hi,
        "relative_estimate": safe_div(b, observed - b),
        "relative_ci_low": safe_div(lo, observed - lo),
        "relative_ci_high": safe_div(hi, observed - hi),
        "pre_trend_p_value": pre_p,
        "counterfactual_level": base,
        "relative_minimum_detectable_effect": safe_div(-(Z + Z_POWER) * se, base),
        **facts,
        "note": note,
    }


def twfe_poisson_row(b: float, se: float, level: float, pre_p: float | None, facts: dict, no_test: str | None) -> dict:
    """Gives the naive two-way fixed-effects (Poisson) row of voluntary exits: coefficient `b` (log scale)
    with standard error `se`, the covered cells' level without the measure `level`."""
    return {
        "outcome": "voluntary_exit_rate",
        "estimator": "twfe_poisson",
        "estimate": level * math.expm1(b),
        "ci_low": level * math.expm1(b - Z * se),
        "ci_high": level * math.expm1(b + Z * se),
        "relative_estimate": math.expm1(b),
        "relative_ci_low": math.expm1(b - Z * se),
        "relative_ci_high": math.expm1(b + Z * se),
        "pre_trend_p_value": pre_p,
        "counterfactual_level": level,
        "relative_minimum_detectable_effect": detectable_fall_log(se),
        **facts,
        "note": sentences(
            "Naive two-way fixed effects (Poisson): already-covered cells serve as comparisons; "
            "biased when effects differ between waves or grow over time.",
            no_test,
        ),
    }


def linear_event(estimator: str, k: int, b: float, se: float, observed: float, n: int) -> dict:
    """Gives the marts.segur_event_study row of a vacancy-rate estimate `b` at k months from coverage."""
    lo, hi = b - Z * se, b + Z * se
    return {
        "outcome": "vacancy_rate",
        "estimator": estimator,
        "rel_month": k,
        "estimate": b,
        "ci_low": lo,
        "ci_high": hi,
        "relative_estimate": safe_div(b, observed - b),
        "relative_ci_low": safe_div(lo, observed - lo),
        "relative_ci_high": safe_div(hi, observed - hi),
        "n_cell_months": n,
        "note": None,
    }


def count_lead_references(
    cell: np.ndarray, covered: np.ndarray, rel_month: np.ndarray, y: np.ndarray | None = None
) -> int:
    """Gives the number of uncovered cell-months older than the lead window (more than 24 months
    before coverage) in cells that also have lead months: what the leads are compared with.

    Without any, each covered cell's uncovered months are all leads, the leads add up to the cell
    levels, and their coefficients (and the pre-trend test) are not identified: pyfixest then
    returns arbitrary values, the linear-algebra fit others. `rel_month` is NaN for cells never
    covered. With `y` (Poisson), only cells with an exit in their uncovered months count: the
    others leave the fit."""
    rel = np.asarray(rel_month, dtype=float)
    uncovered = ~np.asarray(covered, dtype=bool) & np.isfinite(rel)
    lead = uncovered & (rel >= -WINDOW) & (rel <= -1)
    older = uncovered & (rel < -WINDOW)
    n_cells = int(cell.max()) + 1 if len(cell) else 0
    has_leads = np.bincount(cell[lead], minlength=n_cells) > 0
    if y is not None:
        has_leads &= np.bincount(cell[uncovered], y[uncovered], minlength=n_cells) > 0
    return int(has_leads[cell[older]].sum())


def pre_trend_p_value(b: np.ndarray, vcov: np.ndarray, n_clusters: int) -> float:
    """Gives the p-value of the cluster-robust Wald test that the lead coefficients `b` are all zero,
    read as W / q against F(q, G - 1) (G clusters) rather than chi-squared(q).

    With a few dozen clusters the chi-squared reading rejects far too often when nothing drifted
    (25 % at 20 establishments, 13 % at 40 for a nominal 5 %; docs/segur.md, section 10); the F
    reading, a common small-cluster correction (Cameron & Miller 2015), removes part of it."""
    from scipy import stats

    q = len(b)
    stat = float(b @ np.linalg.pinv(vcov) @ b)
    return float(stats.f.sf(stat / q, q, max(n_clusters - 1, 1)))


def no_leads(outcome: str, estimator: str, counts: list[int], why: str) -> list[dict]:
    """Gives the empty event-study rows -24 ... -1 (counts: cell-months at each), with why in words."""
    return [
        {**no_event(outcome, estimator, k, n), "note": f"No estimate: {why}."}
        for k, n in zip(range(-WINDOW, 0), counts, strict=True)
    ]


def lead_row(
    outcome: str,
    estimator: str,
    k: int,
    n: int,
    b: float,
    se: float,
    poisson: bool,
    y_sum: float,
    headcount: float,
    y_average: float | None,
) -> dict:
    """Gives the event-study row of lead month k (k < 0) from its coefficient: a log ratio (Poisson) or
    points (linear); empty when the coefficient is missing or compares with next to no expected exits."""
    if not np.isfinite(b):
        return no_event(outcome, estimator, k, n)
    if poisson and (y_sum <= 0 or math.log(y_sum) - b < math.log(MIN_EXPECTED_EXITS)):
        # As after coverage: the ratio to so few expected exits is noise. Cells with no exit in their
        # other uncovered months expect next to none, and their lead alone gives ratios in the millions.
        return no_event(outcome, estimator, k, n, few=True)
    b, se = float(b), float(se)
    if not np.isfinite(se) or (poisson and abs(b) + Z * se > 700):
        # A lead all but collinear with the levels: no interval a reader could use (and exp overflows).
        return {**no_event(outcome, estimator, k, n), "note": f"No estimate: {NO_LEAD_MODEL}."}
    if poisson:
        lvl = (y_sum / headcount) / math.exp(b)
        return {
            "outcome": outcome,
            "estimator": estimator,
            "rel_month": k,
            "estimate": lvl * math.expm1(b),
            "ci_low": lvl * math.expm1(b - Z * se),
            "ci_high": lvl * math.expm1(b + Z * se),
            "relative_estimate": math.expm1(b),
            "relative_ci_low": math.expm1(b - Z * se),
            "relative_ci_high": math.expm1(b + Z * se),
            "n_cell_months": n,
            "note": "pre-period lead",
        }
    row = linear_event(estimator, k, b, se, y_average, n)
    return {**row, "outcome": outcome, "note": "pre-period lead"}


def detectable_fall_log(se_log: float | None) -> float | None:
    """Gives the smallest relative fall a 5 % two-sided test detects with 80 % power, for an estimate
    made on the log scale with standard error `se_log`: exp(-(1.96 + 0.84) x se) - 1 (-0.34: only a
    fall of 34 % or more would be seen four times in five)."""
    if se_log is None or not np.isfinite(se_log):
        return None
    return math.expm1(-(Z + Z_POWER) * se_log)


def pre_trend_caution(p_value: float | None, facts: dict) -> str | None:
    """Gives what the pre-trend test can tell with this many establishments, when it is not many."""
    g = facts["n_establishments"]
    if p_value is None or g >= PRE_TREND_RELIABLE_ESTABLISHMENTS:
        return None
    return (
        f"With {g} establishments the pre-trend test rejects more often than 5 % when nothing drifted, and "
        f"misses small drifts: read its p-value as a reason to look at the months before coverage, not as a "
        f"verdict (docs/segur.md, section 10)."
    )


def sentences(*parts: str | None) -> str:
    """Gives the parts that are not empty joined into one note."""
    return " ".join(p for p in parts if p)


def safe_div(a: float, b: float) -> float | None:
    """Gives a / b, or None when b is not a positive number (a ratio to no level means nothing)."""
    return a / b if b and np.isfinite(b) and b > 0 else None


def no_event(outcome: str, estimator: str, k: int, n: int, few: bool = False) -> dict:
    """Gives the empty event-study row of month k (n cell-months), with why in words: too few expected
    exits (`few`), or no comparison."""
    why = (
        f"No estimate: fewer than {MIN_EXPECTED_EXITS} voluntary exits expected this month without the measure."
        if few
        else "No estimate: no cell-month this far from coverage has a comparison."
    )
    return {"outcome": outcome, "estimator": estimator, "rel_month": k, "n_cell_months": n, "note": why}


def empty_effect(note: str, outcomes: tuple[str, ...] = OUTCOMES) -> pl.DataFrame:
    """Gives marts.segur_effect with one empty row per outcome and estimator, each with `note`."""
    rows = [{"outcome": o, "estimator": e, "note": note} for o in outcomes for e in ESTIMATORS[o]]
    return pl.DataFrame(rows, schema=EFFECT_SCHEMA)


def empty_events(note: str, outcomes: tuple[str, ...] = OUTCOMES) -> pl.DataFrame:
    """Gives marts.segur_event_study with one empty row per outcome and month -24 ... +24, each with `note`."""
    rows = [
        {"outcome": o, "estimator": ESTIMATORS[o][0], "rel_month": k, "note": note}
        for o in outcomes
        for k in range(-WINDOW, WINDOW + 1)
    ]
    return pl.DataFrame(rows, schema=EVENT_SCHEMA)
