"""The Ségur estimate for panels with many establishments: the same estimators, with intervals by
linearisation instead of the bootstrap, and fits that never hold the panel as a pandas frame.

Used by `estimate.estimate_segur_effect` from `LARGE_PANEL_ESTABLISHMENTS` establishments on. What
is estimated is the same as on small panels (docs/segur.md, section 3): the Poisson imputation
estimate of voluntary exits, the naive two-way Poisson regression, the linear imputation of
vacancies (Gardner's two-stage estimator) and its naive regression, the leads and the pre-trend
test. Only two things change:

- the fits are `analytic.fit_two_way` (cell levels concentrated out) instead of pyfixest, whose
  naive Poisson regression alone takes a minute and 10 GB at national scale, and whose did2s
  passes 7 GB from 200 establishments;
- the 95 % intervals of the imputation estimates (overall and month by month) come from their
  influence function, summed by establishment (a cluster-robust variance that accounts for the
  first stage, as the imputation estimator's own variance does: Borusyak, Jaravel & Spiess 2024,
  Gardner 2022), instead of 499 refits on resampled establishments (an hour at national
  scale). From 50 establishments on the two agree (tests/segur/test_large.py, docs/segur.md
  section 9); below 100, the bootstrap is kept.
"""

from __future__ import annotations

import datetime as dt
import math
from contextlib import contextmanager

import numpy as np
import polars as pl

from pipelines.segur.analytic import fit_two_way
from pipelines.segur.rows import (
    LEAD_BIN,
    MIN_ESTABLISHMENTS,
    MIN_EXPECTED_EXITS,
    NO_LEAD_REFERENCE,
    WINDOW,
    Z,
    count_lead_references,
    detectable_fall_log,
    lead_row,
    linear_event,
    linear_row,
    no_event,
    no_leads,
    pre_trend_caution,
    pre_trend_p_value,
    sentences,
    twfe_poisson_row,
)

KS = np.arange(0, WINDOW + 1)  # event-study months after coverage


@contextmanager
def one_blas_thread():
    """Runs the block with BLAS on one thread. The products here are of tall, thin matrices (cells x
    at most 143 coefficients): on the shared 2-core machine, OpenBLAS's threads made one of them
    35 times slower (2.8 s instead of 0.08 s) and the whole estimate twice as slow."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


def panel_arrays(panel: pl.DataFrame, outcome: str) -> dict[str, np.ndarray]:
    """Gives the cell-months an outcome is defined on as NumPy arrays: integer codes of establishment,
    cell and month, y, weight, headcount, covered, imputable, rel_month (-9999 when never covered)."""
    weight = "headcount" if outcome == "voluntary_exit_rate" else "budgeted_fte"
    y = pl.col("voluntary_exits").cast(pl.Float64) if outcome == "voluntary_exit_rate" else pl.col(outcome)
    frame = (
        panel.lazy()
        .filter(pl.col(weight) > 0, pl.col(outcome).is_not_null())
        .select(
            establishment=(pl.col("establishment_id").rank("dense") - 1).cast(pl.Int64),
            family=(pl.col("job_family").rank("dense") - 1).cast(pl.Int64),
            month_id=(pl.col("month").dt.year() * 12 + pl.col("month").dt.month()).cast(pl.Int64),
            month=pl.col("month"),
            y=y.cast(pl.Float64),
            w=pl.col(weight).cast(pl.Float64),
            headcount=pl.col("headcount").cast(pl.Float64),
            covered=pl.col("covered"),
            rel_month=pl.col("rel_month").fill_null(-9999).cast(pl.Int32),
        )
        .with_columns(
            cell=(pl.col("establishment") * (pl.col("family").max() + 1) + pl.col("family")).rank("dense") - 1,
            month_code=pl.col("month_id") - pl.col("month_id").min(),
        )
        .with_columns(
            imputable=pl.col("covered")
            & (~pl.col("covered")).any().over("month_code")
            & (~pl.col("covered")).any().over("cell"),
        )
        .collect()
    )
    out = {
        name: frame[name].to_numpy()
        for name in ("establishment", "cell", "month_code", "y", "w", "headcount", "covered", "imputable", "rel_month")
    }
    out["cell"] = out["cell"].astype(np.int64)
    out["first_month"] = frame["month"].min()
    out["month_id_min"] = int(frame["month_id"].min()) if frame.height else 0
    return out


def without_singletons(a: dict) -> dict:
    """Removes from the arrays, in place, the cells (and months) seen only once uncovered, again until
    none is left (as `estimate._without_singletons`, which the small-panel vacancy estimate uses)."""
    while len(a["y"]):
        uncovered = ~a["covered"]
        alone = np.zeros(len(a["y"]), dtype=bool)
        for key in ("cell", "month_code"):
            counts = np.bincount(a[key][uncovered], minlength=a[key].max() + 1)
            alone |= counts[a[key]] == 1
        if not alone.any():
            break
        keep = ~alone
        del alone, uncovered
        for name, values in a.items():
            if isinstance(values, np.ndarray):
                a[name] = values[keep]  # in place, so the caller's larger arrays are freed
    return a


def _facts(a: dict, imputable: np.ndarray) -> dict:
    used = ~a["covered"] | imputable

    def date(code):
        year, month = divmod(a["month_id_min"] + int(code) - 1, 12)
        return dt.date(year, month + 1, 1)

    return {
        "n_units": int(np.unique(a["cell"][used]).size),
        "n_establishments": int(np.unique(a["establishment"][used]).size),
        "n_covered_cell_months": int(imputable.sum()),
        "n_covered_cell_months_left_out": int((a["covered"] & ~imputable).sum()),
        "first_month": date(a["month_code"][used].min()),
        "last_month": date(a["month_code"][used].max()),
    }


def _variance(influence: np.ndarray) -> np.ndarray:
    """Gives the cluster-robust variance from per-cluster influence values (clusters in rows), with
    the small-sample factor G / (G - 1) of pyfixest's CRV1. Clusters with no data have influence 0."""
    g = int(np.count_nonzero(np.any(influence != 0, axis=tuple(range(1, influence.ndim)))))
    return g / max(g - 1, 1) * np.sum(influence**2, axis=0)


