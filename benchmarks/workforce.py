"""Times the workforce marts (`workforce_monthly`, `turnover_12m`) against a plain pandas
implementation of the same definitions (`benchmarks/pandas_reference.py`), and checks that the
two give the same tables.

    python benchmarks/workforce.py --scale departement --scale national

For each scale it uses the warehouse `benchmarks/.cache/<scale>/vivier.duckdb`, built if absent
(`vivier demo-data` into `benchmarks/.cache/<scale>/landing` unless extracts are already there,
then `vivier run`). Each implementation runs in a fresh child process that reads
`staging.staff`, `staging.budgeted_posts`, `staging.establishments` and
`staging.reporting_period` and computes both marts; the child times the read and the
computation and takes its peak resident memory (`ru_maxrss`) before writing its tables out
for the comparison; the parent also gets the whole child's `ru_maxrss` from `os.wait4`.

When the pandas version would take too long (`--pandas-months N`, or automatically when the
full run passes `--pandas-timeout` seconds) it runs on the last N reported months only: its
tables are compared with the Polars tables of those months (a month's figures do not depend on
the window's first month: look-backs are computed from the data), and its time is extrapolated
as (flags time) + (per-month time) x (months of the full run), labelled as such.

Prints a Markdown table to paste into docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import polars as pl  # noqa: E402

VIVIER = str(Path(sys.executable).parent / "vivier")
CACHE = ROOT / "benchmarks" / ".cache"
TABLES = ("staging.staff", "staging.budgeted_posts", "staging.establishments", "staging.reporting_period")
KEYS = {
    "workforce_monthly": ["month", "establishment_id", "job_family"],
    "turnover_12m": ["month", "scope", "scope_id"],
}
# Per scale, the 1-minute load average before, between and after the two runs.
LOAD: dict[str, list[float]] = {}
# fte sums: Polars adds millionths exactly, pandas adds floats.
ABS_TOL, REL_TOL = 1e-9, 1e-9


# --- the warehouse ------------------------------------------------------------------------------


def warehouse_for(scale: str, seed: int) -> Path:
    """Gives the cached warehouse of `scale`, building it (demo data, then `vivier run`) if absent."""
    work = CACHE / scale
    warehouse = work / "vivier.duckdb"
    if warehouse.exists():
        return warehouse
    landing = work / "landing"
    env = os.environ | {
        "VIVIER_LANDING_DIR": str(landing),
        "VIVIER_WAREHOUSE": str(work / "vivier.duckdb.tmp"),
        "DAGSTER_HOME": str(work / "dagster"),
        "VIVIER_AS_OF": "",
    }
    (work / "dagster").mkdir(parents=True, exist_ok=True)
    (work / "dagster" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    if not (landing / "staff.csv").exists():
        print(f"[{scale}] writing demo extracts to {landing}", file=sys.stderr, flush=True)
        subprocess.run(
            [VIVIER, "demo-data", "--scale", scale, "--seed", str(seed), "--out", str(landing), "--overwrite"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    print(f"[{scale}] vivier run into {warehouse}", file=sys.stderr, flush=True)
    Path(env["VIVIER_WAREHOUSE"]).unlink(missing_ok=True)
    run = subprocess.run([VIVIER, "run"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    # Only the staging tables matter here: a failure elsewhere in the run (a model, a report
    # summary) does not make them wrong, but is said.
    missing = [t for t in TABLES if not _has_table(Path(env["VIVIER_WAREHOUSE"]), t)]
    if missing:
        raise SystemExit(f"vivier run did not write {', '.join(missing)}:\n{run.stderr[-3000:]}")
    if run.returncode != 0:
        print(
            f"[{scale}] warning: vivier run exited {run.returncode}; the staging tables are there:\n"
            f"{run.stderr[-1000:]}",
            file=sys.stderr,
        )
    Path(env["VIVIER_WAREHOUSE"]).rename(warehouse)
    return warehouse


def _has_table(warehouse: Path, table: str) -> bool:
    if not warehouse.exists():
        return False
    schema, name = table.split(".")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        sql = "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?"
        return con.execute(sql, [schema, name]).fetchone()[0] == 1


def report_months(warehouse: Path) -> tuple[dt.date, dt.date, int]:
    """Gives the as-of date, the first reported month and the number of months reported."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        as_of, first = con.execute("SELECT as_of_date, first_month FROM staging.reporting_period").fetchone()
    return as_of, first, (as_of.year * 12 + as_of.month) - (first.year * 12 + first.month) + 1


