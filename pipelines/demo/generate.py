"""Writing a synthetic landing folder: every extract, plus `_truth/` with what was planted."""

from __future__ import annotations

import json
import logging
import shutil
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.demo import dsn as dsn_mode
from pipelines.demo import messy as messy_mode
from pipelines.demo.carers import simulate_carers
from pipelines.demo.config import GeneratorConfig, build_config, load_reference
from pipelines.demo.dates import simulated_months
from pipelines.demo.organisation import make_establishments, make_posts, make_territories
from pipelines.demo.recruitment import make_applications
from pipelines.demo.truth import segur_truth, true_carer_risk, truth_document
from pipelines.demo.workforce import simulate_workforce
from pipelines.ingest import origin

log = logging.getLogger("vivier.demo")

EXTRACTS = (
    "territories",
    "establishments",
    "staff",
    "budgeted_posts",
    "job_postings",
    "applications",
    "foster_carers",
    "placements",
    "carer_events",
    "carer_enquiries",
)
# Independent random streams, so that changing one stage leaves the others alone.
STREAMS = {"organisation": 1, "staff": 2, "applications": 3, "carers": 4, "truth": 5, "messy": 6, "dsn": 7}


@dataclass
class DemoSummary:
    """What `generate_demo` wrote."""

    out: Path
    scale: str
    seed: int
    messy: bool
    as_of_date: date
    files: dict[str, int] = field(default_factory=dict)  # file name -> data rows (DSN files: lines)
    seconds: float = 0.0
    dsn: bool = False


def _rng(config: GeneratorConfig, stream: str) -> np.random.Generator:
    return np.random.default_rng([config.seed, STREAMS[stream]])


