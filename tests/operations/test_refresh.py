"""The incremental nightly refresh (issue 19): a run rebuilds only what its changed inputs reach, and
gives the same warehouse as a full refresh of the same folder.

One chain of nights on the small demo, kept by one Dagster instance as `vivier run` keeps
DAGSTER_HOME: a first night loads everything; each of two nights changes one file of some
extracts (every extract once, each kind of change at least twice: a row edited, a row added, a
file removed, a new file); the last night changes nothing. After each changed night, a full
refresh of the same folder (`--full`, with a fresh instance, on a copy of the warehouse of the night
before, so that the attrition model kept within a quarter is the same) must give the same tables
(staging, marts, ml and the ingest reports; floats to 9 significant digits). Then `--retrain`
trains a new model."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipelines.cli import execute_nightly_refresh
from pipelines.ingest.contract import EXTRACTS, LOAD_ORDER
from pipelines.paths import REFERENCE_DIR
from pipelines.quality.suites import load_suites
from pipelines.refresh import SKIPPED, plan_refresh
from tests.conftest import vivier_env

pytestmark = pytest.mark.slow

# Columns that say when or by which run a table was written, not what it holds.
RUN_COLUMNS = {"trained_at", "path", "run_id", "checked_at", "materialized_at"}
# Quality tables that keep history by design (one row per check of each run) or describe the runs.
HISTORY = {"quality.validation_results", "quality.asset_versions"}


def edit_value(path: Path, row: int, column: str, value: str) -> None:
    """Sets one value of a CSV file (row 0 is the first after the header)."""
    frame = pl.read_csv(path, infer_schema=False)
    assert frame[row, column] != value
    frame[row, column] = value
    frame.write_csv(path)


def add_row(path: Path, column: str, value: str) -> None:
    """Appends a copy of a CSV file's first row, with `value` in `column` (a new id)."""
    frame = pl.read_csv(path, infer_schema=False)
    pl.concat([frame, frame.head(1).with_columns(pl.lit(value).alias(column))]).write_csv(path)


def split_last_month(landing: Path, extract: str, column: str, month: str) -> None:
    """Moves the rows of one month of an extract to a file of their own (`<extract>_<month>.csv`)."""
    frame = pl.read_csv(landing / f"{extract}.csv", infer_schema=False)
    late = pl.col(column).str.starts_with(month)
    frame.filter(~late).write_csv(landing / f"{extract}.csv")
    frame.filter(late).write_csv(landing / f"{extract}_{month}.csv")


def night_one(landing: Path) -> str:
    edit_value(landing / "staff.csv", 0, "monthly_gross_pay", "2500.0")
    add_row(landing / "foster_carers.csv", "carer_id", "AF999999")
    shipped = (REFERENCE_DIR / "job_families.csv").read_text(encoding="utf-8")
    (landing / "job_families.csv").write_text(shipped.replace("Éducateur spécialisé", "Éducateur spécialisé (ES)"))
    edit_value(landing / "territories.csv", 0, "name", "Territoire du Nord")
    (landing / "applications_2026-06.csv").unlink()
    lines = (landing / "carer_enquiries.csv").read_text(encoding="utf-8").splitlines()
    (landing / "carer_enquiries_2026-07.csv").write_text(
        "\n".join([lines[0], lines[1].replace("DA0000001", "DA9999999")]) + "\n", encoding="utf-8"
    )
    edit_value(landing / "job_postings.csv", 0, "fte", "0.5")
    return (
        "staff, territories and job_postings edited, foster_carers added, job_families and carer_enquiries new "
        "files, applications file removed"
    )


