"""The national-scale refresh against the operations goals: `vivier run` end to end, each asset's
share, the time to simply read the inputs (the scan limit), and a run after one new month of extracts.

    python benchmarks/refresh.py            # or: make bench

The national demo is written once to benchmarks/.cache/refresh/landing (about 3 minutes) and
reused; every run writes a fresh warehouse. Prints Markdown to paste into docs/performance.md,
with the machine's load average before and after each figure (the machine is shared).

"One new month": the previous night's landing folder lacks the as-of month's applications and
carer events (the append-only extracts); they arrive as `applications_YYYY-MM.csv` and
`carer_events_YYYY-MM.csv`, and the next run (incremental, same DAGSTER_HOME and warehouse) is
timed; then a rerun with nothing changed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / ".cache" / "refresh"
VIVIER = str(Path(sys.executable).parent / "vivier")
# Append-only extracts and their date column: a new month only adds rows to these.
MONTHLY = {"applications": "applied_date", "carer_events": "event_date"}
GOALS = (
    "full refresh < 180 s and < 4 GiB; one new month < 120 s; a rerun with nothing changed < 20 s; the checks "
    "< 15 % of the full refresh's CPU (issue 19, 2 cores)"
)


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def resident_mib(pid: int) -> float | None:
    """Gives the resident memory of a running process (VmRSS), or None once it has ended."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def measure(command: list[str], env: dict[str, str] | None = None, log: Path | None = None) -> dict:
    """Gives wall seconds, peak RSS (MiB) and the load average around one command run in a child
    process, and its resident memory sampled every half second (`memory`: (epoch seconds, MiB))."""
    before, started = load(), time.monotonic()
    # A child's ru_maxrss counts the memory of this process when it forked it (before its exec): below
    # that, the child's own peak is the highest of its samples instead.
    parent = resident_mib(os.getpid()) or 0.0
    out = open(log, "w") if log else subprocess.DEVNULL
    child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    memory = []
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        rss = resident_mib(child.pid)
        if rss is not None:
            memory.append((time.time(), rss))
        time.sleep(0.5)
    seconds = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed (exit {os.waitstatus_to_exitcode(status)}); see {log}")
    peak = usage.ru_maxrss / 1024
    return {
        "wall": seconds,
        "rss": peak if peak > parent * 1.01 else max((mib for _, mib in memory), default=peak),
        "cpu": usage.ru_utime + usage.ru_stime,
        "load": f"{before} -> {load()}",
        "memory": memory,
    }


def national_landing(seed: int) -> Path:
    """Gives the cached national demo landing folder, written on first use."""
    landing = CACHE / "landing"
    if not (landing / "_truth" / "truth.json").exists():
        shutil.rmtree(landing, ignore_errors=True)
        print(f"Writing the national demo to {landing} (once; about 3 minutes)...", file=sys.stderr)
        subprocess.run(
            [VIVIER, "demo-data", "--scale", "national", "--seed", str(seed), "--out", str(landing)], check=True
        )
    return landing


def scan(landing: str) -> None:
    """Reads every landing file into memory as text columns, nothing else: the floor of any refresh."""
    import polars as pl

    rows = sum(pl.read_csv(p, infer_schema=False).height for p in sorted(Path(landing).glob("*.csv")))
    print(f"{rows} rows")


def split_last_month(landing: Path, as_of: str) -> tuple[Path, Path]:
    """Gives (the previous night's landing folder, the new month's files), built once from the full landing:
    the append-only extracts' rows of the as-of month go to `<extract>_YYYY-MM.csv` files."""
    import polars as pl

    month = as_of[:7]
    previous, new = CACHE / "month" / "previous", CACHE / "month" / "new"
    if (new / "done").exists():
        return previous, new
    shutil.rmtree(CACHE / "month", ignore_errors=True)
    previous.mkdir(parents=True)
    new.mkdir()
    for path in landing.glob("*.csv"):
        extract = path.stem
        if extract not in MONTHLY:
            os.link(path, previous / path.name)
            continue
        rows = pl.read_csv(path, infer_schema=False)
        in_month = rows[MONTHLY[extract]].str.starts_with(month)
        rows.filter(~in_month).write_csv(previous / path.name)
        rows.filter(in_month).write_csv(new / f"{extract}_{month}.csv")
    (new / "done").touch()
    return previous, new


def run_without(keys: list[str]) -> None:
    """`vivier run`'s job in this process, less the assets named (and what depends on them)."""
    import dagster as dg

    from pipelines.dagster_home import default_dagster_home, ensure_dagster_home
    from pipelines.definitions import defs
    from pipelines.progress import PROGRESS_LOGGER

    ensure_dagster_home(default_dagster_home())
    left_out = dg.AssetSelection.assets(*[dg.AssetKey(k.split("/")) for k in keys]).downstream()
    selection = (dg.AssetSelection.all() - left_out).resolve(defs.resolve_asset_graph())
    with dg.DagsterInstance.get() as instance:
        result = defs.resolve_job_def("nightly_refresh").execute_in_process(
            instance=instance,
            asset_selection=list(selection),
            run_config={"loggers": {PROGRESS_LOGGER: {}}},
            raise_on_error=False,
        )
    sys.exit(0 if result.success else 1)


