"""The Ségur effect: a staggered difference in differences by imputation, beside the naive two-way one.

Who is compared with whom. A cell (establishment x job family) is covered from
the month its family's measure took effect. Its outcome in covered months is
compared with what it would have been without the measure, *imputed* from the
cells not (yet) covered (Borusyak, Jaravel & Spiess, 2024): a model with one
level per cell and one per calendar month is fitted on the uncovered
cell-months only, and predicts the covered ones. Already-covered cells never
serve as a comparison, so the estimate stays valid when waves are covered at
different dates and their effects differ or grow over time; the naive two-way
fixed-effects regression on all cell-months does use them, and is written
beside it to show the difference.

A covered cell-month can only be imputed when its month still has uncovered
cells and its cell was observed uncovered; the others (every month once all
families are covered, cells opened after their coverage) are left out and
counted, and the estimate is the average effect over the cell-months kept.

- voluntary_exit_rate (voluntary exits / month-end headcount): the monthly
  hazard is modelled multiplicatively, a Poisson model of the counts with the
  headcount as exposure (log link, cell and month levels), fitted with pyfixest
  `fepois`. Relative effect = observed / imputed voluntary exits - 1 over the
  covered cell-months; effect in rate units = (observed - imputed) / headcount.
  95 % intervals: cluster bootstrap over establishments (the whole procedure
  redone on resampled establishments), normal on the log ratio. From
  LARGE_PANEL_ESTABLISHMENTS establishments on, the same estimates are made by
  `large` (fits of `analytic`, no pyfixest), with intervals from the estimator's
  influence function clustered by establishment instead of the bootstrap.
- vacancy_rate (vacant / budgeted fte, weights budgeted fte): linear
  imputation, Gardner's two-stage `did2s` in pyfixest, whose standard errors
  account for the first stage, clustered by establishment.

The pre-trend test asks whether covered cells already drifted away from the
others in the 24 months before coverage: on uncovered cell-months only, six
four-month lead indicators are added to the model, and the p-value is the Wald
test (clustered by establishment) that all six are zero, read against an F
distribution with G - 1 denominator degrees of freedom (G establishments): the
chi-squared reading rejects far too often with a few dozen establishments
(docs/segur.md, section 10). The leads are compared with each cell's uncovered
months *older* than the 24 months; when no covered cell has any (the data start
less than 24 months before every wave), the leads are collinear with the cell
levels, and there is no test and no lead month, with a note saying why.

Every row also gives `relative_minimum_detectable_effect`: the smallest fall, relative to the
level expected without the measure, that a 5 % two-sided test of this estimate would detect
with 80 % power given its standard error (docs/segur.md, section 3).

The pure function takes any panel with `month`, `establishment_id`, `job_family` and
`cover_month`, and the columns of one outcome or both; `covered` and `rel_month` are derived
from `cover_month`, or checked against it when given.

pyfixest is imported inside the functions: it takes seconds to import and
`import pipelines.definitions` must stay fast.

The constants, schemas and row builders both paths share are in `rows`: `large` imports them from
there, never from here, so that this module alone chooses between the two paths.
"""

from __future__ import annotations

import contextlib
import math
import os
import pickle
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

