"""Times the nightly refresh with and without the quality checks, each in its own process,
on one landing folder, and the check steps from the run's own events.

    python benchmarks/quality_overhead.py --landing benchmarks/.cache/departement/landing --repeat 3

Prints a Markdown table for docs/performance.md, the medians with and without checks,
and the CPU spent inside the check steps (read from the process's CPU clock as Dagster
logs each step's start and end). Not a test: a departement run takes a minute, and a
shared machine makes single timings noisy, hence the repeats, interleaved.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import json, logging, sys, time
import dagster as dg
import pipelines.definitions as definitions
from pipelines.progress import PROGRESS_LOGGER
from pipelines.quality import gx
from pipelines.quality.checks import quality_checks

with_checks = sys.argv[1] == "with"
defs = definitions.defs
checks = [c for c in defs.asset_checks if with_checks or c not in quality_checks]

# The process's CPU from the start to the end of each step, read as Dagster logs them: in the
# in-process executor one step runs at a time, so a check step's CPU is what it cost, the events
# it stored included. The first check imports Great Expectations: that part is timed apart.
cpu_at_start, step_cpu, gx_import = {}, {}, {}
class StepCpu(logging.Handler):
    def emit(self, record):
        event = (getattr(record, "dagster_meta", None) or {}).get("dagster_event")
        if event is None:
            return
        if event.event_type_value == "STEP_START":
            cpu_at_start[event.step_key] = time.process_time()
            cpu_at_start.setdefault("first step", cpu_at_start[event.step_key])
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
            step_cpu[event.step_key] = time.process_time() - cpu_at_start[event.step_key]

@dg.logger
def step_cpu_logger(init_context):
    logger = logging.Logger("step_cpu", level=logging.DEBUG)
    logger.addHandler(StepCpu())
    return logger

context = gx._context
def timed_context():
    if gx_import:
        return context()
    started = time.process_time()
    found = context()
    gx_import["cpu"] = time.process_time() - started
    return found
gx._context = timed_context

job_defs = dg.Definitions(assets=defs.assets, asset_checks=checks, jobs=[definitions.nightly_refresh],
                          loggers=defs.loggers | {"step_cpu": step_cpu_logger}, resources=defs.resources)
job = job_defs.resolve_job_def("nightly_refresh")
started, cpu_started = time.monotonic(), time.process_time()
with dg.DagsterInstance.get() as instance:
    result = job.execute_in_process(instance=instance, raise_on_error=False,
                                    run_config={"loggers": {PROGRESS_LOGGER: {}, "step_cpu": {}}})
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
                  "costliest_other_steps": [f"{k} {v:.1f}" for v, k in sorted(
                      ((v, k) for k, v in step_cpu.items() if k not in quality), reverse=True)[:3]],
                  "check_steps": len(quality), "check_seconds": sum(quality.values()),
                  # before the first step: the run's creation, with an event per check it plans
                  "cpu_to_first_step": cpu_at_start["first step"] - cpu_started,
                  "check_cpu": sum(step_cpu.get(k, 0.0) for k in quality), "gx_import_cpu": gx_import.get("cpu", 0.0),
                  "first_check_seconds": quality.get(first, 0.0)}))
"""


def measure(mode: str, landing: Path, work: Path) -> dict:
    """Gives one run's figures: wall and CPU seconds of the process, and the job's own."""
    shutil.rmtree(work, ignore_errors=True)
    (work / "dagster").mkdir(parents=True)
    (work / "dagster" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = os.environ | {
        "VIVIER_LANDING_DIR": str(landing),
        "VIVIER_WAREHOUSE": str(work / "vivier.duckdb"),
        "DAGSTER_HOME": str(work / "dagster"),
        "VIVIER_AS_OF": "",
    }
    started = time.monotonic()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, mode],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
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
    load_before = os.getloadavg()
    rows = [
        measure(mode, args.landing.resolve(), work / mode) for _ in range(args.repeat) for mode in ("without", "with")
    ]
    load_after = os.getloadavg()
    shutil.rmtree(work, ignore_errors=True)
    print(
        "| checks | run | wall s | CPU s | job s | in other steps s | check steps | in check steps s "
        "| CPU to first step s | CPU in check steps s | of which GX import s | first check step s "
        "| slowest other steps s | their CPU s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for i, r in enumerate(rows):
        print(
            f"| {r['mode']} | {i // 2 + 1} | {r['wall']:.1f} | {r['cpu']:.1f} | {r['job_seconds']:.1f} | "
            f"{r['other_steps_seconds']:.1f} | {r['check_steps']} | {r['check_seconds']:.1f} | "
            f"{r['cpu_to_first_step']:.1f} | {r['check_cpu']:.1f} | {r['gx_import_cpu']:.1f} | "
            f"{r['first_check_seconds']:.1f} | "
            f"{', '.join(r['slowest_other_steps'])} | {', '.join(r['costliest_other_steps'])} |"
        )
    without = [r for r in rows if r["mode"] == "without"]
    with_ = [r for r in rows if r["mode"] == "with"]
    for what in ("cpu", "wall"):
        a, b = statistics.median(r[what] for r in without), statistics.median(r[what] for r in with_)
        print(f"\n{what}: median {a:.1f} s without checks, {b:.1f} s with: {b / a - 1:+.0%}")
    own = statistics.median(r["check_cpu"] for r in with_)
    print(
        f"CPU in the check steps (GX import included): median {own:.1f} s, "
        f"{own / statistics.median(r['cpu'] for r in without):.0%} of the run without checks"
    )
    print(
        f"load average (1, 5, 15 min): {' '.join(f'{x:.1f}' for x in load_before)} before, "
        f"{' '.join(f'{x:.1f}' for x in load_after)} after"
    )


if __name__ == "__main__":
    main()