def night_two(landing: Path) -> str:
    add_row(landing / "placements.csv", "placement_id", "PL9999999")
    edit_value(landing / "budgeted_posts.csv", 0, "budgeted_fte", "15.45")
    shipped = (REFERENCE_DIR / "pcs_job_families.csv").read_text(encoding="utf-8")
    (landing / "pcs_job_families.csv").write_text(shipped.replace("INSEE, PCS-ESE", "Insee, PCS-ESE", 1))
    (landing / "carer_events_2026-06.csv").unlink()
    edit_value(landing / "establishments.csv", 0, "name", "Foyer du Grand Phare")
    shipped = (REFERENCE_DIR / "segur_measures.csv").read_text(encoding="utf-8")
    (landing / "segur_measures.csv").write_text(shipped.replace(",2022-04-01,183,", ",2022-04-01,184,", 1))
    return (
        "placements added, budgeted_posts and establishments edited, pcs_job_families and segur_measures new "
        "files, carer_events file removed"
    )


NIGHTS = [night_one, night_two]
# On which night each extract is changed, and how.
CHANGED = {
    "staff": (0, "row edited"),
    "foster_carers": (0, "row added"),
    "job_families": (0, "new file"),
    "territories": (0, "row edited"),
    "applications": (0, "file removed"),
    "carer_enquiries": (0, "new file"),
    "job_postings": (0, "row edited"),
    "placements": (1, "row added"),
    "budgeted_posts": (1, "row edited"),
    "pcs_job_families": (1, "new file"),
    "carer_events": (1, "file removed"),
    "establishments": (1, "row edited"),
    "segur_measures": (1, "new file"),
}


def refresh(landing: Path, warehouse: Path, instance: dg.DagsterInstance, full: bool = False, retrain: bool = False):
    env = {"VIVIER_LANDING_DIR": str(landing), "VIVIER_WAREHOUSE": str(warehouse), "VIVIER_AS_OF": ""}
    with vivier_env(**env):
        return execute_nightly_refresh(instance, full=full, retrain=retrain)