def run(name: str, landing: Path, fresh: bool = True, without: list[str] = ()) -> dict:
    """Gives the figures of one `vivier run` into benchmarks/.cache/refresh/<name>/, with each step's seconds
    (none when the run found nothing to rebuild and started no Dagster run)."""
    work = CACHE / name
    if fresh:
        shutil.rmtree(work / "warehouse", ignore_errors=True)
        shutil.rmtree(work / "dagster", ignore_errors=True)
    env = os.environ | {
        "VIVIER_LANDING_DIR": str(landing),
        "VIVIER_WAREHOUSE": str(work / "warehouse" / "vivier.duckdb"),
        "DAGSTER_HOME": str(work / "dagster"),
        "VIVIER_AS_OF": "",
    }
    (work / "dagster").mkdir(parents=True, exist_ok=True)
    command = [sys.executable, __file__, "--child-without", ",".join(without)] if without else [VIVIER, "run"]
    runs_before = count_runs(work / "dagster")
    figures = measure(command, env, work / "run.log")
    new_run = count_runs(work / "dagster") > runs_before
    figures |= steps_of_last_run(work / "dagster") if new_run else {"steps": {}, "spans": {}, "publish": []}
    figures["rebuilt"] = rebuilt_line(work / "run.log")
    figures["size"] = (work / "warehouse" / "vivier.duckdb").stat().st_size / 2**20
    # The memory samples and step spans, to plot or read the climb step by step.
    (work / "memory.json").write_text(json.dumps({"memory": figures["memory"], "spans": figures["spans"]}))
    return figures


def count_runs(home: Path) -> int:
    """Gives how many runs the Dagster instance of `home` holds (0 before the first)."""
    if not (home / "dagster.yaml").exists() and not (home / "history").exists():
        return 0
    os.environ["DAGSTER_HOME"] = str(home)
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        return len(instance.get_run_records())


def rebuilt_line(log: Path) -> str:
    """Gives what `vivier run` said it rebuilt or skipped (its first lines)."""
    said = [line for line in log.read_text().splitlines() if line.startswith(("Rebuilding", "Skipping", "Nothing"))]
    return " ".join(said)


def steps_of_last_run(home: Path) -> dict:
    """Gives each step's seconds and the warehouse copy and publish messages, from the run's event log."""
    os.environ["DAGSTER_HOME"] = str(home)
    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        record = instance.get_run_records(limit=1)[0]
        started, steps, spans, messages = {}, {}, {}, []
        for entry in instance.all_logs(record.dagster_run.run_id):
            event = entry.dagster_event
            if event is None:
                if "Copied" in entry.user_message or "Published" in entry.user_message:
                    messages.append(entry.user_message)
                continue
            if event.event_type_value == "STEP_START":
                started[event.step_key] = entry.timestamp
            elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and event.step_key in started:
                steps[event.step_key] = entry.timestamp - started[event.step_key]
                spans[event.step_key] = (started[event.step_key], entry.timestamp)
    return {"steps": steps, "spans": spans, "publish": messages}


def peak_by_step(figures: dict) -> dict[str, float]:
    """Gives each step's highest sampled resident memory (MiB) while it ran (one step at a time:
    the in-process executor), highest first."""
    peaks = {}
    for step, (start, end) in figures["spans"].items():
        during = [mib for at, mib in figures["memory"] if start <= at <= end]
        if during:
            peaks[step] = max(during)
    return dict(sorted(peaks.items(), key=lambda kv: -kv[1]))


def by_domain(steps: dict[str, float]) -> dict[str, float]:
    """Gives the step seconds summed by domain: raw, staging, marts, ml, and the quality checks."""
    totals: dict[str, float] = defaultdict(float)
    for key, seconds in steps.items():
        domain = "quality checks" if "expectations" in key or "check" in key else key.split("__")[0]
        totals[domain] += seconds
    return dict(sorted(totals.items(), key=lambda kv: -kv[1]))


