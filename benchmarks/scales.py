"""Times `vivier demo-data` and `vivier run` at one or more scales, each in its own process.

    python benchmarks/scales.py --scale small --scale departement

Prints a Markdown table (wall time, peak resident memory of the process and
its children, rows loaded) to paste into docs/performance.md. Data goes to
benchmarks/.cache/<scale>/, regenerated on every call so the timing is real.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
VIVIER = str(Path(sys.executable).parent / "vivier")


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Gives the wall seconds and peak RSS (MiB) of one command run in a child process."""
    started = time.monotonic()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{child.stderr.read()}")
    return seconds, usage.ru_maxrss / 1024


def bench(scale: str, seed: int) -> list[str]:
    work = ROOT / "benchmarks" / ".cache" / scale
    shutil.rmtree(work, ignore_errors=True)
    landing, warehouse = work / "landing", work / "vivier.duckdb"
    env = os.environ | {
        "VIVIER_LANDING_DIR": str(landing),
        "VIVIER_WAREHOUSE": str(warehouse),
        "DAGSTER_HOME": str(work / "dagster"),
        "VIVIER_AS_OF": "",
    }
    (work / "dagster").mkdir(parents=True)
    (work / "dagster" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    gen = measure([VIVIER, "demo-data", "--scale", scale, "--seed", str(seed), "--out", str(landing)], env)
    run = measure([VIVIER, "run"], env)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows_read, rows_loaded = con.execute(
            "SELECT sum(rows_read), sum(rows_loaded) FROM quality.ingest_report"
        ).fetchone()
    size = sum(p.stat().st_size for p in landing.iterdir() if p.is_file()) / 2**20
    return [
        f"| {scale} | `vivier demo-data` | {gen[0]:.1f} | {gen[1]:.0f} | {size:.0f} MiB of extracts |",
        f"| {scale} | `vivier run` | {run[0]:.1f} | {run[1]:.0f} | {rows_read:,} rows read, {rows_loaded:,} loaded |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", action="append", choices=["small", "departement", "national"])
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    print(
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB\n"
    )
    print("| scale | command | wall (s) | peak memory (MiB) | volume |\n|---|---|---|---|---|")
    for scale in args.scale or ["small", "departement"]:
        for line in bench(scale, args.seed):
            print(line, flush=True)


if __name__ == "__main__":
    main()
