"""benchmarks/compare_warehouses.py finds exactly what differs between two hand-made warehouses:
a value, an extra or duplicated row, a table or column on one side only, a type, a column order;
and nothing in floats a few bits apart, rows in another order, or the volatile columns it ignores."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from benchmarks.compare_warehouses import IGNORED, TableComparison, compare, main

SCHEMAS = "CREATE SCHEMA marts; CREATE SCHEMA staging; CREATE SCHEMA quality; CREATE SCHEMA ml; CREATE SCHEMA raw;"

BEFORE = """
CREATE TABLE marts.turnover (month DATE, scope VARCHAR, scope_id VARCHAR, headcount BIGINT, rate DOUBLE);
INSERT INTO marts.turnover VALUES ('2024-01-01', 'all', NULL, 10, 0.3), ('2024-02-01', 'all', NULL, 11, 0.1);
CREATE TABLE staging.staff (employee_id VARCHAR, fte DOUBLE, source_file VARCHAR, source_row BIGINT);
INSERT INTO staging.staff VALUES ('E1', 1.0, 'staff.csv', 2), ('E2', 0.5, 'staff.csv', 3), ('E3', 0.8, 'staff.csv', 4);
CREATE TABLE marts.exits (month DATE, job_family VARCHAR, exits BIGINT);
INSERT INTO marts.exits VALUES ('2024-01-01', 'EDUC', 2), ('2024-02-01', 'EDUC', 1);
CREATE TABLE marts.duplicated (month DATE, job_family VARCHAR, exits BIGINT);
INSERT INTO marts.duplicated VALUES ('2024-01-01', 'EDUC', 2), ('2024-02-01', 'EDUC', 1);
CREATE TABLE ml.old_only (model VARCHAR);
INSERT INTO ml.old_only VALUES ('a'), ('b');
CREATE TABLE raw.typed (n INTEGER, label VARCHAR);
INSERT INTO raw.typed VALUES (1, 'a'), (2, 'b');
CREATE TABLE marts.wider (month DATE, exits BIGINT);
INSERT INTO marts.wider VALUES ('2024-01-01', 2);
CREATE TABLE marts.reordered (month DATE, exits BIGINT);
INSERT INTO marts.reordered VALUES ('2024-01-01', 2);
CREATE TABLE quality.validation_results (suite VARCHAR, expectation VARCHAR, success BOOLEAN, run_id VARCHAR,
                                         checked_at TIMESTAMPTZ);
INSERT INTO quality.validation_results VALUES ('staff', 'fte', true, 'run-1', '2026-01-01 02:00:00+00');
CREATE TABLE ml.model_card (version VARCHAR, markdown VARCHAR);
INSERT INTO ml.model_card VALUES ('v1', '# Card\n`v1` on 2026-01-01 02:00 UTC\nAUC 0.71');
"""

AFTER = """
CREATE TABLE marts.turnover (month DATE, scope VARCHAR, scope_id VARCHAR, headcount BIGINT, rate DOUBLE);
INSERT INTO marts.turnover VALUES ('2024-02-01', 'all', NULL, 11, 0.1),
                                  ('2024-01-01', 'all', NULL, 10, 0.1::DOUBLE + 0.2::DOUBLE);
CREATE TABLE staging.staff (employee_id VARCHAR, fte DOUBLE, source_file VARCHAR, source_row BIGINT);
INSERT INTO staging.staff VALUES ('E1', 1.0, 'staff.csv', 2), ('E2', 0.5000001, 'staff.csv', 3),
                                 ('E3', 0.8, 'staff.csv', 4);
CREATE TABLE marts.exits (month DATE, job_family VARCHAR, exits BIGINT);
INSERT INTO marts.exits VALUES ('2024-01-01', 'EDUC', 2), ('2024-02-01', 'EDUC', 1), ('2024-03-01', 'EDUC', 1);
CREATE TABLE marts.duplicated (month DATE, job_family VARCHAR, exits BIGINT);
INSERT INTO marts.duplicated VALUES ('2024-01-01', 'EDUC', 2), ('2024-02-01', 'EDUC', 1), ('2024-01-01', 'EDUC', 2);
CREATE TABLE raw.new_only (n INTEGER);
CREATE TABLE raw.typed (n BIGINT, label VARCHAR);
INSERT INTO raw.typed VALUES (1, 'a'), (2, 'b');
CREATE TABLE marts.wider (month DATE, exits BIGINT, note VARCHAR);
INSERT INTO marts.wider VALUES ('2024-01-01', 2, NULL);
CREATE TABLE marts.reordered (exits BIGINT, month DATE);
INSERT INTO marts.reordered VALUES (2, '2024-01-01');
CREATE TABLE quality.validation_results (suite VARCHAR, expectation VARCHAR, success BOOLEAN, run_id VARCHAR,
                                         checked_at TIMESTAMPTZ);