from pipelines.segur.rows import (
    EFFECT_SCHEMA,
    EVENT_SCHEMA,
    LEAD_BIN,
    MIN_ESTABLISHMENTS,
    MIN_EXPECTED_EXITS,
    NO_LEAD_MODEL,
    NO_LEAD_REFERENCE,
    WINDOW,
    Z,
    count_lead_references,
    detectable_fall_log,
    empty_effect,
    empty_events,
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

BOOTSTRAP_REPS = 499
# From this many establishments on, intervals come from the influence function and the fits from
# `analytic` (pipelines/segur/large.py) instead of the bootstrap and pyfixest: pyfixest's did2s
# alone needs 1.9 GB at 80 establishments, 5 GB at 160 and more than 7 GB at 200, and at national
# scale (11,000) the bootstrap takes an hour; the two intervals agree (docs/segur.md, section 9).
LARGE_PANEL_ESTABLISHMENTS = 100

# The cell-months with someone in post or a budget: the rest say nothing of either outcome.
HAS_DATA = (pl.col("headcount") > 0) | (pl.col("budgeted_fte") > 0)
# What a panel must have, and each outcome's columns: a panel may have one outcome only.
KEY_COLUMNS = ("month", "establishment_id", "job_family", "cover_month")
OUTCOME_COLUMNS = {
    "voluntary_exit_rate": ("headcount", "voluntary_exits"),
    "vacancy_rate": ("budgeted_fte", "vacancy_rate"),
}
# The panel columns the estimate reads (marts.segur_panel has also segur_group and vacant_fte).
PANEL_COLUMNS = (
    "month",
    "establishment_id",
    "job_family",
    "cover_month",
    "covered",
    "rel_month",
    "headcount",
    "voluntary_exits",
    "voluntary_exit_rate",
    "budgeted_fte",
    "vacancy_rate",
)


@dataclass(frozen=True)
class SegurEstimates:
    effect: pl.DataFrame  # marts.segur_effect
    event_study: pl.DataFrame  # marts.segur_event_study
    note: str | None  # why no estimate could be made at all, if so


def prepare_panel(panel: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, str]]:
    """Gives the panel with `covered` and `rel_month` derived from `cover_month` (checked against
    them when the panel has them), missing outcome columns added empty, and per outcome whose
    columns are missing the note that says so.

    Months and coverage dates count by calendar month: a cell is covered from the first day of
    its `cover_month`'s month, and `rel_month` is 0 in that month, -1 the month before."""
    missing = [c for c in KEY_COLUMNS if c not in panel.columns]
    if missing:
        raise ValueError(
            f"The Ségur panel has no column {', '.join(missing)}: it needs one row per establishment "
            f"(establishment_id), job family (job_family) and month (month, a date), with the first "
            f"covered month of the family (cover_month, a date; empty if never covered)."
        )
    month, cover = pl.col("month").dt.truncate("1mo"), pl.col("cover_month").dt.truncate("1mo")
    derived = panel.with_columns(
        _covered=(month >= cover).fill_null(False),
        _rel_month=(
            (month.dt.year() - cover.dt.year()) * 12 + month.dt.month().cast(pl.Int32) - cover.dt.month().cast(pl.Int32)
        ).cast(pl.Int32),
    )
    for column, rule in (
        ("covered", "true from the month of cover_month on, false before it and when cover_month is empty"),
        (
            "rel_month",
            "the months since cover_month: 0 in its month, -1 the month before, empty when cover_month is empty",
        ),
    ):
        if column not in panel.columns:
            continue
        wrong = derived.with_row_index("_row").filter(pl.col(column).ne_missing(pl.col(f"_{column}"))).head(1)
        if wrong.height:
            r = wrong.row(0, named=True)
            raise ValueError(
                f"The Ségur panel, row {r['_row'] + 1} (establishment {r['establishment_id']}, job family "
                f"{r['job_family']}, month {r['month']}): {column} is {r[column]}, but cover_month is "
                f"{r['cover_month']}, so it should be {r[f'_{column}']} ({column} is {rule})."
            )
    derived = derived.drop([c for c in ("covered", "rel_month") if c in panel.columns]).rename(
        {"_covered": "covered", "_rel_month": "rel_month"}
    )
    notes, fill = {}, []
    for outcome, columns in OUTCOME_COLUMNS.items():
        absent = [c for c in columns if c not in panel.columns]
        if absent:
            notes[outcome] = (
                f"No estimate: the panel has no column {', '.join(absent)}, so this outcome is not measured."
            )
            # Empty outcome, zero weight: no cell-month has data for it, the other outcome goes on.
            fill += [pl.lit(0.0).alias(columns[0]), pl.lit(None, pl.Float64).alias(columns[1])]
    derived = derived.with_columns(fill)
    if "voluntary_exit_rate" not in derived.columns:
        derived = derived.with_columns(
            voluntary_exit_rate=pl.when(pl.col("headcount") > 0).then(pl.col("voluntary_exits") / pl.col("headcount"))
        )
    if "vacancy_rate" in notes:  # a budget of zero is no data; the rate is null anyway
        derived = derived.with_columns(pl.col("budgeted_fte").cast(pl.Float64))
    return derived, notes


