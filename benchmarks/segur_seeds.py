"""Runs the Ségur estimate on demo data over several seeds and prints the table of docs/segur.md.

    python benchmarks/segur_seeds.py --seeds 1 2 3 4 5
    python benchmarks/segur_seeds.py --seeds 1 2 3 4 5 --set segur_effect=-0.4
    python benchmarks/segur_seeds.py --seeds 1 2 3 4 5 --set segur_effect=-0.1 --set segur_effect_growth_per_year=1.0

For each seed: `generate_demo(scale="departement", seed=N, **settings)`, then the nightly job
restricted to the Ségur marts and everything upstream of them (ingest, workforce_monthly), in
one process, into benchmarks/.cache/segur/<tag>/. Prints one Markdown row per seed: the planted
effect (truth.json, and averaged over the very cell-months the estimate uses, which differs
when effects vary), the imputation estimate with its 95 % interval, the naive two-way estimate,
the pre-trend p-value, and the smallest fall the data could have shown (80 % power, 5 % test).
Seeds run one after the other (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEGUR_KEYS = (
    ("marts", "segur_panel"),
    ("marts", "segur_effect"),
    ("marts", "segur_event_study"),
    ("marts", "segur_pay"),
)


def run_segur(landing: Path, warehouse: Path) -> bool:
    """Materialises the Ségur marts and their upstream assets on `landing` into `warehouse`."""
    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.ingest.period import EVENT_DATES
    from tests.conftest import vivier_env

    graph = defs.resolve_asset_graph()
    # The reporting period reads the event extracts without depending on them (a failed extract must
    # not stop every mart): they are selected with it, or the as-of date would be computed without them.
    wanted = [dg.AssetKey(list(k)) for k in SEGUR_KEYS] + [dg.AssetKey(["staging", n]) for n in EVENT_DATES]
    keys = dg.AssetSelection.assets(*wanted).upstream().resolve(graph)
    env = {"VIVIER_LANDING_DIR": str(landing), "VIVIER_WAREHOUSE": str(warehouse), "VIVIER_AS_OF": ""}
    with vivier_env(**env), dg.DagsterInstance.ephemeral() as instance:
        job = defs.resolve_job_def("nightly_refresh")
        return job.execute_in_process(instance=instance, asset_selection=list(keys), raise_on_error=False).success


def planted_on_sample(warehouse: Path, truth: dict) -> float:
    """Gives the planted relative effect averaged over the covered cell-months the estimate uses,
    weighted by their expected exits without the measure (the definition truth.json uses)."""
    import duckdb
    import polars as pl

    from pipelines.segur.estimate import imputed_voluntary_exits

    with duckdb.connect(str(warehouse), read_only=True) as con:
        panel = con.sql("SELECT * FROM marts.segur_panel").pl()
    cells = imputed_voluntary_exits(panel)
    params = truth["parameters"]
    by_group = params.get("segur_effect_by_group") or {}
    growth = float(truth["segur_effect_growth_per_year"])
    base = cells["segur_group"].map_elements(
        lambda g: float(by_group.get(g, params["segur_effect"])), return_dtype=pl.Float64
    )
    effect = (base * (1 + growth * cells["rel_month"].clip(lower_bound=0) / 12)).clip(lower_bound=-1.0)
    weights = cells["expected_without_measure"]
    return float((effect * weights).sum() / weights.sum())


def one_seed(seed: int, settings: dict, tag: str) -> dict:
    import duckdb

    from pipelines.demo import generate_demo

    work = ROOT / "benchmarks" / ".cache" / "segur" / f"{tag}-{seed}"
    shutil.rmtree(work, ignore_errors=True)
    started = time.monotonic()
    generate_demo(work / "landing", scale=settings.pop("scale", "departement"), seed=seed, **settings)
    if not run_segur(work / "landing", work / "vivier.duckdb"):
        raise SystemExit(f"seed {seed}: the run failed")
    truth = json.loads((work / "landing" / "_truth" / "truth.json").read_text())
    with duckdb.connect(str(work / "vivier.duckdb"), read_only=True) as con:
        rows = con.sql("SELECT * FROM marts.segur_effect WHERE outcome = 'voluntary_exit_rate'").pl()
    chosen = rows.filter(rows["estimator"] == "imputation_poisson").row(0, named=True)
    naive = rows.filter(rows["estimator"] == "twfe_poisson").row(0, named=True)
    return {
        "seed": seed,
        "truth": truth["segur_relative_effect_voluntary_exits"],
        "truth_sample": planted_on_sample(work / "vivier.duckdb", truth),
        "chosen": chosen,
        "naive": naive,
        "seconds": time.monotonic() - started,
    }


def _p(value: float | None, spec: str = ".2f") -> str:
    return "-" if value is None else format(value, spec)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="generator setting (JSON value), e.g. segur_effect=-0.4",
    )
    args = parser.parse_args()
    settings = {k: json.loads(v) for k, v in (s.split("=", 1) for s in args.set)}
    tag = "_".join(f"{k}{v}" for k, v in settings.items()) or "default"
    print(f"settings: {settings or 'defaults'}\n")
    print(
        "| seed | planted (truth.json) | planted, cells used | imputation (Poisson) | 95 % CI | covers | excludes 0 "
        "| naive TWFE (Poisson) | 95 % CI | pre-trend p | smallest visible fall |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    results = []
    for seed in args.seeds:
        r = one_seed(seed, dict(settings), tag)
        results.append(r)
        c, n = r["chosen"], r["naive"]
        covers = c["relative_ci_low"] <= r["truth_sample"] <= c["relative_ci_high"]
        excludes = c["relative_ci_high"] < 0 or c["relative_ci_low"] > 0
        print(
            f"| {seed} | {r['truth']:+.3f} | {r['truth_sample']:+.3f} | {c['relative_estimate']:+.3f} "
            f"| [{c['relative_ci_low']:+.3f}, {c['relative_ci_high']:+.3f}] | {'yes' if covers else 'no'} "
            f"| {'yes' if excludes else 'no'} | {n['relative_estimate']:+.3f} "
            f"| [{n['relative_ci_low']:+.3f}, {n['relative_ci_high']:+.3f}] | {_p(c['pre_trend_p_value'])} "
            f"| {_p(c['relative_minimum_detectable_effect'], '+.3f')} |",
            flush=True,
        )
    mean = lambda xs: sum(xs) / len(xs)  # noqa: E731
    print(
        f"\nmean planted on cells used {mean([r['truth_sample'] for r in results]):+.3f}; "
        f"imputation {mean([r['chosen']['relative_estimate'] for r in results]):+.3f}; "
        f"naive {mean([r['naive']['relative_estimate'] for r in results]):+.3f}; "
        f"{mean([r['seconds'] for r in results]):.0f} s per seed"
    )


if __name__ == "__main__":
    main()