def last_months(as_of: dt.date, months: int) -> dt.date:
    """The first month of a window of `months` months ending with the as-of month."""
    index = as_of.year * 12 + as_of.month - 1 - (months - 1)
    return dt.date(index // 12, index % 12 + 1, 1)


# --- the children: one implementation each ------------------------------------------------------


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    """CPU seconds (user + system, all threads) this process has used so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child_polars(warehouse: Path, out: Path, months: int | None, keep: bool = True) -> dict:
    from pipelines.months import Period
    from pipelines.workforce import metrics
    from pipelines.workforce.employment import flag_hires_and_exits

    started, cpu = time.perf_counter(), cpu_s()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        staff, budget, establishments, period_table = (con.sql(f"SELECT * FROM {t}").pl() for t in TABLES)
    period = Period.from_table(period_table)
    if months:
        period = Period(as_of=period.as_of, first_month=last_months(period.as_of, months))
    read = time.perf_counter() - started
    # As the `contract_marts` asset does: hires and exits flagged once, then the marts together.
    contracts = flag_hires_and_exits(staff.lazy(), period.as_of).collect()
    flagged = time.perf_counter()
    workforce, turnover = pl.collect_all(
        [
            metrics.workforce_monthly(contracts.lazy(), budget.lazy(), period),
            metrics.turnover_12m(contracts.lazy(), establishments.lazy(), period),
        ]
    )
    wall = time.perf_counter() - started
    figures = {
        "read_s": read,
        "flags_s": flagged - started - read,
        "marts_s": started + wall - flagged,
        "compute_s": wall - read,
        "wall_s": wall,
        "cpu_s": cpu_s() - cpu,
        "peak_mib": peak_mib(),
        "rows": {"workforce_monthly": workforce.height, "turnover_12m": turnover.height},
    }
    if not keep:
        return figures | {"frames": (workforce, turnover)}
    workforce.write_parquet(out / "workforce_monthly.parquet")
    turnover.write_parquet(out / "turnover_12m.parquet")
    return figures


def child_polars_written(warehouse: Path, out: Path, months: int | None) -> dict:
    """As `child_polars`, then writes both marts into a new DuckDB file the way every asset writes a table
    (`Warehouse.replace_many`): what a refresh pays for these two marts, write included (issue 19)."""
    from pipelines.warehouse import Warehouse

    started, cpu = time.perf_counter(), cpu_s()
    figures = child_polars(warehouse, out, months, keep=False)
    written = time.perf_counter()
    frames = figures.pop("frames")
    target = Warehouse(path=str(out / "written.duckdb"))
    target.replace_many({"marts.workforce_monthly": frames[0], "marts.turnover_12m": frames[1]})
    done = time.perf_counter()
    return figures | {
        "write_s": done - written,
        "wall_s": done - started,
        "cpu_s": cpu_s() - cpu,
        "peak_written_mib": peak_mib(),
    }


def child_pandas(warehouse: Path, out: Path, months: int | None) -> dict:
    from benchmarks import pandas_reference as ref

    started, cpu = time.perf_counter(), cpu_s()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        staff, budget, establishments, period_table = (con.sql(f"SELECT * FROM {t}").df() for t in TABLES)
    as_of = period_table["as_of_date"].iloc[0].date()
    first_month = period_table["first_month"].iloc[0].date()
    if months:
        first_month = last_months(as_of, months)
    figures = {"read_s": time.perf_counter() - started, "read_cpu_s": cpu_s() - cpu}
    steps = [
        ("workforce", lambda: ref.workforce_monthly(staff, budget, as_of, first_month)),
        ("turnover", lambda: ref.turnover_12m(staff, establishments, as_of, first_month)),
    ]
    if months:
        # For the extrapolation of a run on fewer months: each mart flags hires and exits once,
        # whatever the months, then loops over them. Not counted in the wall and CPU times.
        steps.insert(0, ("flags", lambda: ref.flag_hires_and_exits(staff, as_of)))
    tables = {}
    for name, step in steps:
        began, cpu = time.perf_counter(), cpu_s()
        tables[name] = step()
        figures[f"{name}_s"], figures[f"{name}_cpu_s"] = time.perf_counter() - began, cpu_s() - cpu
    workforce, turnover = tables["workforce"], tables["turnover"]
    figures["compute_s"] = figures["workforce_s"] + figures["turnover_s"]
    figures["wall_s"] = figures["read_s"] + figures["compute_s"]
    figures["cpu_s"] = figures["read_cpu_s"] + figures["workforce_cpu_s"] + figures["turnover_cpu_s"]
    figures["peak_mib"] = peak_mib()
    figures["rows"] = {"workforce_monthly": len(workforce), "turnover_12m": len(turnover)}
    # Written through Polars, as the Polars child writes: the same file types to compare.
    pl.from_pandas(workforce, nan_to_null=True).write_parquet(out / "workforce_monthly.parquet")
    pl.from_pandas(turnover, nan_to_null=True).write_parquet(out / "turnover_12m.parquet")
    return figures


def extrapolate(figures: dict, measured_months: int, months: int, suffix: str) -> float:
    """Gives the wall (`suffix` "_s") or CPU ("_cpu_s") time of the pandas reference on `months`
    reported months from a run on `measured_months`: each mart flags hires and exits once, then
    loops over its months (workforce_monthly: the reported ones; turnover_12m: 12 more to look
    back), which is extrapolated in proportion."""
    flags = figures[f"flags{suffix}"]
    workforce = flags + (figures[f"workforce{suffix}"] - flags) * months / measured_months
    turnover = flags + (figures[f"turnover{suffix}"] - flags) * (months + 12) / (measured_months + 12)
    return figures[f"read{suffix}"] + workforce + turnover


def measure(implementation: str, warehouse: Path, out: Path, months: int | None, timeout: float | None) -> dict | None:
    """Runs one implementation in a fresh child process; gives its figures, or None past `timeout`."""
    out.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, __file__, "--child", implementation, "--warehouse", str(warehouse), "--out", str(out)]
    if months:
        command += ["--months", str(months)]
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if timeout is not None and time.monotonic() - started > timeout:
            child.kill()
            os.wait4(child.pid, 0)
            return None
        time.sleep(0.2)
    stdout, stderr = child.stdout.read(), child.stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{implementation} child failed:\n{stderr[-3000:]}")
    figures = json.loads(stdout.strip().splitlines()[-1])
    figures["process_peak_mib"] = usage.ru_maxrss / 1024
    figures["process_wall_s"] = time.monotonic() - started
    return figures


# --- equality -----------------------------------------------------------------------------------


def differences(expected: pl.DataFrame, actual: pl.DataFrame, keys: list[str]) -> dict[str, pl.DataFrame]:
    """Compares two marts on their common columns, rows matched on `keys`: gives, per column
    that differs (and `_missing` for rows in only one of them), the rows that differ. Integers
    must be equal, floats within 1e-9 (absolute and relative); null equals null (NaN is null)."""
    expected = expected.with_columns(pl.col("month").cast(pl.Date))
    actual = actual.with_columns(pl.col("month").cast(pl.Date))
    columns = [c for c in expected.columns if c in actual.columns and c not in keys]
    both = (
        expected.select(*keys, *columns)
        .with_columns(_in_expected=pl.lit(True))
        .join(
            actual.select(*keys, *columns).with_columns(_in_actual=pl.lit(True)),
            on=keys,
            how="full",
            coalesce=True,
            suffix="_actual",
            nulls_equal=True,
        )
    )
    found = {}
    missing = both.filter(pl.col("_in_expected").is_null() | pl.col("_in_actual").is_null())
    if missing.height:
        found["_missing"] = missing
    both = both.filter(pl.col("_in_expected") & pl.col("_in_actual"))
    for column in columns:
        x, y = pl.col(column), pl.col(f"{column}_actual")
        same = (x.is_null() & y.is_null()) | ((x - y).abs() <= ABS_TOL + REL_TOL * y.abs()).fill_null(False)
        wrong = both.filter(~same)
        if wrong.height:
            found[column] = wrong.select(*keys, column, f"{column}_actual")
    return found


def compare_outputs(polars_dir: Path, pandas_dir: Path, from_month: dt.date | None) -> list[str]:
    """Gives a line per difference between the two children's tables (none when equal)."""
    lines = []
    for table, keys in KEYS.items():
        expected = pl.read_parquet(polars_dir / f"{table}.parquet")
        if from_month is not None:
            expected = expected.filter(pl.col("month") >= from_month)
        found = differences(expected, pl.read_parquet(pandas_dir / f"{table}.parquet"), keys)
        for column, rows in found.items():
            lines.append(f"{table}.{column}: {rows.height} rows differ, e.g.\n{rows.head(5)}")
    return lines


# --- the benchmark ------------------------------------------------------------------------------


def bench(scale: str, seed: int, pandas_months: int | None, pandas_timeout: float) -> list[str]:
    warehouse = warehouse_for(scale, seed)
    as_of, first, months = report_months(warehouse)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        contracts = con.execute("SELECT count(*) FROM staging.staff").fetchone()[0]
    work = Path(tempfile.mkdtemp(prefix=f"workforce-{scale}-", dir=CACHE))
    try:
        load = [os.getloadavg()[0]]
        fast = measure("polars", warehouse, work / "polars", None, None)
        load.append(os.getloadavg()[0])
        slow = None if pandas_months else measure("pandas", warehouse, work / "pandas", None, pandas_timeout)
        subset = None
        if slow is None:
            subset = pandas_months or 24
            print(f"[{scale}] pandas on the last {subset} months only", file=sys.stderr, flush=True)
            slow = measure("pandas", warehouse, work / "pandas", subset, None)
            slow["measured_wall_s"] = slow["wall_s"]
            slow["wall_s"] = extrapolate(slow, subset, months, "_s")
            slow["cpu_s"] = extrapolate(slow, subset, months, "_cpu_s")
        load.append(os.getloadavg()[0])
        wrong = compare_outputs(work / "polars", work / "pandas", last_months(as_of, subset) if subset else None)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if wrong:
        print(f"[{scale}] the pandas reference and the Polars marts differ:\n" + "\n".join(wrong), file=sys.stderr)
    equal = "equal" if not wrong else f"**{len(wrong)} differences**"
    ratio, cpu_ratio = slow["wall_s"] / fast["wall_s"], slow["cpu_s"] / fast["cpu_s"]
    rows = fast["rows"]
    volume = f"{contracts:,} contracts, {months} months; {rows['workforce_monthly']:,} + {rows['turnover_12m']:,} rows"
    pandas_label = "pandas reference"
    pandas_note = f"results {equal}"
    if subset:
        pandas_label += f" (extrapolated from the last {subset} months)"
        pandas_note += (
            f" on those months; measured {slow['measured_wall_s']:.1f} s for {subset} months, "
            f"flags {slow['flags_s']:.1f} s"
        )
    LOAD[scale] = load
    for name, figures in (("polars", fast), ("pandas", slow)):
        print(f"[{scale}] {name}: {json.dumps(figures)}", file=sys.stderr, flush=True)
    return [
        f"| {scale} | Polars marts | {fast['wall_s']:.1f} ({fast['read_s']:.1f} read) | {fast['cpu_s']:.1f} | "
        f"{fast['peak_mib']:.0f} ({fast['process_peak_mib']:.0f}) | 1 | {volume} |",
        f"| {scale} | {pandas_label} | {slow['wall_s']:.1f} ({slow['read_s']:.1f} read) | {slow['cpu_s']:.1f} | "
        f"{slow['peak_mib']:.0f} ({slow['process_peak_mib']:.0f}) | {ratio:.1f} (CPU {cpu_ratio:.1f}) | "
        f"{pandas_note} |",
    ]


def written(scales: list[str], seed: int, warehouse_file: Path | None, repeats: int = 3) -> None:
    """Times the Polars marts computed and written into a DuckDB file, each run in a fresh process."""
    print(
        "| scale | run | read (s) | compute (s) | write (s) | wall (s) | CPU (s) | peak before the write (MiB) "
        "| peak (MiB) | load |\n|---|---|---|---|---|---|---|---|---|---|"
    )
    for scale in scales:
        warehouse = warehouse_file or warehouse_for(scale, seed)
        for attempt in range(1, repeats + 1):
            work = Path(tempfile.mkdtemp(prefix=f"written-{scale}-", dir=CACHE))
            try:
                before = os.getloadavg()[0]
                f = measure("written", warehouse, work, None, None)
            finally:
                shutil.rmtree(work, ignore_errors=True)
            print(
                f"| {scale} | {attempt} | {f['read_s']:.1f} | {f['compute_s']:.1f} | {f['write_s']:.1f} "
                f"| {f['wall_s']:.1f} | {f['cpu_s']:.1f} | {f['peak_mib']:,.0f} | {f['process_peak_mib']:,.0f} "
                f"| {before:.1f} -> {os.getloadavg()[0]:.1f} |",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", action="append", choices=["small", "departement", "national"])
    parser.add_argument("--seed", type=int, default=42, help="demo data seed, when the warehouse is built")
    parser.add_argument(
        "--pandas-months", type=int, default=None, help="run pandas on the last N reported months only, and extrapolate"
    )
    parser.add_argument(
        "--pandas-timeout",
        type=float,
        default=900.0,
        help="seconds after which a full pandas run gives way to one on 24 months",
    )
    parser.add_argument(
        "--written",
        action="store_true",
        help="Polars only, marts computed and written into a DuckDB file as a run writes them (no pandas)",
    )
    parser.add_argument(
        "--warehouse-file", type=Path, default=None, help="a warehouse to read instead of the cached one"
    )
    parser.add_argument("--child", choices=["polars", "pandas", "written"], help=argparse.SUPPRESS)
    parser.add_argument("--warehouse", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--months", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run = {"polars": child_polars, "pandas": child_pandas, "written": child_polars_written}[args.child]
        print(json.dumps(run(args.warehouse, args.out, args.months)))
        return
    if args.written:
        return written(args.scale or ["national"], args.seed, args.warehouse_file)
    print(
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
        f"Polars {pl.__version__}, pandas {__import__('pandas').__version__}, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB\n"
    )
    print(
        "Wall: seconds to read the staging tables and compute workforce_monthly and turnover_12m, in a fresh "
        "process (Polars uses every core, pandas one). CPU: user + system seconds of the same, all threads. "
        "Peak: resident memory at the end of the computation, MiB (in brackets: the whole child process, "
        "writing its tables for the comparison included).\n"
    )
    print(
        "| scale | implementation | wall (s) | CPU (s) | peak memory (MiB) | ratio pandas / Polars | notes |\n"
        "|---|---|---|---|---|---|---|"
    )
    for scale in args.scale or ["departement", "national"]:
        for line in bench(scale, args.seed, args.pandas_months, args.pandas_timeout):
            print(line, flush=True)
    print(
        "\nLoad average (1 min) before the Polars run, between the runs, after the pandas run: "
        + "; ".join(f"{scale} {', '.join(f'{x:.2f}' for x in load)}" for scale, load in LOAD.items())
    )


if __name__ == "__main__":
    main()