def why_no_estimate(panel: pl.DataFrame) -> str | None:
    """Gives, in words for a director, why the panel cannot support any estimate; None when it can."""
    # Counts only, never a filtered copy of the panel (at national scale it is 1 GB).
    rows = panel.lazy().filter(HAS_DATA)
    counts = (
        rows.select(
            n=pl.len(),
            ever=pl.col("cover_month").is_not_null().sum(),
            covered=pl.col("covered").sum(),
            never=pl.col("cover_month").is_null().sum(),
        )
        .collect()
        .row(0, named=True)
    )
    if counts["n"] == 0:
        return "No estimate: the workforce tables are empty, so there is nothing to compare."
    if counts["ever"] == 0:
        return (
            "No estimate: no job family in the data is covered by a Ségur measure (segur_measures has no "
            "row for them and this employer kind), so there is no covered group to compare with the "
            "others."
        )
    if counts["covered"] == 0:
        return (
            "No estimate: no month of the data is covered yet (every measure takes effect after the last "
            "reported month), so there is no 'after' to look at."
        )
    starts = rows.select(pl.col("cover_month").drop_nulls().unique()).collect().to_series()
    if counts["never"] == 0 and starts.len() == 1:
        return (
            f"No estimate: every job family in the data was covered from the same month ({starts[0]:%m/%Y}), "
            "so no family not (yet) covered is left to show what would have happened without the measure: "
            "its effect cannot be told apart from everything else that changed that month."
        )
    mixed = rows.group_by("month").agg(c=pl.col("covered").any(), u=(~pl.col("covered")).any())
    if mixed.filter(pl.col("c") & pl.col("u")).collect().height == 0:
        return (
            "No estimate: in every covered month, every job family was already covered, so no family not "
            "(yet) covered is left to compare with."
        )
    return None


def estimate_segur_effect(
    panel: pl.DataFrame, bootstrap_reps: int = BOOTSTRAP_REPS, seed: int = 20220401, large: bool | None = None
) -> SegurEstimates:
    """Gives marts.segur_effect (one row per outcome and estimator) and marts.segur_event_study
    (effect by month relative to coverage, -24 ... +24) from the Ségur panel.

    When no estimate can be made, the rows are there with null figures and a `note` saying why.
    `large` (default: from LARGE_PANEL_ESTABLISHMENTS establishments on) uses pipelines/segur/large.py."""
    panel, missing = prepare_panel(panel)
    note = why_no_estimate(panel)
    if note is not None:
        return SegurEstimates(empty_effect(note), empty_events(note), note)
    if large is None:
        with_data = panel.lazy().filter(HAS_DATA)
        establishments = with_data.select(pl.col("establishment_id").n_unique()).collect().item()
        large = establishments >= LARGE_PANEL_ESTABLISHMENTS
    if large:
        from pipelines.segur import large as big

        # One outcome's arrays at a time in this process: at national scale each is about 0.6 GB.
        work = [
            ("voluntary_exit_rate", lambda: big.panel_arrays(panel, "voluntary_exit_rate"), big.exits),
            ("vacancy_rate", lambda: big.panel_arrays(panel, "vacancy_rate"), big.vacancy),
        ]
    else:
        work = [
            (
                "voluntary_exit_rate",
                lambda: _sample(panel, "voluntary_exit_rate"),
                lambda s: _exits(s, bootstrap_reps, seed),
            ),
            ("vacancy_rate", lambda: _sample(panel, "vacancy_rate"), _vacancy),
        ]
    found, empty, child = {}, {}, None
    # The child's files (large panels only): a folder of this step's own, mode 700, removed after it.
    with tempfile.TemporaryDirectory(prefix="vivier-segur-") if large else contextlib.nullcontext() as folder:
        try:
            for index, (name, make, run) in enumerate(work):
                sample = None  # the previous outcome's, freed before the next is made
                sample = None if name in missing else make()
                why = missing.get(name) or _why_not_outcome(sample)
                if why:
                    empty[name] = (empty_effect(why, outcomes=(name,)), empty_events(why, outcomes=(name,)))
                elif large and child is None and index < len(work) - 1 and (os.cpu_count() or 1) >= 2:
                    # On two cores the first outcome is estimated in a process of its own while this one
                    # estimates the last: each is one core's work of about 15 s at national scale (issue 19).
                    child = _Child(name, run, sample, Path(folder))
                else:
                    found[name] = _quietly(run, sample, large)
            sample = None
            if child is not None:
                found[child.name] = child.result()
        finally:
            if child is not None:
                child.stop()
    effects, events = [], []
    for name in ("voluntary_exit_rate", "vacancy_rate"):
        if name in empty:
            effects.append(empty[name][0])
            events.append(empty[name][1])
        else:
            rows, event_rows = found[name]
            effects.append(pl.DataFrame(rows, schema=EFFECT_SCHEMA))
            events.append(pl.DataFrame(event_rows, schema=EVENT_SCHEMA))
    return SegurEstimates(pl.concat(effects), pl.concat(events).sort("outcome", "estimator", "rel_month"), None)


def _quietly(run, sample, one_blas_thread: bool = False) -> tuple[list[dict], list[dict]]:
    """Gives the rows of one outcome's estimate, without the warnings that are expected here."""
    from pipelines.segur.large import one_blas_thread as blas

    with warnings.catch_warnings(), blas() if one_blas_thread else contextlib.nullcontext():
        # pyfixest reports cells with no event (separation) and empty leads; both are expected here.
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        return run(sample)