INSERT INTO quality.validation_results VALUES ('staff', 'fte', true, 'run-2', '2026-01-02 02:00:00+00');
CREATE TABLE ml.model_card (version VARCHAR, markdown VARCHAR);
INSERT INTO ml.model_card VALUES ('v1', '# Card\n`v1` on 2026-01-02 02:07 UTC\nAUC 0.71');
"""

EXPECTED = [
    TableComparison("marts.duplicated", rows_before=2, rows_after=3, rows_only_after=1,
                    key_columns=("month", "job_family"), examples=("after only month=2024-01-01, job_family=EDUC",)),
    TableComparison("marts.exits", rows_before=2, rows_after=3, rows_only_after=1,
                    key_columns=("month", "job_family"), examples=("after only month=2024-03-01, job_family=EDUC",)),
    TableComparison("marts.reordered", rows_before=1, rows_after=1, column_order_differs=True,
                    key_columns=("month",)),
    TableComparison("marts.turnover", rows_before=2, rows_after=2, key_columns=("month", "scope", "scope_id")),
    TableComparison("marts.wider", rows_before=1, rows_after=1, columns_only_after=("note",), key_columns=("month",)),
    TableComparison("ml.model_card", rows_before=1, rows_after=1, key_columns=("version",),
                    ignored_columns=("markdown",)),
    TableComparison("ml.old_only", "before only", rows_before=2),
    TableComparison("quality.validation_results", rows_before=1, rows_after=1, key_columns=("suite", "expectation"),
                    ignored_columns=("checked_at", "run_id")),
    TableComparison("raw.new_only", "after only", rows_after=0),
    TableComparison("raw.typed", rows_before=2, rows_after=2, type_changes=(("n", "INTEGER", "BIGINT"),),
                    key_columns=("n",)),
    TableComparison("staging.staff", rows_before=3, rows_after=3, rows_only_before=1, rows_only_after=1,
                    key_columns=("source_file", "source_row"), changed_columns=("fte",),
                    examples=("changed source_file=staff.csv, source_row=3 (fte)",)),
]  # fmt: skip


def warehouse(path: Path, sql: str) -> Path:
    with duckdb.connect(str(path)) as con:
        con.execute(SCHEMAS + sql)
    return path


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    return warehouse(tmp_path / "before.duckdb", BEFORE), warehouse(tmp_path / "after.duckdb", AFTER)


def test_finds_exactly_what_differs(pair):
    results = compare(*pair)
    assert results == EXPECTED
    assert [r.table for r in results if r.same] == [
        "marts.turnover",  # rows in another order, 0.3 against 0.1 + 0.2
        "ml.model_card",  # only the training time differs
        "quality.validation_results",  # only run_id and checked_at differ
    ]


def test_the_ignored_columns_are_what_hides_the_volatile_differences(pair):
    results = {r.table: r for r in compare(*pair, ignored={})}
    assert (results["quality.validation_results"].rows_only_before, results["ml.model_card"].rows_only_before) == (1, 1)
    assert results["quality.validation_results"].examples == (
        "before only suite=staff, expectation=fte, run_id=run-1",
        "after only suite=staff, expectation=fte, run_id=run-2",
    )
    assert results["ml.model_card"].changed_columns == ("markdown",)
    assert "ml.model_card.markdown" in IGNORED and "quality.validation_results.run_id" in IGNORED


def test_the_model_card_is_compared_but_for_its_training_time(tmp_path):
    card = (
        "CREATE TABLE ml.model_card (version VARCHAR, markdown VARCHAR); INSERT INTO ml.model_card VALUES ('v1', '{}');"
    )
    before = warehouse(tmp_path / "before.duckdb", card.format("`v1` on 2026-01-01 02:00 UTC\nAUC 0.71"))
    after = warehouse(tmp_path / "after.duckdb", card.format("`v1` on 2026-01-02 03:00 UTC\nAUC 0.72"))
    [result] = compare(before, after)
    assert (result.same, result.changed_columns) == (False, ("markdown",))


def test_floats_are_equal_within_the_tolerance_only(tmp_path):
    table = "CREATE TABLE marts.rates (month DATE, rate DOUBLE); INSERT INTO marts.rates VALUES ('2024-01-01', {});"
    base = warehouse(tmp_path / "base.duckdb", table.format("1e6"))
    near = warehouse(tmp_path / "near.duckdb", table.format("1e6 + 1e-4"))  # 1e-10 relative
    far = warehouse(tmp_path / "far.duckdb", table.format("1e6 + 1e-2"))  # 1e-8 relative
    assert compare(base, near)[0].same
    assert compare(base, far)[0].changed_columns == ("rate",)


OUTPUT = r"""
marts.duplicated            rows 2 -> 3; 0 rows only before, 1 only after
      e.g. after only month=2024-01-01, job_family=EDUC
marts.exits                 rows 2 -> 3; 0 rows only before, 1 only after
      e.g. after only month=2024-03-01, job_family=EDUC
marts.reordered             column order differs
marts.turnover              same (2 rows)
marts.wider                 columns only after: note
ml.model_card               same (1 row)
ml.old_only                 before only (2 rows)
quality.validation_results  same (1 row)
raw.new_only                after only (0 rows)
raw.typed                   types: n INTEGER -> BIGINT
staging.staff               1 row only before, 1 only after (changed: fte)
      e.g. changed source_file=staff.csv, source_row=3 (fte)
ignored (differ between two runs of the same code): ml.model_card.markdown (only text matching \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC), quality.validation_results.checked_at, quality.validation_results.run_id
floats within 1e-09 relative (1e-12 absolute)
11 tables: 3 same, 8 differ
"""  # noqa: E501


def test_the_command_exits_1_with_a_line_per_table_and_0_when_the_same(pair, capsys):
    before, after = pair
    assert main([str(before), str(after)]) == 1
    out = capsys.readouterr().out
    assert out == OUTPUT.lstrip("\n")
    assert "E2" not in out  # examples show key columns, not rows
    assert main([str(before), str(before)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "10 tables: 10 same, 0 differ"


def test_a_missing_file_is_exit_2(tmp_path, capsys):
    assert main([str(tmp_path / "none.duckdb"), str(tmp_path / "none.duckdb")]) == 2
    assert "no such file" in capsys.readouterr().err
