"""Two-way fixed-effects fits for large Ségur panels, with cluster-robust variances by linearisation.

At national scale (11,000 establishments, 95,000 cells, 11 million cell-months) neither a 499-draw
bootstrap nor pyfixest fits: one pyfixest `fepois` of the panel takes about a minute and 10 GB. The
models of `estimate` all have the same shape, which this module uses:

    outcome of cell c in month t  ~  cell level + month level + (optionally) one categorical
                                     regressor with levels 0 (reference), 1, ..., K

(Poisson with the headcount as exposure, or weighted least squares), and cells are nested in the
clusters (establishments). The cell levels are concentrated out in closed form (given the month
and category coefficients, each cell's level makes its fitted total equal its observed one), so
the fit is a Newton iteration on the ~120 month and K category coefficients only. Its Hessian (the
Schur complement of the cell block) is built from a dense cells x coefficients table. Because each
cell lies inside one cluster and its scores add up to zero at the fit, the cluster-robust variance
of the month and category coefficients needs only their per-cluster score sums; this is pyfixest's
CRV1, to 1e-3 (its small-sample factor counts the month levels a little differently;
tests/segur/test_large.py).

`Fit.first_stage_influence` gives the per-cluster influence of the first stage on a sum over
other (covered) cell-months of fitted values: the correction term of the imputation estimator's
influence function (Borusyak, Jaravel & Spiess 2024, whose variance is this one with the first
stage estimated; Gardner's `did2s` gives the same for the linear case).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Fit:
    """A fitted two-way model: fitted values of every row given, levels, category coefficients."""

    fitted: np.ndarray  # per row in the fit (Poisson: rows of cells, months, categories with events)
    cell_level: np.ndarray  # per cell code: multiplicative (Poisson) or additive (linear) level
    month_level: np.ndarray  # per month code: multiplicative (Poisson; 0 when the month has no event) or additive
    coef: np.ndarray  # per category 1..K: coefficient (a log ratio for Poisson); nan when not estimable
    vcov: np.ndarray  # K x K cluster-robust (CRV1) covariance of `coef`
    n_obs: int  # rows that enter the fit (Poisson: not in a cell, month or category with no event)
    n_clusters: int  # clusters that enter the fit
    # What first_stage_influence needs, per row in the fit: cluster, compact cell code, column of the
    # month in the Hessian (the sentinel `n_free` for the reference month), score, Hessian weight.
    cluster: np.ndarray
    cell_compact: np.ndarray
    cell_codes: np.ndarray  # original code of each compact cell
    month_column: np.ndarray
    free_months: np.ndarray
    score: np.ndarray
    omega: np.ndarray
    hessian: np.ndarray

    def first_stage_influence(
        self, cell_derivative: np.ndarray, month_derivative: np.ndarray, n_clusters: int | None = None
    ) -> np.ndarray:
        """Gives, per cluster, how much its data move a sum S of fitted values of other rows (the
        covered cell-months the first stage imputes), to first order: u' s_g, where s_g is the
        cluster's score and u solves H u = dS/dtheta, both concentrated over the cell levels.

        `cell_derivative` (per cell code) and `month_derivative` (per month code) are the derivatives
        of S with respect to the cell and month levels, on the log scale for Poisson (the sum of the
        fitted values of that cell or month) and the additive scale for least squares (the sum of the
        weights). For a model without categories; 2-d arguments give one column per target.

        `n_clusters` is the number of cluster codes of the caller's arrays: clusters with no row in
        the fit (no uncovered month, or no exit in them) move nothing and get 0, and the codes that
        sort last are among them, so the fit's own codes cannot tell how many rows to return."""
        n_free = len(self.free_months)
        if self.hessian.shape[0] != n_free:
            raise ValueError("first_stage_influence is for a first stage without categories")
        cell_d = np.asarray(cell_derivative, dtype=float)
        month_d = np.asarray(month_derivative, dtype=float)
        one = cell_d.ndim == 1
        cell_d = cell_d.reshape(len(cell_d), -1)
        month_d = month_d.reshape(len(month_d), -1)
        n_cells = len(self.cell_codes)
        flat = self.cell_compact * (n_free + 1) + self.month_column
        table = np.bincount(flat, self.omega, n_cells * (n_free + 1)).reshape(n_cells, n_free + 1)[:, :n_free]
        del flat
        cell_total = np.bincount(self.cell_compact, self.omega, n_cells)
        rhs = month_d[self.free_months] - table.T @ (cell_d[self.cell_codes] / cell_total[:, None])
        del table
        u = np.linalg.lstsq(self.hessian, rhs, rcond=None)[0]
        # A cluster's score on the cell levels is zero at the fit (its cells lie inside it), so only
        # the month part of u counts; the reference month reads the zero row at the end.
        u = np.vstack([u, np.zeros((1, u.shape[1]))])
        n_clusters = int(self.cluster.max()) + 1 if n_clusters is None else n_clusters
        out = np.stack(
            [np.bincount(self.cluster, self.score * u[self.month_column, j], n_clusters) for j in range(u.shape[1])],
            axis=1,
        )
        return out[:, 0] if one else out