class _Child:
    """One outcome's large-panel estimate in a process of its own (`python -m pipelines.segur.child`).

    A new interpreter, not a fork of this process, which runs Polars' and DuckDB's threads. It reads the
    outcome's arrays from `folder` (the step's own temporary folder, mode 700) and writes its rows back
    there. The same code on the same arrays gives the same rows (tests/segur/test_large.py)."""

    def __init__(self, name: str, run, sample: dict, folder: Path) -> None:
        self.name = name
        arrays, self.rows, self.errors = (folder / f"{name}{end}" for end in (".pickle", "-rows.pickle", ".log"))
        with open(arrays, "wb") as file:
            pickle.dump(sample, file, protocol=pickle.HIGHEST_PROTOCOL)
        # Its messages go to a file, not a pipe: a pipe nobody reads until the end stalls a child that fills it.
        with open(self.errors, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "pipelines.segur.child", run.__name__, str(arrays), str(self.rows)], stderr=log
            )

    def result(self) -> tuple[list[dict], list[dict]]:
        """Waits for the child; gives its rows, or raises with the last line it wrote when it failed."""
        if self.process.wait() != 0:
            lines = self.errors.read_text(errors="replace").strip().splitlines()
            said = lines[-1] if lines else f"exit code {self.process.returncode}"
            raise RuntimeError(f"The Ségur estimate of {self.name} failed in its own process: {said}")
        with open(self.rows, "rb") as file:
            return pickle.load(file)

    def stop(self) -> None:
        """Ends the child if it still runs (this process failed meanwhile)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


# ---------------------------------------------------------------------------------------------- samples


def _sample(panel: pl.DataFrame, outcome: str) -> pd.DataFrame:
    """Gives the cell-months an outcome is defined on, with integer codes, weights and the imputable flag."""
    weight = "headcount" if outcome == "voluntary_exit_rate" else "budgeted_fte"
    rows = panel.filter(pl.col(weight) > 0, pl.col(outcome).is_not_null())
    untreated_months = rows.filter(~pl.col("covered")).select("month").unique()
    untreated_cells = rows.filter(~pl.col("covered")).select("establishment_id", "job_family").unique()
    frame = (
        rows.with_columns(
            cell=pl.concat_str("establishment_id", "job_family", separator="|"),
            month_id=(pl.col("month").dt.year() * 12 + pl.col("month").dt.month()).cast(pl.Int64),
            y=pl.col("voluntary_exits").cast(pl.Float64) if outcome == "voluntary_exit_rate" else pl.col(outcome),
            w=pl.col(weight).cast(pl.Float64),
            _month_ok=pl.col("month").is_in(untreated_months["month"].implode()),
        )
        .join(untreated_cells.with_columns(_cell_ok=pl.lit(True)), on=["establishment_id", "job_family"], how="left")
        .with_columns(imputable=pl.col("covered") & pl.col("_month_ok") & pl.col("_cell_ok").fill_null(False))
        .with_columns(
            lead_bin=pl.when(~pl.col("covered") & pl.col("rel_month").is_between(-WINDOW, -1))
            .then((-pl.col("rel_month") - 1) // LEAD_BIN + 1)
            .otherwise(0)
            .cast(pl.Int32)
        )
        .drop("_month_ok", "_cell_ok")
        .with_columns(
            cell_code=pl.col("cell").rank("dense").cast(pl.Int64) - 1,
            month_code=pl.col("month_id").rank("dense").cast(pl.Int64) - 1,
        )
    )
    return frame.to_pandas()


def _why_not_outcome(sample: pd.DataFrame | dict) -> str | None:
    if not len(sample["covered"]):
        return "No estimate: this outcome is not defined on any cell-month (no headcount or no budget)."
    if not sample["imputable"].any():
        return (
            "No estimate: no covered cell-month has a comparison (its month has no cell not yet covered, "
            "or the cell was never observed before its coverage)."
        )
    if sample["covered"].all():
        return "No estimate: every cell-month of this outcome is covered."
    return None


def _frame_facts(sample: pd.DataFrame) -> dict:
    used = sample[~sample["covered"] | sample["imputable"]]
    return {
        "n_units": int(used["cell"].nunique()),
        "n_establishments": int(used["establishment_id"].nunique()),
        "n_covered_cell_months": int(used["imputable"].sum()),
        "n_covered_cell_months_left_out": int((sample["covered"] & ~sample["imputable"]).sum()),
        "first_month": pd.Timestamp(used["month"].min()).date(),
        "last_month": pd.Timestamp(used["month"].max()).date(),
    }


# ---------------------------------------------------------------------------------------------- exits


def fit_poisson_two_way(
    y: np.ndarray,
    exposure: np.ndarray,
    cell: np.ndarray,
    month: np.ndarray,
    weights: np.ndarray | None = None,
    tol: float = 1e-12,
    max_iter: int = 5000,
) -> tuple[np.ndarray, np.ndarray]:
    """Gives the multiplicative cell and month levels (exp of the fixed effects) of the Poisson
    maximum-likelihood fit y ~ exposure x cell level x month level, with observation weights.

    The likelihood equations say that, per cell and per month, fitted counts add up to observed
    counts; alternating those two conditions (iterative proportional fitting) reaches the maximum,
    the same fit pyfixest's `fepois` gives (tests/segur/test_estimate.py), in milliseconds, which the
    bootstrap needs. A cell or month with no event gets level 0: its likelihood grows without bound
    as its fixed effect goes to minus infinity."""
    w = np.ones_like(y, dtype=float) if weights is None else weights
    wy, wh = w * y, w * exposure
    n_cells, n_months = int(cell.max()) + 1, int(month.max()) + 1
    cell_events = np.bincount(cell, wy, n_cells)
    month_events = np.bincount(month, wy, n_months)
    cell_level, month_level = np.ones(n_cells), np.ones(n_months)
    for _ in range(max_iter):
        cell_level = _divide(cell_events, np.bincount(cell, wh * month_level[month], n_cells))
        month_level = _divide(month_events, np.bincount(month, wh * cell_level[cell], n_months))
        fitted = np.bincount(cell, wh * cell_level[cell] * month_level[month], n_cells)
        if np.max(np.abs(fitted - cell_events)) <= tol * max(cell_events.sum(), 1.0):
            break
    return cell_level, month_level


def _divide(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.zeros_like(a)
    np.divide(a, b, out=out, where=(a > 0) & (b > 0))
    return out


def _poisson_counterfactual(sample: pd.DataFrame, weights: np.ndarray | None = None) -> np.ndarray:
    """Gives the expected voluntary exits of every imputable covered cell-month without the measure,
    from the Poisson model (cell and month levels, headcount as exposure) fitted on uncovered cell-months."""
    untreated = ~sample["covered"].to_numpy()
    cell = sample["cell_code"].to_numpy()
    month = sample["month_code"].to_numpy()
    w = None if weights is None else weights[untreated]
    cell_level, month_level = fit_poisson_two_way(
        sample["y"].to_numpy(float)[untreated],
        sample["headcount"].to_numpy(float)[untreated],
        cell[untreated],
        month[untreated],
        w,
    )
    treated = sample["imputable"].to_numpy()
    return sample["headcount"].to_numpy(float)[treated] * cell_level[cell[treated]] * month_level[month[treated]]


def imputed_voluntary_exits(panel: pl.DataFrame) -> pl.DataFrame:
    """Gives every covered cell-month the voluntary-exit estimate uses, with its observed voluntary
    exits and those expected without the measure (`expected_without_measure`)."""
    sample = _sample(prepare_panel(panel)[0], "voluntary_exit_rate")
    treated = sample.loc[sample["imputable"].to_numpy()]
    columns = ["month", "establishment_id", "job_family", "segur_group", "rel_month", "headcount", "y"]
    return pl.from_pandas(
        treated[[c for c in columns if c in treated.columns]]
        .rename(columns={"y": "voluntary_exits"})
        .assign(expected_without_measure=_poisson_counterfactual(sample))
    ).with_columns(pl.col("month").cast(pl.Date))


def _ratios(treated: pd.DataFrame, mu: np.ndarray, w: np.ndarray) -> tuple[float, float, np.ndarray, np.ndarray]:
    """Gives observed/imputed - 1 and (observed - imputed)/headcount overall, and the ratio per rel_month."""
    y, h = treated["y"].to_numpy(float) * w, treated["headcount"].to_numpy(float) * w
    m = mu * w
    rel = treated["rel_month"].to_numpy()
    ks = np.arange(0, WINDOW + 1)
    by_k_y = np.array([y[rel == k].sum() for k in ks])
    by_k_m = np.array([m[rel == k].sum() for k in ks])
    with np.errstate(divide="ignore", invalid="ignore"):
        by_k = by_k_y / by_k_m - 1
    return y.sum() / m.sum() - 1, (y.sum() - m.sum()) / h.sum(), by_k, by_k_m


def _exits(sample: pd.DataFrame, reps: int, seed: int) -> tuple[list[dict], list[dict]]:
    import pyfixest as pf

    facts = _frame_facts(sample)
    treated = sample.loc[sample["imputable"].to_numpy()]
    mu = _poisson_counterfactual(sample)
    ones = np.ones(len(treated))
    relative, att, by_k, by_k_mu = _ratios(treated, mu, ones)
    level = mu.sum() / treated["headcount"].sum()

    # Cluster bootstrap: establishments drawn with replacement; a drawn establishment counts as
    # many times as it is drawn (frequency weights give the same fit as stacking the copies).
    rng = np.random.default_rng(seed)
    establishments = sample["establishment_id"].unique()
    codes = pd.Categorical(sample["establishment_id"], categories=establishments).codes
    draws = []
    for _ in range(reps):
        times = np.bincount(rng.integers(0, len(establishments), len(establishments)), minlength=len(establishments))
        w_all = times[codes].astype(float)
        w_t = w_all[sample["imputable"].to_numpy()]
        if w_t.sum() == 0:
            continue
        r, a, k, _ = _ratios(treated, _poisson_counterfactual(sample, w_all), w_t)
        draws.append((r, a, k))
    ratios = np.array([d[0] for d in draws])
    se_att = float(np.nanstd([d[1] for d in draws], ddof=1))
    se_log = None
    if np.all(ratios > -1) and relative > -1:
        se_log = float(np.std(np.log1p(ratios), ddof=1))
        rel_low, rel_high = math.expm1(math.log1p(relative) - Z * se_log), math.expm1(math.log1p(relative) + Z * se_log)
    else:  # some draws have no voluntary exit at all among covered cells: no log scale
        finite = ratios[np.isfinite(ratios)]
        rel_low, rel_high = (float(v) for v in np.percentile(finite, [2.5, 97.5])) if finite.size else (None, None)
    caution = (
        f" Only {facts['n_establishments']} establishments: too few for a reliable interval."
        if facts["n_establishments"] < MIN_ESTABLISHMENTS
        else ""
    )
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # months with no draw of their own
        # Percentiles: a month's ratio has a small denominator, and a few draws make it explode.
        low_k, high_k = np.nanpercentile(np.array([d[2] for d in draws]), [2.5, 97.5], axis=0)

    pre_p, no_test = _pre_trend_p(sample, poisson=True)
    rows = [
        {
            "outcome": "voluntary_exit_rate",
            "estimator": "imputation_poisson",
            "estimate": att,
            "ci_low": att - Z * se_att,
            "ci_high": att + Z * se_att,
            "relative_estimate": relative,
            "relative_ci_low": rel_low,
            "relative_ci_high": rel_high,
            "pre_trend_p_value": pre_p,
            "counterfactual_level": level,
            "relative_minimum_detectable_effect": detectable_fall_log(se_log),
            **facts,
            "note": sentences(
                f"Poisson imputation; 95 % intervals from {len(draws)} bootstrap draws of establishments.{caution}",
                no_test,
                pre_trend_caution(pre_p, facts),
            ),
        }
    ]
    # Naive: one "covered" coefficient on every cell-month, already-covered cells as comparisons.
    full = sample.assign(log_h=np.log(sample["headcount"].to_numpy(float)), d=sample["covered"].astype(float))
    fit = pf.fepois("y ~ d | cell + month_id", data=full, offset="log_h", vcov={"CRV1": "establishment_id"})
    b, se = float(fit.coef()["d"]), float(fit.se()["d"])
    cov = full[full["covered"]]
    observed_rate = cov["y"].sum() / cov["headcount"].sum()
    twfe_level = observed_rate / math.exp(b)
    rows.append(
        twfe_poisson_row(b, se, twfe_level, pre_p, _frame_facts(sample.assign(imputable=sample["covered"])), no_test)
    )

    events = _lead_events(sample, "voluntary_exit_rate", "imputation_poisson", poisson=True)
    rel = treated["rel_month"].to_numpy()
    for k in range(0, WINDOW + 1):
        n = int((rel == k).sum())
        if n == 0 or by_k_mu[k] < MIN_EXPECTED_EXITS:
            events.append(no_event("voluntary_exit_rate", "imputation_poisson", k, n, few=n > 0))
            continue
        lvl = by_k_mu[k] / treated.loc[rel == k, "headcount"].sum()
        lo, hi = float(low_k[k]), float(high_k[k])
        events.append(
            {
                "outcome": "voluntary_exit_rate",
                "estimator": "imputation_poisson",
                "rel_month": k,
                "estimate": lvl * by_k[k],
                "ci_low": lvl * lo,
                "ci_high": lvl * hi,
                "relative_estimate": by_k[k],
                "relative_ci_low": lo,
                "relative_ci_high": hi,
                "n_cell_months": n,
                "note": None,
            }
        )
    return rows, events


# ---------------------------------------------------------------------------------------------- vacancy


def _vacancy(sample: pd.DataFrame) -> tuple[list[dict], list[dict]]:
    import pyfixest as pf

    sample = _without_singletons(sample)
    facts = _frame_facts(sample)
    used = sample[~sample["covered"] | sample["imputable"]].copy()
    used["d"] = used["covered"].astype(bool)
    used["d_post"] = used["covered"].astype(float)
    fit = pf.did2s(
        used,
        yname="y",
        first_stage="~ 0 | cell + month_id",
        second_stage="~ d_post",
        treatment="d",
        cluster="establishment_id",
        weights="w",
    )
    rows = []
    b, se = _coef(fit, "d_post")
    cov = used[used["d"]]
    observed = float(np.average(cov["y"], weights=cov["w"]))
    pre_p, no_test = _pre_trend_p(sample, poisson=False)
    rows.append(
        linear_row(
            "imputation_did2s",
            b,
            se,
            observed,
            pre_p,
            facts,
            sentences(
                "Linear imputation (Gardner's did2s), weights budgeted fte.", no_test, pre_trend_caution(pre_p, facts)
            ),
        )
    )
    full = sample.assign(d=sample["covered"].astype(float))
    naive = pf.feols("y ~ d | cell + month_id", data=full, weights="w", vcov={"CRV1": "establishment_id"})
    b2, se2 = float(naive.coef()["d"]), float(naive.se()["d"])
    cov2 = full[full["covered"]]
    rows.append(
        linear_row(
            "twfe_ols",
            b2,
            se2,
            float(np.average(cov2["y"], weights=cov2["w"])),
            pre_p,
            _frame_facts(sample.assign(imputable=sample["covered"])),
            sentences(
                "Naive two-way fixed effects (weighted OLS): already-covered cells serve as comparisons.", no_test
            ),
        )
    )

    events = _lead_events(sample, "vacancy_rate", "imputation_did2s", poisson=False)
    used["k"] = np.where(used["d"], used["rel_month"].fillna(-1).astype(int).clip(upper=WINDOW + 1), -1)
    by_k = pf.did2s(
        used,
        yname="y",
        first_stage="~ 0 | cell + month_id",
        second_stage="~ i(k, ref=-1)",
        treatment="d",
        cluster="establishment_id",
        weights="w",
    )
    coefs, ses = by_k.coef(), by_k.se()
    for k in range(0, WINDOW + 1):
        at_k = used[used["d"] & (used["k"] == k)]
        name = next((c for c in coefs.index if _level_of(c) == k), None)
        if name is None or not len(at_k):
            events.append(no_event("vacancy_rate", "imputation_did2s", k, len(at_k)))
            continue
        lvl = float(np.average(at_k["y"], weights=at_k["w"]))
        events.append(linear_event("imputation_did2s", k, float(coefs[name]), float(ses[name]), lvl, len(at_k)))
    return rows, events


# ---------------------------------------------------------------------------------------------- pre-trends


def _lead_model(sample: pd.DataFrame, columns: list[str], poisson: bool):
    import pyfixest as pf

    untreated = sample.loc[~sample["covered"].to_numpy()].copy()
    untreated["log_h"] = np.log(untreated["headcount"].clip(lower=1e-9).to_numpy(float))
    present = [c for c in columns if untreated[c].any()]
    if not present:
        return None, []
    formula = "y ~ " + " + ".join(present) + " | cell + month_id"
    vcov = {"CRV1": "establishment_id"}
    try:
        if poisson:
            return pf.fepois(formula, data=untreated, offset="log_h", vcov=vcov), present
        return pf.feols(formula, data=untreated, weights="w", vcov=vcov), present
    except ValueError:
        # A family with no exit at all in its uncovered months but at a lead: pyfixest's fit does not
        # converge ("Demeaning failed"). The leads are then left empty, with a note, and there is no
        # pre-trend test; the effect itself does not need them.
        return None, []


def _lead_reference(sample: pd.DataFrame, poisson: bool) -> int:
    return count_lead_references(
        sample["cell_code"].to_numpy(),
        sample["covered"].to_numpy(bool),
        sample["rel_month"].to_numpy(float, na_value=np.nan),
        sample["y"].to_numpy(float) if poisson else None,
    )


def _pre_trend_p(sample: pd.DataFrame, poisson: bool) -> tuple[float | None, str | None]:
    """Gives the p-value of the test that covered cells did not drift in the 24 months before
    coverage, or None and why there is no test."""
    if not _lead_reference(sample, poisson):
        return None, f"No pre-trend test: {NO_LEAD_REFERENCE}."
    bins = range(1, WINDOW // LEAD_BIN + 1)
    leads = sample.assign(**{f"lead_{j}": (sample["lead_bin"] == j).astype(float) for j in bins})
    fit, present = _lead_model(leads, [f"lead_{j}" for j in bins], poisson)
    if fit is None:
        any_lead = bool(((sample["lead_bin"] > 0) & ~sample["covered"]).any())
        return None, (f"No pre-trend test: {NO_LEAD_MODEL}." if any_lead else None)
    # A lead collinear with the levels (every cell at that distance also alone in its month...) is dropped by pyfixest.
    coefs = fit.coef()
    kept = [coefs.index.get_loc(c) for c in present if c in coefs.index]
    if not kept:
        return None, None
    b = coefs.iloc[kept].to_numpy()
    v = np.asarray(fit._vcov)[np.ix_(kept, kept)]
    return pre_trend_p_value(b, v, _fitted_clusters(sample, poisson)), None


def _fitted_clusters(sample: pd.DataFrame, poisson: bool) -> int:
    """Gives the number of establishments in the model of the uncovered months (Poisson: those with a
    cell and a month that have exits; the others leave the fit)."""
    untreated = sample.loc[~sample["covered"].to_numpy()]
    if poisson:
        y = untreated["y"]
        untreated = untreated[
            (y.groupby(untreated["cell"]).transform("sum") > 0)
            & (y.groupby(untreated["month_id"]).transform("sum") > 0)
        ]
    return int(untreated["establishment_id"].nunique())


def _lead_events(sample: pd.DataFrame, outcome: str, estimator: str, poisson: bool) -> list[dict]:
    """Gives the event-study rows -24 ... -1: each month's lead coefficient on uncovered cell-months."""
    ks = range(-WINDOW, 0)
    rel = sample["rel_month"].fillna(0).astype(int)
    cols = {f"lead_m{-k}": ((~sample["covered"]) & sample["rel_month"].notna() & (rel == k)).astype(float) for k in ks}
    if any(cols[c].any() for c in cols) and not _lead_reference(sample, poisson):
        return no_leads(outcome, estimator, [int(cols[f"lead_m{-k}"].sum()) for k in ks], NO_LEAD_REFERENCE)
    fit, present = _lead_model(sample.assign(**cols), list(cols), poisson)
    if fit is None and any(cols[c].any() for c in cols):
        return no_leads(outcome, estimator, [int(cols[f"lead_m{-k}"].sum()) for k in ks], NO_LEAD_MODEL)
    coefs = fit.coef() if fit is not None else {}
    ses = fit.se() if fit is not None else {}
    out = []
    for k in ks:
        name = f"lead_m{-k}"
        at_k = sample[cols[name].astype(bool)]
        b = coefs.get(name, np.nan) if name in present else np.nan
        w_avg = float(np.average(at_k["y"], weights=at_k["w"])) if len(at_k) and not poisson else None
        out.append(
            lead_row(
                outcome,
                estimator,
                k,
                len(at_k),
                b,
                ses.get(name, np.nan),
                poisson,
                float(at_k["y"].sum()),
                float(at_k["headcount"].sum()),
                w_avg,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------- helpers


def _coef(fit, name: str) -> tuple[float, float]:
    coefs, ses = fit.coef(), fit.se()
    key = next(c for c in coefs.index if c == name or c.startswith(name))
    return float(coefs[key]), float(ses[key])


def _level_of(name: str) -> int | None:
    """Gives the level of a pyfixest `i(k, ref=-1)` coefficient name (`C(k, ...)[T.3]` or `k::3`)."""
    text = name.split("T.")[-1] if "T." in name else name.split("::")[-1]
    try:
        return int(float(text.rstrip("]")))
    except ValueError:
        return None


def _without_singletons(used: pd.DataFrame) -> pd.DataFrame:
    """Gives the cell-months without the cells (and months) seen only once uncovered, again until none is left.

    The first stage fits one level per cell and month on uncovered cell-months; pyfixest drops a
    level seen once (it fits that row exactly and says nothing of the others), and its did2s then
    fails on rows it no longer has."""
    while True:
        uncovered = used[~used["covered"]]
        alone = [
            (key, counts[counts == 1].index)
            for key, counts in ((k, uncovered[k].value_counts()) for k in ("cell", "month_id"))
        ]
        if not any(len(index) for _, index in alone):
            return used.copy()
        for key, index in alone:
            used = used[~used[key].isin(index)]