def tables(warehouse: Path) -> dict[str, pl.DataFrame]:
    """Gives every table of staging, marts, ml and quality (but the run history), rows sorted, floats to 9
    significant digits, without the columns that say when or by which run it was written."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        names = [
            f"{s}.{t}"
            for s, t in con.execute(
                "SELECT table_schema, table_name FROM information_schema.tables "
                "WHERE table_schema IN ('staging', 'marts', 'ml', 'quality')"
            ).fetchall()
        ]
        frames = {n: con.sql(f"SELECT * FROM {n}").pl() for n in sorted(names) if n not in HISTORY}
        # The registry keeps every model trained, by design: the current one must be the same.
        frames["ml.model_registry"] = con.sql("SELECT * FROM ml.model_registry WHERE current").pl()
    # The card says when its model was trained: two trainings of the same model differ by that only.
    frames["ml.model_card"] = frames["ml.model_card"].with_columns(
        pl.col("markdown").str.replace_all(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", "<trained at> UTC")
    )
    out = {}
    for name, frame in frames.items():
        frame = frame.drop([c for c in frame.columns if c in RUN_COLUMNS])
        frame = frame.with_columns(
            pl.col(c).map_elements(lambda v: float(f"{v:.9g}"), return_dtype=pl.Float64)
            for c, t in frame.schema.items()
            if t.is_float()
        )
        out[name] = frame.sort(frame.columns, nulls_last=True) if frame.height else frame
    return out


def differences(left: dict[str, pl.DataFrame], right: dict[str, pl.DataFrame]) -> dict[str, str]:
    """Gives, for each table that is not the same in both, what differs."""
    found = {}
    for name in sorted(set(left) | set(right)):
        if name not in left or name not in right:
            found[name] = "only in one warehouse"
        elif left[name].columns != right[name].columns:
            found[name] = f"columns {left[name].columns} / {right[name].columns}"
        elif not left[name].equals(right[name]):
            found[name] = f"rows differ ({left[name].height} / {right[name].height})"
    return found


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def nights(small_demo, tmp_path_factory):
    """Runs the chain of nights; gives what each night did and what a full refresh gave."""
    root = tmp_path_factory.mktemp("nights")
    landing, warehouse = root / "landing", root / "vivier.duckdb"
    shutil.copytree(small_demo, landing)
    split_last_month(landing, "applications", "applied_date", "2026-06")
    split_last_month(landing, "carer_events", "event_date", "2026-06")
    record = []
    # On disk, as DAGSTER_HOME: the nightly schedule's context needs it.
    with dg.instance_for_test() as instance:
        first = refresh(landing, warehouse, instance)
        assert first.success and first.unchanged == {}, first.failures
        for number, night in enumerate(NIGHTS):
            change = night(landing)
            full_warehouse = root / f"full-{number}.duckdb"
            shutil.copy(warehouse, full_warehouse)
            outcome = refresh(landing, warehouse, instance)
            with dg.DagsterInstance.ephemeral() as fresh:
                full = refresh(landing, full_warehouse, fresh, full=True)
            record.append(
                {
                    "change": change,
                    "models": registry(warehouse),
                    "as_of": as_of(warehouse),
                    "outcome": outcome,
                    "full": full,
                    "differences": differences(tables(warehouse), tables(full_warehouse)),
                }
            )
        before = (sha256(warehouse), warehouse.stat().st_mtime_ns)
        idle = refresh(landing, warehouse, instance)
        after = (sha256(warehouse), warehouse.stat().st_mtime_ns)
        models_kept = registry(warehouse)
        from pipelines.definitions import defs

        with vivier_env(VIVIER_LANDING_DIR=str(landing), VIVIER_WAREHOUSE=str(warehouse), VIVIER_AS_OF=""):
            context = dg.build_schedule_context(instance=instance, repository_def=defs.get_repository_def())
            tick = defs.resolve_schedule_def("nightly_refresh_schedule").evaluate_tick(context)
        retrained = refresh(landing, warehouse, instance, retrain=True)
        models_after = registry(warehouse)
        skipped_events = {
            key.to_user_string(): instance.fetch_observations(key, limit=1).records[0]
            for key in map(dg.AssetKey.from_user_string, idle.unchanged)
        }
    return {
        "nights": record,
        "idle": idle,
        "before": before,
        "after": after,
        "observations": skipped_events,
        "models_kept": models_kept,
        "retrained": retrained,
        "models_after": models_after,
        "tick": tick,
    }


def as_of(warehouse: Path):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("SELECT as_of_date FROM staging.reporting_period").fetchall()[0][0]


def registry(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT version, as_of_date, current, trained_at FROM ml.model_registry ORDER BY trained_at"
        ).fetchall()


def test_every_extract_is_changed_on_one_night_and_every_kind_of_change_twice():
    assert set(CHANGED) == set(LOAD_ORDER)
    kinds = [kind for _, kind in CHANGED.values()]
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "row edited": 5,
        "row added": 2,
        "file removed": 2,
        "new file": 4,
    }


def test_each_night_gives_the_warehouse_of_a_full_refresh(nights):
    for night in nights["nights"]:
        assert night["outcome"].success and night["full"].success, (night["change"], night["outcome"].failures)
        assert night["differences"] == {}, night["change"]


def test_each_night_skips_the_extracts_it_did_not_change(nights):
    for number, night in enumerate(nights["nights"]):
        skipped = night["outcome"].unchanged
        for extract, (changed_on, _) in CHANGED.items():
            if changed_on == number:
                assert f"raw/{extract}" not in skipped, (night["change"], extract)
            else:
                assert skipped[f"raw/{extract}"].startswith("inputs and code unchanged since run"), extract
        # Staging is rebuilt for the extracts changed, those that refer to one of them (a reference list) and
        # those whose quality suite reads one of them (the suite is run again with it).
        reached = {e for e, (n, _) in CHANGED.items() if n == number}
        suite_reads = {s.table.split(".")[1]: {t.split(".")[1] for t in s.reads} for s in load_suites()}
        for extract in LOAD_ORDER:  # lists before the extracts that refer to them
            refers = {r.split(".")[0] for r in EXTRACTS[extract].references}
            if (refers | suite_reads.get(extract, set())) & reached:
                reached.add(extract)
        assert {e for e in LOAD_ORDER if f"staging/{e}" not in skipped} == reached, night["change"]


def test_a_night_with_nothing_new_skips_every_asset_and_leaves_the_warehouse_as_it_was(nights):
    idle = nights["idle"]
    assert idle.success and idle.failures == {}
    assert len(idle.unchanged) == 50
    assert all(reason.startswith("inputs and code unchanged since run") for reason in idle.unchanged.values())
    assert nights["after"] == nights["before"]


def test_the_nightly_schedule_skips_a_night_with_nothing_new(nights):
    assert nights["tick"].run_requests == [] and nights["tick"].skip_message == (
        "Nothing changed: all 50 assets are up to date."
    )


def test_the_ui_shows_why_each_asset_was_skipped(nights):
    for asset, record in nights["observations"].items():
        metadata = record.asset_observation.metadata
        assert metadata[SKIPPED].value.startswith("skipped: inputs and code unchanged since run"), asset


def test_a_warehouse_that_lost_a_published_run_is_rebuilt_where_it_differs(small_demo, tmp_path):
    """A run that was interrupted recorded materialisations in Dagster that it never published: the
    warehouse is older than Dagster thinks. The refresh compares the two and rebuilds what differs."""
    landing, warehouse = tmp_path / "landing", tmp_path / "vivier.duckdb"
    shutil.copytree(small_demo, landing)
    with dg.DagsterInstance.ephemeral() as instance:
        assert refresh(landing, warehouse, instance).success
        older = tmp_path / "older.duckdb"
        shutil.copy(warehouse, older)
        edit_value(landing / "territories.csv", 0, "name", "Territoire du Nord")
        assert refresh(landing, warehouse, instance).success
        shutil.copy(older, warehouse)  # the second night's publish lost: Dagster still has its materialisations
        from pipelines.definitions import defs

        with vivier_env(VIVIER_LANDING_DIR=str(landing), VIVIER_WAREHOUSE=str(warehouse)):
            plan = plan_refresh(instance, defs.get_repository_def(), "nightly_refresh", warehouse)
    assert plan.build[dg.AssetKey(["raw", "territories"])].startswith("the published warehouse does not hold run")
    assert dg.AssetKey(["raw", "staff"]) in plan.skip


def test_within_a_quarter_the_model_is_kept_and_scores_every_night_unless_the_as_of_date_moves_back(nights):
    models = [night["models"] for night in nights["nights"]]
    (first, trained_for, *_), *others = models[0]
    assert others == [] and trained_for == nights["nights"][0]["as_of"] == dt.date(2026, 6, 30)  # kept
    for before, night in zip(nights["nights"], nights["nights"][1:], strict=False):
        versions = [m[0] for m in night["models"]]
        if night["as_of"] < before["as_of"]:  # a removed month moved it back: the model had seen later outcomes
            assert len(night["models"]) == len(before["models"]) + 1
            assert night["models"][-1][1:3] == (night["as_of"], True)
        else:
            assert versions == [m[0] for m in before["models"]], night["change"]
    assert any(n["as_of"] < nights["nights"][0]["as_of"] for n in nights["nights"])  # the case did arise
    for night in nights["nights"]:  # each night changes an extract the carers' features read
        assert "ml/carer_attrition_scores" not in night["outcome"].unchanged, night["change"]


def test_retrain_trains_a_new_model_that_becomes_current(nights):
    assert nights["retrained"].success
    assert "ml/model_registry" not in nights["retrained"].unchanged
    kept, after = nights["models_kept"], nights["models_after"]
    # Trained again on the same data, the model is the same version (its rows and recipe make it), trained later.
    assert [row[:3] for row in after] == [row[:3] for row in kept] and after[-1][2]
    assert after[-1][3] > kept[-1][3]