def _compact(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Gives the codes present (sorted) and every code's position among them, in O(n)."""
    present = np.flatnonzero(np.bincount(codes, minlength=size))
    position = np.full(size, -1, dtype=np.int64)
    position[present] = np.arange(len(present))
    return present, position


def fit_two_way(
    y: np.ndarray,
    cell: np.ndarray,
    month: np.ndarray,
    cluster: np.ndarray,
    *,
    poisson: bool,
    exposure: np.ndarray | None = None,
    weights: np.ndarray | None = None,
    category: np.ndarray | None = None,
    n_categories: int = 0,
    rows: np.ndarray | None = None,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> Fit:
    """Gives the fit of y ~ cell level + month level [+ category] (Poisson with `exposure`, log link; or
    least squares with `weights`), with the category coefficients' cluster-robust (CRV1) covariance.

    Codes are non-negative integers; `category` 0 is the reference. `rows` (indices) fits on those
    rows of the arrays only, without copying the others. In the Poisson model a cell, month or
    category with no event has level 0 (its fixed effect goes to minus infinity): its rows leave
    the fit, as pyfixest drops separated observations."""
    k = n_categories
    n_cells, n_months = int(cell.max()) + 1, int(month.max()) + 1
    if poisson:
        sub = (lambda v: v) if rows is None else (lambda v: v[rows])
        y_in, cell_in, month_in = sub(y), sub(cell), sub(month)
        keep = (np.bincount(cell_in, y_in, n_cells)[cell_in] > 0) & (
            np.bincount(month_in, y_in, n_months)[month_in] > 0
        )
        del cell_in, month_in
        if category is not None:
            cat_in = sub(category)
            keep &= (cat_in == 0) | (np.bincount(cat_in, y_in, k + 1)[cat_in] > 0)
            del cat_in
        del y_in
        if not keep.all():
            rows = np.flatnonzero(keep) if rows is None else rows[keep]
        del keep
    if rows is not None:  # one copy of the rows used, whatever the filters
        y, cell, month, cluster = y[rows], cell[rows], month[rows], cluster[rows]
        exposure = None if exposure is None else exposure[rows]
        weights = None if weights is None else weights[rows]
        category = None if category is None else category[rows]
        del rows
    n = len(y)
    y = np.asarray(y, dtype=float)
    cell_map, cell_position = _compact(cell, n_cells)
    c = cell_position[cell]
    del cell_position
    months_in, _ = _compact(month, n_months)
    free_months = months_in[1:]  # the first month is the reference (its level is absorbed by the cells)
    cats_in = np.flatnonzero(np.bincount(category, minlength=k + 1)) if category is not None else np.zeros(1, int)
    free_cats = cats_in[cats_in > 0]
    n_free, p = len(free_months), len(free_months) + len(free_cats)
    # Column of each row's month and category among the coefficients; p (a sentinel column, dropped)
    # for the reference month and category 0.
    m_col = np.full(n_months, p, dtype=np.int64)
    m_col[free_months] = np.arange(n_free)
    mc = m_col[month]
    g_col = np.full(k + 1, p, dtype=np.int64)
    g_col[free_cats] = n_free + np.arange(len(free_cats))
    gc = g_col[category] if category is not None else None
    n_c = len(cell_map)
    w = weights
    cell_total_y = np.bincount(c, y if w is None else w * y, n_c)
    flat_m = c * (p + 1) + mc
    flat_g = c * (p + 1) + gc if gc is not None else None

    def by_column(values):
        out = np.bincount(mc, values, p + 1)
        if gc is not None:
            out += np.bincount(gc, values, p + 1)
        return out[:p]

    def information(omega):
        """Z' Omega Z - A' diag(1 / cell totals) A: the information on the month and category
        coefficients once the cell levels are concentrated out (A: per cell, omega summed by column)."""
        direct = np.diag(by_column(omega))
        table = np.bincount(flat_m, omega, n_c * (p + 1))
        if flat_g is not None:
            cross = np.bincount(mc * (p + 1) + gc, omega, (p + 1) ** 2).reshape(p + 1, p + 1)[:p, :p]
            direct += cross + cross.T
            table += np.bincount(flat_g, omega, n_c * (p + 1))
        table = table.reshape(n_c, p + 1)[:, :p]
        total = np.bincount(c, omega, n_c)
        table /= np.sqrt(total)[:, None]
        return direct - table.T @ table

    gamma = np.zeros(p)
    if poisson:  # start from month rates, which makes the first steps short
        h_m = np.bincount(month, exposure, n_months) if exposure is not None else np.bincount(month, None, n_months)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_rate = np.log(np.bincount(month, y, n_months) / h_m)
        gamma[:n_free] = log_rate[free_months] - log_rate[months_in[0]]

    def evaluate(gamma):
        padded = np.append(gamma, 0.0)
        eta = padded[mc]
        if gc is not None:
            eta += padded[gc]
        if poisson:
            r = np.exp(eta)
            if exposure is not None:
                r *= exposure
            level = cell_total_y / np.bincount(c, r if w is None else w * r, n_c)
            loglik = float(np.dot(y if w is None else w * y, eta) + np.dot(cell_total_y, np.log(level)))
            r *= level[c]
            return r, level, loglik
        level = np.bincount(c, (y - eta) * (1.0 if w is None else w), n_c) / np.bincount(c, w, n_c)
        eta += level[c]
        return eta, level, 0.0

    fitted, level, loglik = evaluate(gamma)
    for _ in range(max_iter):
        score = y - fitted if w is None else w * (y - fitted)
        omega = (fitted if w is None else w * fitted) if poisson else (np.ones(n) if w is None else w)
        step = np.linalg.lstsq(information(omega), by_column(score), rcond=None)[0]
        del score, omega
        if not poisson:  # least squares: one Newton step is the solution
            gamma = gamma + step
            fitted, level, loglik = evaluate(gamma)
            break
        t = 1.0
        while True:  # step-halving keeps the concave likelihood rising
            candidate = gamma + t * step
            new = evaluate(candidate)
            if new[2] >= loglik - 1e-12 * abs(loglik) or t < 1e-6:
                break
            t /= 2
        gamma = candidate
        fitted, level, loglik = new
        if np.max(np.abs(t * step), initial=0.0) < tol:
            break
    score = y - fitted if w is None else w * (y - fitted)
    omega = (fitted if w is None else w * fitted) if poisson else (np.ones(n) if w is None else w)
    hess = information(omega)
    flat_m = flat_g = None  # freed: at national scale each holds one integer per row
    n_clusters = int(cluster.max()) + 1
    scores = np.bincount(cluster * (p + 1) + mc, score, n_clusters * (p + 1))
    if gc is not None:
        scores += np.bincount(cluster * (p + 1) + gc, score, n_clusters * (p + 1))
    scores = scores.reshape(n_clusters, p + 1)[:, :p]
    bread = np.linalg.pinv(hess)
    g_used = int(np.count_nonzero(np.bincount(cluster, minlength=n_clusters)))
    ssc = g_used / max(g_used - 1, 1) * (n - 1) / max(n - p, 1)
    vcov_all = ssc * bread @ (scores.T @ scores) @ bread

    coef = np.full(k, np.nan)
    vcov = np.full((k, k), np.nan)
    if len(free_cats):
        idx = g_col[free_cats]
        coef[free_cats - 1] = gamma[idx]
        vcov[np.ix_(free_cats - 1, free_cats - 1)] = vcov_all[np.ix_(idx, idx)]
        # A category collinear with the months and cells is not estimable (pyfixest drops it).
        unidentified = np.diag(bread @ hess)[idx] < 0.5
        coef[(free_cats - 1)[unidentified]] = np.nan

    if poisson:
        cell_level = np.zeros(n_cells)
        month_level = np.zeros(n_months)
        month_level[months_in] = 1.0
        month_level[free_months] = np.exp(gamma[:n_free])
    else:
        cell_level = np.full(n_cells, np.nan)
        month_level = np.full(n_months, np.nan)
        month_level[months_in] = 0.0
        month_level[free_months] = gamma[:n_free]
    cell_level[cell_map] = level
    return Fit(
        fitted=fitted,
        cell_level=cell_level,
        month_level=month_level,
        coef=coef,
        vcov=vcov,
        n_obs=n,
        n_clusters=g_used,
        cluster=cluster,
        cell_compact=c,
        cell_codes=cell_map,
        month_column=np.minimum(mc, n_free),
        free_months=free_months,
        score=score,
        omega=omega,
        hessian=hess,
    )