def generate_demo(
    out: Path, scale: str = "small", seed: int = 42, messy: bool = False, dsn: bool = False, **overrides
) -> DemoSummary:
    """Gives the summary of a synthetic landing folder written to `out` (extracts and `_truth/`).

    With `dsn`, the staff of the same careers is written as monthly DSN files (pipelines/demo/dsn.py)
    instead of staff.csv, and establishments.csv gains a `siret` column; `_truth/dsn.json` says what
    the files hold (and, when messy, where each planted case is) and `_truth/dsn_staff.csv` the staff a
    reader of contract section 2b finds in them.
    """
    began = time.perf_counter()
    out = Path(out)
    if dsn and scale == "national":
        raise ValueError(
            "--dsn is not available at national scale: ten years of monthly DSN files for 350,000 staff "
            "would be about 30 GB. Use --scale departement (about 200 MB) or small."
        )
    config = build_config(scale, seed, **overrides)
    log.info(
        "demo data: scale %s, seed %d, as-of %s, %s mode%s -> %s",
        scale,
        seed,
        config.as_of,
        "messy" if messy else "clean",
        ", staff as monthly DSN files" if dsn else "",
        out,
    )
    tables, truth, risk = build_tables(config)
    dsn_rng = _rng(config, "dsn")
    if dsn:
        tables["establishments"] = dsn_mode.add_sirets(tables["establishments"], dsn_rng)
    out.mkdir(parents=True, exist_ok=True)
    # Files of an earlier run would be read with the new ones (extracts match by prefix).
    stale = sorted(
        p
        for name in EXTRACTS
        for p in out.glob(f"{name}*")
        if p.is_file() and p.suffix.lower() in (".csv", ".xlsx", ".parquet")
    )
    # DSN files are read whatever their extension: an earlier run's would be read with these extracts.
    stale += sorted(p for p in out.iterdir() if p.is_file() and p.name.lower().startswith("dsn"))
    if stale:
        log.warning(
            "demo data: replacing %d extract file(s) in %s: %s", len(stale), out, ", ".join(p.name for p in stale)
        )
    for path in stale:
        path.unlink()
    truth_dir = out / "_truth"
    if truth_dir.exists():
        shutil.rmtree(truth_dir)
    truth_dir.mkdir()
    if messy:
        log.info("messy: writing French, Windows-1252, split and defective files")
        files, defects = messy_mode.write_messy(tables, out, config.as_of, _rng(config, "messy"))
        if dsn:  # the staff goes to DSN files: the messy staff files and their defects are dropped
            for name in [f for f in files if f.startswith("staff")]:
                (out / name).unlink()
                del files[name]
            defects = defects.filter(pl.col("extract") != "staff")
    else:
        files = {}
        for name in EXTRACTS:
            if dsn and name == "staff":
                continue
            path = out / f"{name}.csv"
            tables[name].write_csv(path, date_format="%Y-%m-%d")
            files[path.name] = tables[name].height
        defects = messy_mode.empty_defects()
    if dsn:
        written = dsn_mode.write_dsn(
            tables["staff"], tables["establishments"], out, config.as_of, config.history_months, dsn_rng, messy
        )
        files.update(written.files)
        (truth_dir / "dsn.json").write_text(
            json.dumps(written.planted, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        dsn_mode.expected_staff(tables["staff"], config.as_of, config.history_months).write_csv(
            truth_dir / "dsn_staff.csv", date_format="%Y-%m-%d"
        )
    defects.write_csv(truth_dir / "defects.csv")
    risk.write_csv(truth_dir / "carer_risk.csv", float_precision=6)
    truth["messy"] = messy
    truth["files"] = files
    # how the ingest knows these extracts are synthetic (and the report says so): pipelines/ingest/origin.py
    truth[origin.HASHES] = {name: origin.sha256_of(out / name) for name in files if (out / name).is_file()}
    (truth_dir / "truth.json").write_text(json.dumps(truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    seconds = time.perf_counter() - began
    log.info("demo data: %d files, %d rows in %.1f s", len(files), sum(files.values()), seconds)
    return DemoSummary(out, scale, seed, messy, config.as_of, files, seconds, dsn)


def build_tables(config: GeneratorConfig) -> tuple[dict[str, pl.DataFrame], dict, pl.DataFrame]:
    """Gives the clean extracts, the truth document and the true carer risks."""
    ref = load_reference()
    months = simulated_months(config.as_of, config.history_months, config.burn_in_months)
    rng = _rng(config, "organisation")
    territories = make_territories(config, rng)
    establishments = make_establishments(config, territories, months, rng)
    posts, budget = make_posts(config, establishments, months, rng)
    log.info(
        "organisation: %d territories, %d establishments, %d budgeted posts, %d budget rows",
        territories.table.height,
        establishments.table.height,
        posts.n,
        budget.height,
    )

    log.info("staff: simulating %d months of careers", months.n)
    workforce = simulate_workforce(config, ref, establishments, posts, months, _rng(config, "staff"))
    log.info("staff: %d contracts, %d job postings", workforce.staff.height, workforce.job_postings.height)
    applications = make_applications(
        config, workforce.job_postings, workforce.posting_fill, _rng(config, "applications")
    )
    log.info("applications: %d", applications.height)

    log.info("carers: simulating %d months of foster care", months.n)
    carers = simulate_carers(config, territories, months, _rng(config, "carers"))
    log.info(
        "carers: %d carers, %d placements, %d events, %d enquiries",
        carers.foster_carers.height,
        carers.placements.height,
        carers.carer_events.height,
        carers.carer_enquiries.height,
    )

    tables = {
        "territories": territories.table,
        "establishments": establishments.table,
        "staff": workforce.staff,
        "budgeted_posts": budget,
        "job_postings": workforce.job_postings,
        "applications": applications,
        "foster_carers": carers.foster_carers,
        "placements": carers.placements,
        "carer_events": carers.carer_events,
        "carer_enquiries": carers.carer_enquiries,
    }
    tables["carer_events"] = pin_as_of_event(tables["carer_events"], carers.foster_carers, config.as_of)
    check_as_of(tables, config.as_of)

    log.info(
        "true risk simulation: %d active carers x %d paths x 12 months", int(carers.active.sum()), config.truth_paths
    )
    risk = true_carer_risk(config, carers, months, _rng(config, "truth"))
    hazard = {k: v for k, v in vars(config).items() if k.startswith(("hazard_", "non_renewal_"))}
    truth = truth_document(config, ref, workforce.segur, {}, hazard)
    log.info(
        "Ségur truth: %s",
        {k: v for k, v in segur_truth(config, ref, workforce.segur).items() if k.startswith("segur_relative")},
    )
    return tables, truth, risk


def pin_as_of_event(events: pl.DataFrame, carers: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Gives the events with the latest support visit of the as-of month moved to the as-of date itself.

    The pipeline's default as-of date is the last day of the latest month whose
    last day is on or before the latest event date: one event must fall on the
    as-of date. Moving a visit within its month changes no monthly feature.
    """
    staying = carers.filter(pl.col("end_date").is_null())["carer_id"]
    month_start = as_of.replace(day=1)
    candidates = events.with_row_index("_row").filter(
        (pl.col("event_date") >= month_start)
        & (pl.col("event_type") == "SUPPORT_VISIT")
        & pl.col("carer_id").is_in(staying.implode())
    )
    taken = events.filter(pl.col("event_date") == as_of).select("carer_id", "event_type")
    candidates = candidates.join(taken, on=["carer_id", "event_type"], how="anti")
    if candidates.is_empty():
        if (events["event_date"] == as_of).any():
            return events
        raise RuntimeError(f"no support visit in the month of {as_of} to place on the as-of date")
    row = candidates.sort("event_date", "carer_id", descending=[True, False])["_row"][0]
    return events.with_columns(
        event_date=pl.when(pl.int_range(pl.len()) == row).then(pl.lit(as_of)).otherwise(pl.col("event_date"))
    ).sort("event_date", "carer_id", "event_type")


AS_OF_DATES = {
    "staff": "start_date",
    "placements": "start_date",
    "applications": "applied_date",
    "job_postings": "opened_date",
    "carer_enquiries": "enquiry_date",
    "carer_events": "event_date",
}


def check_as_of(tables: dict[str, pl.DataFrame], as_of: date) -> None:
    """Raises unless the latest of the as-of-defining dates is exactly the as-of date."""
    latest = max(tables[t][c].max() for t, c in AS_OF_DATES.items() if tables[t].height)
    if latest != as_of:
        raise RuntimeError(f"the latest event date is {latest}, not the as-of date {as_of}")
