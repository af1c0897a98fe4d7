"""A suite's two checks through a real Dagster run, as the analyst and the engineer see them: a
suite whose warnings alone fail gives a passing blocking check and a failed warning check, stops
nothing and tags the run `vivier/warnings`; a blocking failure still stops the assets downstream.
One Great Expectations validation per suite gives both checks."""

from __future__ import annotations

import dagster as dg
import polars as pl
import pytest

from pipelines.progress import RunOutcome
from pipelines.quality import gx
from pipelines.quality.checks import CHECK_NAME, WARNINGS_CHECK, build_suite_checks
from pipelines.quality.suites import Suite, blocking, warning
from pipelines.run_tags import WARNINGS_TAG
from pipelines.summary import run_summary
from pipelines.warehouse import Warehouse


def suite(table: str) -> Suite:
    """Gives a suite of one blocking expectation (unique ids) and one warning (names filled)."""
    return Suite(
        table,
        [
            blocking("keys_are_unique", "expect_column_values_to_be_unique", "Give every row its own id.", column="id"),
            warning(
                "names_are_filled", "expect_column_values_to_not_be_null", "Give every row its name.", column="name"
            ),
        ],
        source=f"expectations/{table.replace('.', '_')}.py",
    )


def rows(ids: list[str], names: list[str | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": ids,
            "name": names,
            "source_file": [f"{i}.csv" for i in ids],
            "source_row": list(range(2, len(ids) + 2)),
        },
        schema={"id": pl.String, "name": pl.String, "source_file": pl.String, "source_row": pl.Int64},
    )


CLEAN = rows(["T1", "T2"], ["Nord", "Sud"])
UNNAMED = rows(["T1", "T2"], ["Nord", None])
DUPLICATED = rows(["T1", "T1"], ["Nord", "Sud"])


def run(tmp_path, frames: dict[str, pl.DataFrame]):
    """Runs, for each table: an asset that writes it, its suite's checks and an asset downstream of it.
    Gives the run's result and its instance."""

    def table_asset(table: str, frame: pl.DataFrame):
        @dg.asset(key=table.split("."))
        def write(warehouse: Warehouse) -> None:
            warehouse.replace(table, frame)

        @dg.asset(key=["marts", f"{table.split('.')[1]}_list"], deps=[write])
        def downstream() -> None:
            return None

        return [write, downstream]

    assets = [a for table, frame in frames.items() for a in table_asset(table, frame)]
    checks = [c for table in frames for c in build_suite_checks(suite(table))]
    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize(
        [*assets, *checks],
        resources={"warehouse": Warehouse(path=str(tmp_path / "w.duckdb"))},
        instance=instance,
        raise_on_error=False,
    )
    return result, instance


def evaluations(result) -> dict[tuple[str, str], dg.AssetCheckEvaluation]:
    return {(e.asset_key.path[-1], e.check_name): e for e in result.get_asset_check_evaluations()}


def materialized(result) -> set[str]:
    return {"/".join(e.asset_key.path) for e in result.get_asset_materialization_events()}


def test_failed_warnings_alone_give_a_failed_non_blocking_check_and_stop_nothing(tmp_path):
    result, instance = run(tmp_path, {"staging.territories": UNNAMED})

    assert result.success
    checks = evaluations(result)
    blocking_check, warning_check = checks[("territories", CHECK_NAME)], checks[("territories", WARNINGS_CHECK)]
    assert (blocking_check.passed, blocking_check.blocking) == (True, True)
    assert (warning_check.passed, warning_check.blocking, warning_check.severity) == (
        False,
        False,
        dg.AssetCheckSeverity.WARN,
    )
    # What the check's page says under "Latest execution".
    assert warning_check.description == (
        "Warning, nothing stopped: in the territories extract, 1 row breaks 1 rule (names are filled). "
        "What to do: Give every row its name.\n\n"
        "territories extract: names_are_filled failed: 1 row(s), e.g. T2.csv row 3: nan. Fix: Give every row its name."
    )
    assert "marts/territories_list" in materialized(result)
    # The runs list shows the run with the tag `vivier/warnings: 1`.
    assert instance.get_run_by_id(result.run_id).tags[WARNINGS_TAG] == "1"


def test_one_validation_gives_both_checks(tmp_path, monkeypatch):
    validated = []
    validate = gx.validate
    monkeypatch.setattr(gx, "validate", lambda s, *a, **k: validated.append(s.table) or validate(s, *a, **k))

    result, _ = run(tmp_path, {"staging.territories": UNNAMED})

    assert validated == ["staging.territories"]
    assert {name for (_, name) in evaluations(result)} == {CHECK_NAME, WARNINGS_CHECK}


def test_the_run_tag_counts_every_check_that_warned(tmp_path):
    result, instance = run(tmp_path, {"staging.territories": UNNAMED, "staging.establishments": UNNAMED})

    assert result.success
    assert instance.get_run_by_id(result.run_id).tags[WARNINGS_TAG] == "2"


def test_a_clean_run_has_no_warnings_tag(tmp_path):
    result, instance = run(tmp_path, {"staging.territories": CLEAN})

    assert result.success and all(e.passed for e in result.get_asset_check_evaluations())
    assert WARNINGS_TAG not in instance.get_run_by_id(result.run_id).tags


def test_a_blocking_failure_still_stops_downstream_and_fails_the_run(tmp_path):
    result, instance = run(tmp_path, {"staging.territories": DUPLICATED})

    assert not result.success
    checks = evaluations(result)
    failed = checks[("territories", CHECK_NAME)]
    assert (failed.passed, failed.blocking, failed.severity) == (False, True, dg.AssetCheckSeverity.ERROR)
    assert failed.description.startswith(
        "Blocking: in the territories extract, 2 rows break 1 rule (keys are unique); the figures computed "
        "from it are not updated in this run. What to do: Give every row its own id.\n\n"
    )
    assert checks[("territories", WARNINGS_CHECK)].passed
    assert "marts/territories_list" not in materialized(result)
    assert WARNINGS_TAG not in instance.get_run_by_id(result.run_id).tags


@pytest.mark.parametrize(
    ("frame", "section", "line"),
    [
        (
            UNNAMED,
            "Warnings:",
            "  - staging/territories: warning_expectations_are_met: territories extract: names_are_filled failed: "
            "1 row(s), e.g. T2.csv row 3: nan. Fix: Give every row its name.",
        ),
        (
            DUPLICATED,
            "Failed:",
            "  - staging/territories: expectations_are_met: territories extract: keys_are_unique failed: 2 row(s), "
            "e.g. T1.csv row 2: T1; T1.csv row 3: T1. Fix: Give every row its own id.",
        ),
    ],
    ids=["warning", "blocking"],
)
def test_the_summary_gives_the_technical_line_under_warnings_or_failed(tmp_path, frame, section, line):
    result, _ = run(tmp_path, {"staging.territories": frame})

    text = run_summary(tmp_path / "none.duckdb", RunOutcome.from_result(result), [])
    assert f"\n{section}\n{line}\n" in text