def report(scan_figures: dict, full: dict, previous: dict | None, month: dict | None, idle: dict | None = None) -> str:
    total = sum(full["steps"].values())
    checks = by_domain(full["steps"]).get("quality checks", 0.0)
    lines = [
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB. Goals: {GOALS}.",
        "",
        "| measure | wall (s) | CPU (s) | peak memory (MiB) | load average (before -> after) |",
        "|---|---|---|---|---|",
        f"| scan limit (read every landing CSV, Polars, all text) | {scan_figures['wall']:.1f} "
        f"| {scan_figures['cpu']:.1f} | {scan_figures['rss']:,.0f} | {scan_figures['load']} |",
        f"| full refresh, empty warehouse (`vivier run`) | {full['wall']:.1f} | {full['cpu']:.1f} | {full['rss']:,.0f} "
        f"| {full['load']} |",
        *(
            []
            if month is None
            else [
                f"| previous night (without the last month) | {previous['wall']:.1f} | {previous['cpu']:.1f} "
                f"| {previous['rss']:,.0f} | {previous['load']} |",
                f"| one new month added (incremental) | {month['wall']:.1f} | {month['cpu']:.1f} "
                f"| {month['rss']:,.0f} | {month['load']} |",
            ]
        ),
        *(
            []
            if idle is None
            else [
                f"| rerun, nothing changed | {idle['wall']:.1f} | {idle['cpu']:.1f} | {idle['rss']:,.0f} "
                f"| {idle['load']} |"
            ]
        ),
        "",
        f"Checks' share of the time inside the full refresh's steps (one process, one step at a time: its CPU): "
        f"{checks:.1f} s of {total:.0f} s, {checks / total:.0%}.",
        *([] if month is None else ["", f"One new month: {month['rebuilt']}"]),
        *(
            []
            if month is None or not month["steps"]
            else [
                "",
                f"Time inside steps, one new month ({sum(month['steps'].values()):.0f} s):",
                "",
                "| domain | seconds |",
                "|---|---|",
                *[f"| {d} | {s:.1f} |" for d, s in by_domain(month["steps"]).items()],
            ]
        ),
        *([] if idle is None else ["", f"Rerun: {idle['rebuilt']}"]),
        "",
        f"Full refresh / scan limit: {full['wall'] / scan_figures['wall']:.1f}x. Warehouse {full['size']:,.0f} MiB.",
        f"Publishing: {' '.join((month or full)['publish']) or 'no message found'}",
        "",
        f"Time inside steps, full refresh ({total:.0f} s; the rest is start-up, copy and publish):",
        "",
        "| domain | seconds | share |",
        "|---|---|---|",
        *[f"| {d} | {s:.1f} | {s / total:.0%} |" for d, s in by_domain(full["steps"]).items()],
        "",
        "Slowest steps:",
        "",
        "| step | seconds | share |",
        "|---|---|---|",
        *[
            f"| {k.replace('__', '/')} | {s:.1f} | {s / total:.0%} |"
            for k, s in sorted(full["steps"].items(), key=lambda kv: -kv[1])[:15]
        ],
        "",
        "Highest resident memory while a step ran (full refresh, sampled every 0.5 s):",
        "",
        "| step | peak memory (MiB) |",
        "|---|---|",
        *[f"| {k.replace('__', '/')} | {mib:,.0f} |" for k, mib in list(peak_by_step(full).items())[:15]],
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--without",
        action="append",
        default=[],
        metavar="ASSET",
        help="leave out an asset and what depends on it (marts/segur_effect: see docs/performance.md)",
    )
    parser.add_argument(
        "--full-only",
        action="store_true",
        help="the scan limit and the full refresh only, not the two runs of the new month",
    )
    parser.add_argument("--scan", help=argparse.SUPPRESS)  # the scan, in its own process
    parser.add_argument("--child-without", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scan:
        return scan(args.scan)
    if args.child_without:
        return run_without(args.child_without.split(","))
    landing = national_landing(args.seed)
    as_of = json.loads((landing / "_truth" / "truth.json").read_text())["as_of_date"]
    previous_landing, new_month = split_last_month(landing, as_of)
    print(f"Scan limit... (load {load()})", file=sys.stderr)
    scan_figures = measure([sys.executable, __file__, "--scan", str(landing)])
    print(f"Full refresh... (load {load()})", file=sys.stderr)
    full = run("full", landing, without=args.without)
    if args.full_only:
        text = report(scan_figures, full, None, None)
        (CACHE / "report.md").write_text(text)
        return print(text)
    print(f"Previous night... (load {load()})", file=sys.stderr)
    previous = run("month", previous_landing, without=args.without)
    for path in new_month.glob("*.csv"):
        shutil.copy2(path, previous_landing / path.name)
    print(f"One new month... (load {load()})", file=sys.stderr)
    try:
        month = run("month", previous_landing, fresh=False, without=args.without)
        print(f"Rerun, nothing changed... (load {load()})", file=sys.stderr)
        idle = run("month", previous_landing, fresh=False, without=args.without)
    finally:
        for path in new_month.glob("*.csv"):
            (previous_landing / path.name).unlink()
    text = report(scan_figures, full, previous, month, idle)
    if args.without:
        text = f"Left out (with what depends on them): {', '.join(args.without)}.\n\n{text}"
    (CACHE / "report.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
