"""Measures the `segur_effect` asset at national scale, and checks its intervals against the bootstrap.

    python benchmarks/segur_national.py                       # the asset, on the national panel
    python benchmarks/segur_national.py --check 200 400 --draws 199   # influence-function vs bootstrap intervals
    python benchmarks/segur_national.py --coverage 200 --establishments 250  # coverage on simulated panels

The national warehouse (benchmarks/.cache/national/vivier.duckdb, written by `make bench` or
`vivier demo-data --scale national` and `vivier run`) is only read. Its `marts.segur_panel` is copied,
or computed from `marts.workforce_monthly` and the staging tables with `pipelines.segur.panel` when
the warehouse has none (the national benchmark ran without the Ségur marts), into
benchmarks/.cache/segur-national/vivier.duckdb, in a child process. Then:

- without `--check`: the `segur_effect` asset is materialised there by Dagster in a child process,
  which prints its wall time, CPU time and peak resident memory (`ru_maxrss` of that process), and the
  effect table. Run it under `/usr/bin/time -v` for the same figures from outside.
- with `--check N ...`: for each N, N establishments drawn at random (seed `--seed`) from the national
  panel, the relative voluntary-exit effect's interval is made both ways (the small-panel path's
  bootstrap of `--draws` draws; the large-panel path's influence function), printed side by side.
- with `--coverage R`: R simulated panels of `--establishments` establishments
  (`tests.segur.helpers.many_establishments_panel`, planted -20 %), and how often the
  influence-function interval covers the planted effect (no warehouse needed).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
NATIONAL = ROOT / "benchmarks" / ".cache" / "national" / "vivier.duckdb"
WORK = ROOT / "benchmarks" / ".cache" / "segur-national"


def prepare(source: Path = NATIONAL, target: Path = WORK / "vivier.duckdb") -> None:
    """Writes marts.segur_panel of the national warehouse into `target` (once)."""
    import duckdb

    from pipelines.segur import panel

    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        with duckdb.connect(str(target), read_only=True) as con:
            if con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'marts' "
                "AND table_name = 'segur_panel'"
            ).fetchone()[0]:
                return
    with duckdb.connect(str(source), read_only=True) as con:
        names = {
            r[0]
            for r in con.execute("SELECT table_schema || '.' || table_name FROM information_schema.tables").fetchall()
        }
        if "marts.segur_panel" in names:
            table = con.sql("SELECT * FROM marts.segur_panel").pl()
        else:
            coverage = panel.coverage_months(
                con.sql("SELECT * FROM staging.segur_measures").pl().lazy(),
                con.sql("SELECT * FROM staging.job_families").pl().lazy(),
            )
            table = panel.segur_panel(con.sql("SELECT * FROM marts.workforce_monthly").pl().lazy(), coverage)
    with duckdb.connect(str(target)) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS marts")
        con.register("incoming", table)
        con.execute("CREATE OR REPLACE TABLE marts.segur_panel AS SELECT * FROM incoming")
    print(f"wrote marts.segur_panel ({table.height:,} rows) to {target}", flush=True)


def run_asset(warehouse: Path = WORK / "vivier.duckdb") -> None:
    """Materialises segur_effect on `warehouse` in this process and prints what it cost and found."""
    import dagster as dg
    import duckdb
    import polars as pl

    from pipelines.segur.assets import segur_effect
    from pipelines.warehouse import Warehouse

    started, cpu = time.monotonic(), time.process_time()
    result = dg.materialize([segur_effect], resources={"warehouse": Warehouse(path=str(warehouse))})
    wall, cpu = time.monotonic() - started, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"segur_effect: success={result.success} wall {wall:.1f} s, CPU {cpu:.1f} s, peak RSS {peak:,.0f} MiB, "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        table = con.sql(
            "SELECT outcome, estimator, relative_estimate, relative_ci_low, relative_ci_high, "
            "pre_trend_p_value, n_units, n_establishments FROM marts.segur_effect"
        ).pl()
    with pl.Config(tbl_cols=-1, tbl_width_chars=200):
        print(table)


def check(sizes: list[int], draws: int, seed: int, warehouse: Path = WORK / "vivier.duckdb") -> None:
    """Prints, for subsamples of establishments, the bootstrap and influence-function intervals."""
    import duckdb
    import numpy as np
    import polars as pl

    from pipelines.segur.estimate import PANEL_COLUMNS, estimate_segur_effect

    with duckdb.connect(str(warehouse), read_only=True) as con:
        ids = con.sql("SELECT DISTINCT establishment_id FROM marts.segur_panel ORDER BY 1").pl()["establishment_id"]
    rng = np.random.default_rng(seed)
    print("| establishments | estimate | bootstrap 95 % CI | se (log) | influence 95 % CI | se (log) | ratio of se |")
    print("|---|---|---|---|---|---|---|")
    for n in sizes:
        chosen = pl.DataFrame({"establishment_id": rng.choice(ids.to_numpy(), n, replace=False)})
        with duckdb.connect(str(warehouse), read_only=True) as con:
            con.register("chosen", chosen)
            panel = con.sql(
                f"SELECT {', '.join(PANEL_COLUMNS)} FROM marts.segur_panel JOIN chosen USING (establishment_id)"
            ).pl()
        boot = _bootstrap_only(panel, draws, seed)
        infl = estimate_segur_effect(panel, large=True).effect.filter(estimator="imputation_poisson").row(0, named=True)
        rows = [boot, infl]
        se = [
            (np.log1p(r["relative_ci_high"]) - np.log1p(r["relative_ci_low"])) / (2 * 1.959963984540054) for r in rows
        ]
        print(
            f"| {n} | {boot['relative_estimate']:+.3f} | [{boot['relative_ci_low']:+.3f}, "
            f"{boot['relative_ci_high']:+.3f}] | {se[0]:.3f} | [{infl['relative_ci_low']:+.3f}, "
            f"{infl['relative_ci_high']:+.3f}] | {se[1]:.3f} | {se[1] / se[0]:.2f} |",
            flush=True,
        )


def _bootstrap_only(panel, draws: int, seed: int) -> dict:
    """Gives the small-panel path's bootstrap interval of the relative voluntary-exit effect, without its
    pyfixest fits (at 400 establishments they passed 10 GB: docs/segur.md, section 9)."""
    import math

    import numpy as np
    import pandas as pd

    from pipelines.segur import estimate as e

    sample = e._sample(panel, "voluntary_exit_rate")
    treated = sample.loc[sample["imputable"].to_numpy()]
    relative = e._ratios(treated, e._poisson_counterfactual(sample), np.ones(len(treated)))[0]
    rng = np.random.default_rng(seed)
    establishments = sample["establishment_id"].unique()
    codes = pd.Categorical(sample["establishment_id"], categories=establishments).codes
    logs = []
    for _ in range(draws):  # as estimate._exits
        times = np.bincount(rng.integers(0, len(establishments), len(establishments)), minlength=len(establishments))
        w_all = times[codes].astype(float)
        w_t = w_all[sample["imputable"].to_numpy()]
        logs.append(math.log1p(e._ratios(treated, e._poisson_counterfactual(sample, w_all), w_t)[0]))
    se = float(np.std(logs, ddof=1))
    centre = math.log1p(relative)
    return {
        "relative_estimate": relative,
        "relative_ci_low": math.expm1(centre - e.Z * se),
        "relative_ci_high": math.expm1(centre + e.Z * se),
    }


def coverage(replications: int, establishments: int) -> None:
    """Prints how often the large-panel interval covers the planted effect on simulated panels."""
    import numpy as np

    from pipelines.segur.estimate import estimate_segur_effect
    from tests.segur.helpers import many_establishments_panel

    planted, covers, widths, estimates = -0.2, [], [], []
    for seed in range(replications):
        panel = many_establishments_panel(establishments, effect=planted, seed=1000 + seed)
        effect = estimate_segur_effect(panel, large=True).effect
        r = effect.filter(estimator="imputation_poisson").row(0, named=True)
        covers.append(r["relative_ci_low"] <= planted <= r["relative_ci_high"])
        widths.append(r["relative_ci_high"] - r["relative_ci_low"])
        estimates.append(r["relative_estimate"])
    share = float(np.mean(covers))
    print(
        f"{replications} panels of {establishments} establishments, planted {planted:+.2f}: the 95 % interval "
        f"covers it in {share:.1%} (binomial se {np.sqrt(share * (1 - share) / replications):.1%}); mean estimate "
        f"{np.mean(estimates):+.3f}, sd {np.std(estimates, ddof=1):.3f}; mean width {np.mean(widths):.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", type=int, nargs="+", metavar="N", help="establishments per subsample")
    parser.add_argument("--draws", type=int, default=499, help="bootstrap draws for --check")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--coverage", type=int, metavar="R", help="simulated panels for the coverage check")
    parser.add_argument("--establishments", type=int, default=250, help="establishments per simulated panel")
    parser.add_argument("--child", choices=["prepare", "asset"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "prepare":
        return prepare()
    if args.child == "asset":
        return run_asset()
    if args.coverage:
        return coverage(args.coverage, args.establishments)
    # Each step in its own process, so that the asset's peak memory is its own.
    subprocess.run([sys.executable, __file__, "--child", "prepare"], check=True)
    if args.check:
        return check(args.check, args.draws, args.seed)
    subprocess.run([sys.executable, __file__, "--child", "asset"], check=True)


if __name__ == "__main__":
    main()