def _by_k(a: dict, rows: np.ndarray, values: np.ndarray, n_clusters: int) -> np.ndarray:
    """Gives clusters x (overall, k = 0 ... WINDOW) sums of values over the given rows."""
    k = a["rel_month"][rows]
    cluster = a["establishment"][rows]
    out = np.zeros((n_clusters, 1 + len(KS)))
    out[:, 0] = np.bincount(cluster, values, n_clusters)
    inside = k <= WINDOW
    flat = cluster[inside] * len(KS) + k[inside]
    out[:, 1:] = np.bincount(flat, values[inside], n_clusters * len(KS)).reshape(n_clusters, len(KS))
    return out


def _derivatives(a: dict, rows: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gives per cell and per month the sums of values over the given rows, overall and by k (columns)."""
    n_cells, n_months = int(a["cell"].max()) + 1, int(a["month_code"].max()) + 1
    k = a["rel_month"][rows]
    cells, months = np.zeros((n_cells, 1 + len(KS))), np.zeros((n_months, 1 + len(KS)))
    cells[:, 0] = np.bincount(a["cell"][rows], values, n_cells)
    months[:, 0] = np.bincount(a["month_code"][rows], values, n_months)
    for j in KS:
        at = k == j
        if at.any():
            cells[:, 1 + j] = np.bincount(a["cell"][rows][at], values[at], n_cells)
            months[:, 1 + j] = np.bincount(a["month_code"][rows][at], values[at], n_months)
    return cells, months


def _fit(a: dict, rows: np.ndarray | None, poisson: bool, category: np.ndarray | None = None, k: int = 0):
    """Fits the outcome on the given rows (None: all), without copying the arrays more than once."""
    return fit_two_way(
        a["y"],
        a["cell"],
        a["month_code"],
        a["establishment"],
        poisson=poisson,
        exposure=a["headcount"] if poisson else None,
        weights=None if poisson else a["w"],
        category=category,
        n_categories=k,
        rows=rows,
    )


# ---------------------------------------------------------------------------------------------- leads


def _lead_codes(a: dict) -> tuple[np.ndarray, np.ndarray]:
    """Gives per row the pre-trend bin (1 ... 6, 0 otherwise) and the lead month (1 ... 24 months
    before coverage, 0 otherwise), both on uncovered cell-months only."""
    rel = a["rel_month"]
    lead = ~a["covered"] & (rel >= -WINDOW) & (rel <= -1)
    return (np.where(lead, (-rel - 1) // LEAD_BIN + 1, 0).astype(np.int8), np.where(lead, -rel, 0).astype(np.int8))


def _has_reference(a: dict, poisson: bool) -> bool:
    """Whether the leads have uncovered months older than the window to be compared with
    (`rows.count_lead_references`)."""
    rel = np.where(a["rel_month"] == -9999, np.nan, a["rel_month"].astype(float))
    return count_lead_references(a["cell"], a["covered"], rel, a["y"] if poisson else None) > 0


def _pre_trend_p(a: dict, poisson: bool) -> tuple[float | None, str | None]:
    bins, _ = _lead_codes(a)
    untreated = np.flatnonzero(~a["covered"])
    if not bins[untreated].any():
        return None, None
    if not _has_reference(a, poisson):
        return None, f"No pre-trend test: {NO_LEAD_REFERENCE}."
    fit = _fit(a, untreated, poisson, bins, WINDOW // LEAD_BIN)
    kept = np.flatnonzero(np.isfinite(fit.coef))
    if not kept.size:
        return None, None
    return pre_trend_p_value(fit.coef[kept], fit.vcov[np.ix_(kept, kept)], fit.n_clusters), None


def _lead_events(a: dict, outcome: str, estimator: str, poisson: bool) -> list[dict]:
    _, leads = _lead_codes(a)
    untreated = np.flatnonzero(~a["covered"])
    counts = np.bincount(leads, minlength=WINDOW + 1)
    if leads[untreated].any() and not _has_reference(a, poisson):
        return no_leads(outcome, estimator, [int(counts[-k]) for k in range(-WINDOW, 0)], NO_LEAD_REFERENCE)
    fit = _fit(a, untreated, poisson, leads, WINDOW) if leads[untreated].any() else None
    y_sum = np.bincount(leads, a["y"], WINDOW + 1)
    h_sum = np.bincount(leads, a["headcount"], WINDOW + 1)
    wy = np.bincount(leads, a["w"] * a["y"], WINDOW + 1)
    w = np.bincount(leads, a["w"], WINDOW + 1)
    out = []
    for k in range(-WINDOW, 0):
        j = -k
        b = fit.coef[j - 1] if fit is not None else np.nan
        se = math.sqrt(fit.vcov[j - 1, j - 1]) if fit is not None and np.isfinite(b) else np.nan
        average = wy[j] / w[j] if w[j] > 0 else None
        out.append(
            lead_row(outcome, estimator, k, int(counts[j]), b, se, poisson, float(y_sum[j]), float(h_sum[j]), average)
        )
    return out


# ---------------------------------------------------------------------------------------------- exits


def exits(a: dict) -> tuple[list[dict], list[dict]]:
    """Gives the voluntary-exit rows of marts.segur_effect and marts.segur_event_study (large panels)."""
    treated = np.flatnonzero(a["imputable"])
    untreated = np.flatnonzero(~a["covered"])
    n_clusters = int(a["establishment"].max()) + 1
    facts = _facts(a, a["imputable"])
    first = _fit(a, untreated, poisson=True)
    mu = a["headcount"][treated] * first.cell_level[a["cell"][treated]] * first.month_level[a["month_code"][treated]]
    y = a["y"][treated]
    h = a["headcount"][treated]
    # Sums by cluster, overall (column 0) and by month since coverage (columns 1 ...).
    y_g, mu_g, h_g = (_by_k(a, treated, v, n_clusters) for v in (y, mu, h))
    y_t, mu_t, h_t = y_g.sum(axis=0), mu_g.sum(axis=0), h_g.sum(axis=0)
    # How each cluster's uncovered months move the expected exits, through the first stage.
    moved = first.first_stage_influence(*_derivatives(a, treated, mu), n_clusters=n_clusters)
    del first  # its per-row arrays, before the next fits
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = y_t / mu_t
        influence_ratio = (y_g - ratio * mu_g - ratio * moved) / mu_t
        se_ratio = np.sqrt(_variance(influence_ratio))
        att = (y_t - mu_t) / h_t
        se_att = np.sqrt(_variance((y_g - mu_g - moved - att * h_g) / h_t))
        se_log = se_ratio / ratio
    relative = ratio[0] - 1
    if ratio[0] > 0:
        rel_low, rel_high = (
            math.expm1(math.log(ratio[0]) - Z * se_log[0]),
            math.expm1(math.log(ratio[0]) + Z * se_log[0]),
        )
    else:  # no voluntary exit at all among covered cells: no log scale
        rel_low, rel_high = relative - Z * se_ratio[0], relative + Z * se_ratio[0]
    caution = (
        f" Only {facts['n_establishments']} establishments: too few for a reliable interval."
        if facts["n_establishments"] < MIN_ESTABLISHMENTS
        else ""
    )
    pre_p, no_test = _pre_trend_p(a, poisson=True)
    rows = [
        {
            "outcome": "voluntary_exit_rate",
            "estimator": "imputation_poisson",
            "estimate": float(att[0]),
            "ci_low": float(att[0] - Z * se_att[0]),
            "ci_high": float(att[0] + Z * se_att[0]),
            "relative_estimate": float(relative),
            "relative_ci_low": rel_low,
            "relative_ci_high": rel_high,
            "pre_trend_p_value": pre_p,
            "counterfactual_level": float(mu_t[0] / h_t[0]),
            "relative_minimum_detectable_effect": detectable_fall_log(float(se_log[0])) if ratio[0] > 0 else None,
            **facts,
            "note": sentences(
                f"Poisson imputation; 95 % intervals clustered by establishment "
                f"({facts['n_establishments']}), from the estimator's influence function (no bootstrap "
                f"at this size).{caution}",
                no_test,
                pre_trend_caution(pre_p, facts),
            ),
        }
    ]
    rows.append(_naive_poisson(a, pre_p, no_test))

    events = _lead_events(a, "voluntary_exit_rate", "imputation_poisson", poisson=True)
    for k in KS:
        n = int((a["rel_month"][treated] == k).sum())
        if n == 0 or mu_t[1 + k] < MIN_EXPECTED_EXITS:
            events.append(no_event("voluntary_exit_rate", "imputation_poisson", int(k), n, few=n > 0))
            continue
        r, s = ratio[1 + k], se_log[1 + k]
        lo, hi = (
            (math.expm1(math.log(r) - Z * s), math.expm1(math.log(r) + Z * s))
            if r > 0
            else (r - 1 - Z * se_ratio[1 + k], r - 1 + Z * se_ratio[1 + k])
        )
        lvl = mu_t[1 + k] / h_t[1 + k]
        events.append(
            {
                "outcome": "voluntary_exit_rate",
                "estimator": "imputation_poisson",
                "rel_month": int(k),
                "estimate": lvl * (r - 1),
                "ci_low": lvl * lo,
                "ci_high": lvl * hi,
                "relative_estimate": r - 1,
                "relative_ci_low": lo,
                "relative_ci_high": hi,
                "n_cell_months": n,
                "note": None,
            }
        )
    return rows, events


def _naive_poisson(a: dict, pre_p: float | None, no_test: str | None) -> dict:
    fit = _fit(a, None, poisson=True, category=a["covered"].view(np.int8), k=1)
    b, se = float(fit.coef[0]), math.sqrt(fit.vcov[0, 0])
    cov = a["covered"]
    twfe_level = a["y"][cov].sum() / a["headcount"][cov].sum() / math.exp(b)
    return twfe_poisson_row(b, se, twfe_level, pre_p, _facts(a, a["covered"]), no_test)


# ---------------------------------------------------------------------------------------------- vacancy


def vacancy(a: dict) -> tuple[list[dict], list[dict]]:
    """Gives the vacancy rows of marts.segur_effect and marts.segur_event_study (large panels)."""
    a = without_singletons(a)
    facts = _facts(a, a["imputable"])
    treated = np.flatnonzero(a["imputable"])
    untreated = np.flatnonzero(~a["covered"])
    n_clusters = int(a["establishment"].max()) + 1
    first = _fit(a, untreated, poisson=False)
    fitted = first.cell_level[a["cell"][treated]] + first.month_level[a["month_code"][treated]]
    w = a["w"][treated]
    y = a["y"][treated]
    wr_g, w_g, wy_g = (_by_k(a, treated, v, n_clusters) for v in (w * (y - fitted), w, w * y))
    wr_t, w_t, wy_t = wr_g.sum(axis=0), w_g.sum(axis=0), wy_g.sum(axis=0)
    moved = first.first_stage_influence(*_derivatives(a, treated, w), n_clusters=n_clusters)
    del first
    with np.errstate(divide="ignore", invalid="ignore"):
        effect = wr_t / w_t
        se = np.sqrt(_variance((wr_g - effect * w_g - moved) / w_t))
        observed = wy_t / w_t
    pre_p, no_test = _pre_trend_p(a, poisson=False)
    rows = [
        linear_row(
            "imputation_did2s",
            float(effect[0]),
            float(se[0]),
            float(observed[0]),
            pre_p,
            facts,
            sentences(
                "Linear imputation (Gardner's two-stage estimator), weights budgeted fte; 95 % "
                "intervals clustered by establishment, from the estimator's influence function.",
                no_test,
                pre_trend_caution(pre_p, facts),
            ),
        )
    ]
    naive = _fit(a, None, poisson=False, category=a["covered"].view(np.int8), k=1)
    cov = a["covered"]
    rows.append(
        linear_row(
            "twfe_ols",
            float(naive.coef[0]),
            math.sqrt(naive.vcov[0, 0]),
            float(np.average(a["y"][cov], weights=a["w"][cov])),
            pre_p,
            _facts(a, a["covered"]),
            sentences(
                "Naive two-way fixed effects (weighted OLS): already-covered cells serve as comparisons.", no_test
            ),
        )
    )

    events = _lead_events(a, "vacancy_rate", "imputation_did2s", poisson=False)
    counts = np.bincount(np.clip(a["rel_month"][treated], 0, WINDOW + 1), minlength=WINDOW + 2)
    for k in KS:
        if counts[k] == 0 or not np.isfinite(se[1 + k]):
            events.append(no_event("vacancy_rate", "imputation_did2s", int(k), int(counts[k])))
            continue
        events.append(
            linear_event(
                "imputation_did2s",
                int(k),
                float(effect[1 + k]),
                float(se[1 + k]),
                float(observed[1 + k]),
                int(counts[k]),
            )
        )
    return rows, events
