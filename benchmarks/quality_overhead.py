"""Times the nightly refresh with and without the quality checks, each in its own process,
on one landing folder, and the check steps from the run's own events.

    python benchmarks/quality_overhead.py --landing benchmarks/.cache/departement/landing --repeat 2

Prints a Markdown table for docs/performance.md. Not a test: a departement run takes
minutes, and a shared machine makes single timings noisy, hence the repeats, interleaved.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import json, sys, time
import dagster as dg
import pipelines.definitions as definitions
from pipelines.progress import PROGRESS_LOGGER
from pipelines.quality.checks import quality_checks

with_checks = sys.argv[1] == "with"
defs = definitions.defs
checks = [c for c in defs.asset_checks if with_checks or c not in quality_checks]
job_defs = dg.Definitions(assets=defs.assets, asset_checks=checks, jobs=[definitions.nightly_refresh],
                          loggers=defs.loggers, resources=defs.resources)
job = job_defs.resolve_job_def("nightly_refresh")
started = time.monotonic()
with dg.DagsterInstance.get() as instance:
    result = job.execute_in_process(instance=instance, raise_on_error=False, run_config={"loggers": {PROGRESS_LOGGER: {}}})
    seconds = time.monotonic() - started
    logs = instance.all_logs(result.run_id)
starts, steps = {}, {}
for entry in logs:
    event = entry.dagster_event
    if event is None:
        continue
    if event.is_step_start:
        starts[event.step_key] = entry.timestamp
    elif event.is_step_success or event.is_step_failure:
        steps[event.step_key] = entry.timestamp - starts[event.step_key]
quality = {k: v for k, v in steps.items() if k.endswith(("__expectations", "__expectations_on_other_tables"))}
first = min(quality, key=lambda k: starts[k]) if quality else None
others = sorted(((v, k) for k, v in steps.items() if k not in quality), reverse=True)[:4]
print(json.dumps({"success": result.success, "job_seconds": seconds, "steps": len(steps),
                  "other_steps_seconds": sum(v for k, v in steps.items() if k not in quality),
                  "slowest_other_steps": [f"{k} {v:.1f}" for v, k in others],
                  "check_steps": len(quality), "check_seconds": sum(quality.values()),
                  "first_check_seconds": quality.get(first, 0.0)}))
"""


def measure(mode: str, landing: Path, work: Path) -> dict:
    """Gives one run's figures: wall and CPU seconds of the process, and the job's own."""
    shutil.rmtree(work, ignore_errors=True)
    (work / "dagster").mkdir(parents=True)
    (work / "dagster" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = os.environ | {"VIVIER_LANDING_DIR": str(landing), "VIVIER_WAREHOUSE": str(work / "vivier.duckdb"),
                        "DAGSTER_HOME": str(work / "dagster"), "VIVIER_AS_OF": ""}  # fmt: skip
    started = time.monotonic()
    child = subprocess.Popen([sys.executable, "-c", CHILD, mode], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the {mode} run failed")
    figures = json.loads(out.strip().splitlines()[-1])
    return figures | {"mode": mode, "wall": time.monotonic() - started, "cpu": usage.ru_utime + usage.ru_stime}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vivier-overhead-"))
    rows = [measure(mode, args.landing.resolve(), work / mode) for _ in range(args.repeat) for mode in ("without", "with")]
    shutil.rmtree(work, ignore_errors=True)
    print("| checks | run | wall s | CPU s | job s | in other steps s | check steps | in check steps s "
          "| first check step s | slowest other steps s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for i, r in enumerate(rows):
        print(f"| {r['mode']} | {i // 2 + 1} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['job_seconds']:.1f} | "
              f"{r['other_steps_seconds']:.1f} | {r['check_steps']} | {r['check_seconds']:.1f} | "
              f"{r['first_check_seconds']:.1f} | {', '.join(r['slowest_other_steps'])} |")


if __name__ == "__main__":
    main()
