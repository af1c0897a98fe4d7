"""The heaviest steps of the national refresh, each alone in a fresh process: what a step costs by itself,
apart from what the run's one process still holds from the steps before it (issue 19, bounded memory).

    python benchmarks/steps.py                       # the default steps below
    python benchmarks/steps.py --step marts/segur_panel --step "marts/workforce_monthly checks"

Needs the full refresh's warehouse of `python benchmarks/refresh.py` (benchmarks/.cache/refresh/full).
For each step, a copy of that warehouse is made and the step is materialised on it by Dagster, in a child
process of its own with an ephemeral instance: the asset with its own checks ("KEY"), or only its suite of
expectations ("KEY checks"). The child's peak resident memory comes from `os.wait4` (a process started with
exec, so nothing of this one is counted), wall and CPU seconds with it, and the load average around it.
Prints Markdown to paste into docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / ".cache" / "refresh"
WAREHOUSE = CACHE / "full" / "warehouse" / "vivier.duckdb"
STEPS = (
    "raw/applications",
    "staging/applications",
    "staging/applications checks",
    "ml/carer_features",
    "marts/workforce_monthly checks",
    "marts/segur_panel",
    "marts/segur_panel checks",
    "marts/segur_effect",
    "marts/recruitment_funnel",
)


def child(step: str) -> None:
    """Materialises one step on the warehouse named by VIVIER_WAREHOUSE, in this process."""
    import dagster as dg

    from pipelines.definitions import defs

    key_text, _, part = step.partition(" ")
    key = dg.AssetKey(key_text.split("/"))
    if part == "checks":
        selection = dg.AssetSelection.checks_for_assets(key) - dg.AssetSelection.checks(
            *defs.get_assets_def(key).check_keys
        )
    else:
        # The asset with the checks its own step yields (staging steps report theirs), not its suite.
        assets_def = defs.get_assets_def(key)
        selection = dg.AssetSelection.assets(*assets_def.keys).without_checks() | dg.AssetSelection.checks(
            *assets_def.check_keys
        )
    job = dg.define_asset_job("one_step", selection=selection, executor_def=dg.in_process_executor)
    with dg.instance_for_test() as instance:
        result = (
            dg.Definitions.merge(defs, dg.Definitions(jobs=[job]))
            .resolve_job_def("one_step")
            .execute_in_process(instance=instance, raise_on_error=False)
        )
    if not result.success:
        raise SystemExit(f"{step} failed")


def measure(step: str, landing: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="vivier-step-", dir=CACHE) as folder:
        warehouse = Path(folder) / "vivier.duckdb"
        shutil.copyfile(WAREHOUSE, warehouse)
        shutil.copytree(WAREHOUSE.parent / "models", Path(folder) / "models")  # the model files sit beside it
        env = os.environ | {
            "VIVIER_WAREHOUSE": str(warehouse),
            "VIVIER_LANDING_DIR": str(landing),
            "VIVIER_AS_OF": "",
        }
        before, started = f"{os.getloadavg()[0]:.1f}", time.monotonic()
        # Dagster's log to a file: a pipe read only at the end stalls a child that fills it.
        with open(Path(folder) / "step.log", "w+") as log:
            process = subprocess.Popen([sys.executable, __file__, "--child", step], env=env, stdout=log, stderr=log)
            _, status, usage = os.wait4(process.pid, 0)
            if os.waitstatus_to_exitcode(status) != 0:
                log.seek(0)
                raise SystemExit(f"{step} failed:\n{log.read()[-2000:]}")
        return {
            "wall": time.monotonic() - started,
            "cpu": usage.ru_utime + usage.ru_stime,
            "peak": usage.ru_maxrss / 1024,
            "load": f"{before} -> {os.getloadavg()[0]:.1f}",
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--step", action="append", help="an asset key (a/b), or 'a/b checks' for its suite")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    if not WAREHOUSE.exists():
        raise SystemExit(f"No {WAREHOUSE}: run `python benchmarks/refresh.py --full-only` first.")
    print(f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}.\n")
    print("| step, alone in a fresh process | wall (s) | CPU (s) | peak memory (MiB) | load average |")
    print("|---|---|---|---|---|")
    for step in args.step or STEPS:
        f = measure(step, CACHE / "landing")
        print(f"| {step} | {f['wall']:.1f} | {f['cpu']:.1f} | {f['peak']:,.0f} | {f['load']} |", flush=True)


if __name__ == "__main__":
    main()
