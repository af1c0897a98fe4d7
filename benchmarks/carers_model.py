"""Times the foster-carer attrition model at national scale, and checks it against planted risks over seeds.

    python benchmarks/carers_model.py                      # national timing
    python benchmarks/carers_model.py --seeds 101 102 103 104 105 [--csv FILE]

Timing: reads the national demo extracts (written once to
benchmarks/.cache/national/landing/ by `vivier demo-data --scale national`
if absent; that takes a few minutes), then times feature building, training
(time-based evaluation of the three models, then the chosen one refitted on
every observed as-of date), saving and loading the model, scoring with
explanations, and the fairness audit. Prints wall time per stage and the
process's peak resident memory, as Markdown for docs/performance.md.

Seeds: for each seed, writes departement-scale demo extracts, runs `vivier
run` on them, and compares ml.carer_attrition_scores with the planted
`_truth/carer_risk.csv`: expected AUC ratio, mean predicted vs true risk, and
the test-split ROC AUC of the model and both baselines. Prints a Markdown
table and writes it as CSV (for `vivier model-card --seeds`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CACHE = ROOT / "benchmarks" / ".cache"
VIVIER = str(Path(sys.executable).parent / "vivier")


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def national_landing() -> Path:
    landing = CACHE / "national" / "landing"
    if not (landing / "carer_events.csv").exists():
        print(f"Writing national demo extracts to {landing} (a few minutes)...", flush=True)
        subprocess.run(
            [VIVIER, "demo-data", "--scale", "national", "--seed", "42", "--out", str(landing), "--overwrite"],
            check=True,
        )
    return landing


def read_staging(landing: Path) -> dict[str, pl.DataFrame]:
    """Gives the three carer extracts typed as staging holds them (ids not pseudonymised: same cost)."""
    days = {"days": pl.Float64, "distance_to_service_km": pl.Float64}
    return {
        name: pl.read_csv(landing / f"{name}.csv", try_parse_dates=True, schema_overrides=days)
        for name in ("foster_carers", "placements", "carer_events")
    }


def time_national() -> None:
    from models import features, registry, scoring, training
    from models.fairness import fairness_audit
    from models.labels import attrition_labels

    landing = national_landing()
    as_of = dt.date.fromisoformat(json.loads((landing / "_truth" / "truth.json").read_text())["as_of_date"])
    stages: list[tuple[str, float]] = []
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        stages.append((name, now - clock))
        print(f"  {name}: {now - clock:.1f} s", flush=True)
        clock = now

    tables = read_staging(landing)
    lap("read the three carer extracts (not part of the budget)")
    carers = tables["foster_carers"].lazy()
    first_month = as_of.replace(day=1, year=as_of.year - 10)
    earliest = tables["carer_events"]["event_date"].min()
    dates = features.training_dates(as_of, first_month, earliest)
    rows = features.carer_features(carers, tables["placements"].lazy(), tables["carer_events"].lazy(), dates)
    rows = rows.join(
        attrition_labels(rows.select("carer_id", "as_of_date"), carers, as_of), on=["carer_id", "as_of_date"]
    ).collect()
    lap(f"features and labels ({rows.height:,} carer-dates, {len(dates)} as-of dates)")
    trained = training.train_attrition_model(rows.filter(pl.col("observed")), as_of)
    lap(
        f"training: 3 models evaluated, {trained.name} refitted ({trained.fitted_rows:,} of "
        f"{trained.training_rows:,} rows fitted)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = registry.save_model(
            trained.model,
            registry.model_path(Path(tmp) / "w.duckdb", trained.version),
            list(features.FEATURES),
            trained.version,
        )
        saved = registry.load_model(path)
    lap("save and load the model (skops)")
    now_rows = rows.filter(pl.col("as_of_date") == as_of)
    scores = scoring.score_carers(
        now_rows, lambda r: training.predict_risk(saved["model"], r), carers, as_of, trained.version
    )
    lap(f"scoring with explanations ({scores.height:,} carers)")
    fairness_audit(trained.evaluation.test_predictions, trained.name)
    lap("fairness audit")
    budget = sum(s for name, s in stages if "not part" not in name)
    print(
        f"\nMachine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; load "
        f"average {os.getloadavg()[0]:.1f} at the end\n"
    )
    print("| stage | wall (s) |\n|---|---|")
    for name, seconds in stages:
        print(f"| {name} | {seconds:.1f} |")
    print(f"| **features + training + scoring** | **{budget:.1f}** |")
    print(f"\nPeak resident memory of the process: {peak_mib():.0f} MiB")
    test = trained.evaluation.metrics.filter(pl.col("split") == "test").select("model", "roc_auc", "brier")
    print(
        "\nTest split at national scale:\n"
        + "\n".join(f"- {m}: ROC AUC {a:.3f}, Brier {b:.4f}" for m, a, b in test.iter_rows())
    )


def check_seed(seed: int) -> dict:
    from models.evaluation import planted_risk_check
    from pipelines.ingest.pseudonym import pseudonym
    from pipelines.settings import DEMO_PSEUDONYM_KEY

    work = CACHE / "carers-seeds" / str(seed)
    landing, warehouse = work / "landing", work / "vivier.duckdb"
    if not (landing / "foster_carers.csv").exists():
        subprocess.run(
            [VIVIER, "demo-data", "--scale", "departement", "--seed", str(seed), "--out", str(landing), "--overwrite"],
            check=True,
            capture_output=True,
        )
    warehouse.unlink(missing_ok=True)
    (work / "dagster").mkdir(parents=True, exist_ok=True)
    (work / "dagster" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    env = os.environ | {
        "VIVIER_LANDING_DIR": str(landing),
        "VIVIER_WAREHOUSE": str(warehouse),
        "DAGSTER_HOME": str(work / "dagster"),
        "VIVIER_AS_OF": "",
        "VIVIER_PSEUDONYM_KEY": DEMO_PSEUDONYM_KEY,
    }
    started = time.perf_counter()
    run = subprocess.run([VIVIER, "run"], env=env, capture_output=True, text=True)
    if run.returncode:
        print(run.stdout[-3000:], run.stderr[-3000:])
    seconds = time.perf_counter() - started
    with duckdb.connect(str(warehouse), read_only=True) as con:
        scores = con.sql("SELECT carer_id, risk_12m FROM ml.carer_attrition_scores").pl()
        test = dict(con.execute("SELECT model, roc_auc FROM ml.model_metrics WHERE split = 'test'").fetchall())
    truth = pl.read_csv(landing / "_truth" / "carer_risk.csv").with_columns(
        carer_id=pl.col("carer_id").map_elements(lambda i: pseudonym(i, DEMO_PSEUDONYM_KEY), return_dtype=pl.String)
    )
    check = planted_risk_check(scores, truth)
    return {
        "seed": seed,
        "carers": check["carers"],
        "auc_ratio": check["auc_ratio"],
        "model_expected_auc": check["model_expected_auc"],
        "planted_auc": check["planted_auc"],
        "mean_predicted_risk": check["mean_predicted_risk"],
        "mean_true_risk": check["mean_true_risk"],
        "test_auc_boosting": test.get("gradient_boosting"),
        "test_auc_logistic": test.get("logistic_regression"),
        "test_auc_age_rule": test.get("age_rule"),
        "run_seconds": round(seconds, 1),
    }


def check_seeds(seeds: list[int], csv: Path) -> None:
    rows = []
    for seed in seeds:
        rows.append(check_seed(seed))
        print(rows[-1], flush=True)
    table = pl.DataFrame(rows)
    csv.parent.mkdir(parents=True, exist_ok=True)
    table.write_csv(csv, float_precision=4)
    print("\n| " + " | ".join(table.columns) + " |\n|" + "---|" * table.width)
    for row in table.iter_rows():
        print("| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row) + " |")
    print(f"\nWritten to {csv}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", help="check planted risks at departement scale instead")
    parser.add_argument("--csv", type=Path, default=CACHE / "carers_seeds.csv")
    args = parser.parse_args()
    if args.seeds:
        check_seeds(args.seeds, args.csv)
    else:
        time_national()


if __name__ == "__main__":
    main()
