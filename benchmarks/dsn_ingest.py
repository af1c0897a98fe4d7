"""Measures the staff extract's ingest from monthly DSN files against the same staff as a CSV file.

    python benchmarks/dsn_ingest.py                          # departement scale, 3 runs of each
    python benchmarks/dsn_ingest.py --scale small --repeat 1

Both landing folders are written once by `vivier demo-data` with the same seed (benchmarks/.cache/dsn-
<scale>/csv and /dsn: the same simulated careers, as staff.csv or as one DSN file per organisation and
month). In each, the staff's upstream reference tables (territories, job families, PCS mapping,
establishments) are loaded first; then, in a child process of its own, Dagster materialises the two
staff assets, `raw/staff` (read and parse the files, pseudonymise) and `staging/staff` (map, validate,
write), and the child prints its wall time, CPU time and peak resident memory (`ru_maxrss`). The load
average around each run is printed too: the machine may be shared (issue 16's goal: the DSN path no more
than 3x the CSV path, and under 30 s on 2 cores)."""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "benchmarks" / ".cache"
UPSTREAM = ("territories", "job_families", "pcs_job_families", "establishments")


def landing(scale: str, mode: str, seed: int) -> Path:
    """Gives the landing folder of one mode (csv or dsn), written once."""
    from pipelines.demo import generate_demo

    folder = CACHE / f"dsn-{scale}" / mode
    if not (folder / "establishments.csv").exists():
        shutil.rmtree(folder, ignore_errors=True)
        generate_demo(folder, scale=scale, seed=seed, dsn=mode == "dsn")
    return folder


def child(folder: Path, warehouse: Path) -> None:
    """Loads the staff's upstream tables, then times the two staff assets alone (run in a child)."""
    import dagster as dg

    from pipelines.definitions import defs

    os.environ.update({"VIVIER_LANDING_DIR": str(folder), "VIVIER_WAREHOUSE": str(warehouse), "VIVIER_AS_OF": ""})
    job = defs.resolve_job_def("nightly_refresh")
    refs = [dg.AssetKey([layer, name]) for name in UPSTREAM for layer in ("raw", "staging")]
    staff = [dg.AssetKey(["raw", "staff"]), dg.AssetKey(["staging", "staff"])]
    with dg.DagsterInstance.ephemeral() as instance:
        job.execute_in_process(instance=instance, asset_selection=refs)
        wall, cpu = time.perf_counter(), time.process_time()
        result = job.execute_in_process(instance=instance, asset_selection=staff)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    assert result.success
    rows = {
        m.asset_key.path[-1]: m.metadata["rows_loaded"].value
        for m in result.get_asset_materialization_events()
        for m in [m.event_specific_data.materialization]
        if "rows_loaded" in m.metadata
    }
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"wall": wall, "cpu": cpu, "peak_mib": peak, "staff_rows": rows.get("staff")}))


def measure(folder: Path, work: Path) -> dict:
    warehouse = work / "vivier.duckdb"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    before = os.getloadavg()[0]
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(folder), str(warehouse)],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ | {"DAGSTER_HOME": str(work)},
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return figures | {"load": f"{before:.1f} -> {os.getloadavg()[0]:.1f}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=["small", "departement"], default="departement")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("LANDING", "WAREHOUSE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return
    folders = {mode: landing(args.scale, mode, args.seed) for mode in ("csv", "dsn")}
    sizes = {m: sum(p.stat().st_size for p in f.glob("staff*" if m == "csv" else "dsn*")) for m, f in folders.items()}
    print(
        f"{os.cpu_count()} cores; staff as CSV: {sizes['csv'] / 2**20:.1f} MiB, as DSN: {sizes['dsn'] / 2**20:.1f} MiB"
    )
    print("| mode | run | wall (s) | CPU (s) | peak memory (MiB) | staff rows | load average (before -> after) |")
    print("|---|---|---|---|---|---|---|")
    walls: dict[str, list[float]] = {"csv": [], "dsn": []}
    for run in range(1, args.repeat + 1):
        for mode, folder in folders.items():
            f = measure(folder, CACHE / f"dsn-{args.scale}" / f"work-{mode}")
            walls[mode].append(f["wall"])
            print(
                f"| {mode} | {run} | {f['wall']:.1f} | {f['cpu']:.1f} | {f['peak_mib']:,.0f} | {f['staff_rows']:,} "
                f"| {f['load']} |"
            )
    median = {m: sorted(w)[len(w) // 2] for m, w in walls.items()}
    print(f"\nMedian wall: CSV {median['csv']:.1f} s, DSN {median['dsn']:.1f} s: {median['dsn'] / median['csv']:.1f}x")


if __name__ == "__main__":
    main()
