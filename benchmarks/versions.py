"""Two versions of Vivier, one `vivier run` each at a time, alternated on the same landing folder: is
the newer one slower? (Issue 19: the département-scale run must be no slower than before.)

    python benchmarks/versions.py                      # 837523c (before issue 19) against HEAD
    python benchmarks/versions.py --old REV --new REV --scale departement --rounds 3

Each revision is checked out once into benchmarks/.cache/versions/<rev> (git worktree) and run with
this repository's virtual environment, the worktree first on the path (`python -m pipelines.cli run`
from inside it). Each run writes a fresh warehouse with a fresh DAGSTER_HOME, in a child process
whose wall time, CPU time and peak memory are taken; the runs alternate old, new, old, new... so that
the machine's load falls on both alike. Prints a Markdown table with the load before each run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / ".cache" / "versions"


def worktree(rev: str) -> Path:
    """Gives a checkout of `rev` (made once)."""
    sha = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, capture_output=True, text=True, check=True)
    path = CACHE / sha.stdout.strip()
    if not path.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(path), rev], cwd=ROOT, check=True)
    return path


def landing(scale: str, seed: int) -> Path:
    """Gives the demo landing folder of `scale` (written once, by this checkout's `vivier demo-data`)."""
    out = CACHE / f"landing-{scale}-{seed}"
    if not (out / "_truth" / "truth.json").exists():
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run(
            [str(Path(sys.executable).parent / "vivier"), "demo-data", "--scale", scale, "--seed", str(seed)]
            + ["--out", str(out)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return out


def one_run(tree: Path, folder: Path, work: Path) -> dict:
    """Gives wall, CPU and peak memory of one `vivier run` of the checkout `tree` into a fresh warehouse."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = os.environ | {
        "VIVIER_LANDING_DIR": str(folder),
        "VIVIER_WAREHOUSE": str(work / "vivier.duckdb"),
        "DAGSTER_HOME": str(work / "dagster"),
        "VIVIER_AS_OF": "",
        "PYTHONPATH": str(tree),
    }
    load, started = os.getloadavg()[0], time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "run"],
        cwd=tree,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"vivier run of {tree.name} failed")
    return {
        "wall": time.monotonic() - started,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss": usage.ru_maxrss / 1024,
        "load": load,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--old", default="837523c")
    parser.add_argument("--new", default="HEAD")
    parser.add_argument("--scale", default="departement", choices=["small", "departement"])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    trees = {"old": worktree(args.old), "new": worktree(args.new)}
    folder = landing(args.scale, args.seed)
    figures: dict[str, list[dict]] = {"old": [], "new": []}
    print("| round | version | wall (s) | CPU (s) | peak memory (MiB) | load before |\n|---|---|---|---|---|---|")
    for round_ in range(1, args.rounds + 1):
        for name, tree in trees.items():
            f = one_run(tree, folder, CACHE / f"run-{name}")
            figures[name].append(f)
            print(
                f"| {round_} | {name} ({tree.name}) | {f['wall']:.1f} | {f['cpu']:.1f} | {f['rss']:,.0f} "
                f"| {f['load']:.1f} |",
                flush=True,
            )
    for name, runs in figures.items():
        print(
            f"\n{name} ({trees[name].name}): median wall {statistics.median(r['wall'] for r in runs):.1f} s, "
            f"median CPU {statistics.median(r['cpu'] for r in runs):.1f} s"
        )


if __name__ == "__main__":
    main()
