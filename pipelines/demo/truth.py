"""What the generator planted: the true 12-month leaving risk of each carer and the Ségur effect."""

from __future__ import annotations

import logging
from datetime import date

import numpy as np
import polars as pl

from pipelines.demo.carers import CarerHistory, advance, leaving_hazard, month_after
from pipelines.demo.config import DEMO_EMPLOYER_KIND, GeneratorConfig, Reference, segur_effect_of
from pipelines.demo.dates import Months, day_number
from pipelines.demo.workforce import SegurExposure

log = logging.getLogger("vivier.demo")

UNITS_PER_CHUNK = 400_000  # carers x paths simulated at once (bounds memory)


def true_carer_risk(
    config: GeneratorConfig, history: CarerHistory, months: Months, rng: np.random.Generator
) -> pl.DataFrame:
    """Gives carer_id and true_risk_12m for every carer active on the as-of date.

    The risk is the chance of leaving for any reason but death within the 12
    months after the as-of date, under the generator's own monthly process,
    starting from the state the extracts show at the as-of date. Each carer's
    future is simulated `truth_paths` times (placements, visits, breakdowns,
    allegations, ageing); along each path the monthly chances are accumulated
    exactly (sum over months of survival so far x chance of leaving), which
    gives the same expectation as counting simulated leavers with less noise.
    Carers whose end_date is the as-of date itself are active on it and get 0.
    """
    as_of = day_number(config.as_of)
    paths = config.truth_paths
    alive = np.flatnonzero(history.active)
    risk = np.zeros(alive.size)
    chunk = max(UNITS_PER_CHUNK // paths, 1)
    for lo in range(0, alive.size, chunk):
        carers = alive[lo : lo + chunk]
        state = history.state.take(np.repeat(carers, paths))
        total = np.zeros(state.n)
        survival = np.ones(state.n)
        for k in range(1, 13):
            month = month_after(history.first_start, months.n - 1 + k)
            hz = leaving_hazard(state, month, history.first_start, config)
            total += survival * (1 - hz.p_death) * hz.p_leave
            survival *= (1 - hz.p_death) * (1 - hz.p_leave)
            advance(state, None, month, history.first_start, config, history.factors, rng)
        risk[lo : lo + carers.size] = total.reshape(carers.size, paths).mean(axis=1)
        log.info("true risk simulation: %d / %d carers (%d paths each)", lo + carers.size, alive.size, paths)
    leaving_today = np.flatnonzero(history.end == as_of)
    ids = pl.concat([history.carer_id.gather(alive), history.carer_id.gather(leaving_today)])
    values = np.concatenate([risk, np.zeros(leaving_today.size)])
    return pl.DataFrame({"carer_id": ids, "true_risk_12m": np.round(values, 6)}).sort("carer_id")


def segur_truth(config: GeneratorConfig, ref: Reference, exposure: SegurExposure) -> dict:
    """Gives the Ségur part of truth.json: the planted effect overall and by group, and how it is defined."""
    groups = sorted({g for f, g in ref.segur_group.items() if f in ref.coverage})
    by_group = {g: segur_effect_of(config, g) for g in groups}
    constant = config.segur_effect_growth_per_year == 0
    common = len(set(by_group.values())) == 1 and constant
    realised = {g: round(exposure.relative(g), 6) for g in groups if g in exposure.baseline}
    overall = next(iter(by_group.values())) if common else round(exposure.relative(), 6)
    return {
        "segur_relative_effect_voluntary_exits": overall,
        "segur_relative_effect_by_group": by_group if constant else realised,
        "segur_relative_effect_realised_by_group": realised,
        "segur_effect_growth_per_year": config.segur_effect_growth_per_year,
        "segur_coverage": {f: d.isoformat() for f, d in sorted(ref.coverage.items())},
        "segur_employer_kind": DEMO_EMPLOYER_KIND,
    }


DOC = {
    "as_of_date": "Default as-of date of the extracts: the latest contract/placement start, application, "
    "posting, enquiry or carer-event date is this day, and none is later.",
    "segur_relative_effect_voluntary_exits": "Planted relative change of the monthly voluntary-exit hazard "
    "(RESIGNATION, MUTUAL_AGREEMENT) of covered job families from the first day of the month of their Ségur "
    "measure (-0.2 = 20 % lower). When every group has the same constant effect, that effect; otherwise the "
    "exposure-weighted mean over covered holder-months of the window, weighted by the hazard the covered "
    "holders would have had without the measure (i.e. expected voluntary exits with / without - 1).",
    "segur_relative_effect_by_group": "Planted effect by Ségur group (job_families.segur_group); with "
    "segur_effect_growth_per_year != 0 the exposure-weighted mean of each group instead.",
    "segur_relative_effect_realised_by_group": "Exposure-weighted mean effect by group over the window, "
    "computed from the simulated holder-months (equals the planted effect when it is constant).",
    "segur_effect_growth_per_year": "Effect k months after coverage = effect * (1 + growth * k / 12).",
    "segur_employer_kind": "The demo establishments are associations: Ségur measures apply for "
    "employer_kind ASSOCIATION or empty.",
    "carer_risk": "carer_risk.csv: every carer active on as_of_date (end_date empty or >= as_of_date), "
    "true_risk_12m = probability of an end_date in (as_of, as_of + 365 days] for any end_reason but DEATH, "
    "under the generator's monthly process given only what the extracts show up to as_of_date.",
    "carer_hazard": "Monthly carer leaving hazard = exp(linear predictor) in: age bands, support visits in the "
    "previous 6 months, breakdowns in 12, any allegation in 24, months with an empty place in 12, respite "
    "days in 12, complaints in 12, first 2 years of employment, distance to service; plus non-renewal at "
    "each 5-yearly agrément anniversary; certain retirement at the retirement age.",
    "defects": "defects.csv (messy mode): one row per planted defect; source_row as a spreadsheet shows it "
    "(header = 1). Both rows sharing a key are listed for duplicate_key; the second copy for duplicate.",
}


def truth_document(
    config: GeneratorConfig, ref: Reference, exposure: SegurExposure, files: dict[str, int], carer_hazard: dict
) -> dict:
    """Gives the content of truth.json."""
    params = {k: v for k, v in vars(config).items() if isinstance(v, (int, float, str)) and not isinstance(v, bool)}
    return {
        "as_of_date": config.as_of.isoformat(),
        **segur_truth(config, ref, exposure),
        "carer_hazard_coefficients": carer_hazard,
        "seed": config.seed,
        "scale": config.scale,
        "messy": None,
        "files": files,
        "parameters": {k: (v.isoformat() if isinstance(v, date) else v) for k, v in params.items()},
        "doc": DOC,
    }
