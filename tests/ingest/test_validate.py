"""Each quarantine rule on a handful of rows, with the row that breaks it."""

import datetime as dt

import polars as pl
import pytest

from pipelines.ingest.contract import EXTRACTS
from pipelines.ingest.validate import count_by_file, validate

STAFF = EXTRACTS["staff"]
GOOD = dict(
    employee_id="e1", contract_id="c1", birth_date="1980-01-02", sex="F", job_family="EDUCATEUR_SPECIALISE",
    establishment_id="E1", contract_type="CDI", fte="1", start_date="2020-01-01", end_date=None,
    exit_reason=None, monthly_gross_pay="2100",
)  # fmt: skip
REFERENCES = {
    "establishments.establishment_id": pl.Series(["E1"]),
    "job_families.job_family": pl.Series(["EDUCATEUR_SPECIALISE", "MONITEUR_EDUCATEUR"]),
}


def raw_staff(*changes: dict) -> pl.DataFrame:
    rows = [GOOD | {"contract_id": f"c{i}"} | change for i, change in enumerate(changes)]
    return pl.DataFrame(rows, schema={c: pl.String for c in STAFF.column_names}).with_columns(
        source_file=pl.lit("staff.csv"), source_row=pl.int_range(2, len(rows) + 2, dtype=pl.Int64)
    )


def test_french_formats_are_read_not_quarantined():
    checked = validate(STAFF, raw_staff({"start_date": "01/02/2020", "fte": "0,8", "monthly_gross_pay": "2 100,50",
                                         "sex": "f", "job_family": "educateur_specialise"}), REFERENCES)  # fmt: skip
    assert checked.quarantined.height == 0
    row = checked.loaded.row(0, named=True)
    assert row["start_date"] == dt.date(2020, 2, 1)
    assert row["fte"] == 0.8
    assert row["monthly_gross_pay"] == 2100.5
    assert (row["sex"], row["job_family"]) == ("F", "EDUCATEUR_SPECIALISE")


@pytest.mark.parametrize(
    ("change", "rule", "detail"),
    [
        ({"birth_date": None}, "required", "birth_date: is required but empty"),
        ({"start_date": "31/02/2023"}, "invalid_date", "start_date: '31/02/2023' is not a date"),
        ({"start_date": "2023-13-01"}, "invalid_date", "start_date: '2023-13-01' is not a date"),
        ({"start_date": "20230101"}, "invalid_date", "start_date: '20230101' is not a date"),
        ({"fte": "un"}, "invalid_number", "fte: 'un' is not a number"),
        ({"sex": "X"}, "unknown_code", "sex: 'X' is not one of F, M"),
        ({"contract_type": "STAGE"}, "unknown_code", "contract_type: 'STAGE' is not one of CDI"),
        ({"fte": "1,5"}, "out_of_range", "fte: '1,5' is outside 0 < fte <= 1"),
        ({"fte": "0"}, "out_of_range", "fte: '0' is outside 0 < fte <= 1"),
        ({"monthly_gross_pay": "-10"}, "out_of_range", "monthly_gross_pay: '-10' is outside 0 <= monthly_gross_pay"),
        ({"end_date": "2019-12-31", "exit_reason": "RESIGNATION"}, "date_order",
         "end_date: '2019-12-31' is before start_date ('2020-01-01')"),
        ({"end_date": "2020-06-30"}, "reason_required", "exit_reason: is required when end_date is set"),
        ({"establishment_id": "E9"}, "unknown_reference", "establishment_id: 'E9' is not found in establishments"),
        ({"job_family": "EDUCATEUR"}, "unknown_reference", "job_family: 'EDUCATEUR' is not found in job_families"),
    ],
)  # fmt: skip
def test_a_row_that_breaks_a_rule_goes_to_quarantine_with_it(change, rule, detail):
    checked = validate(STAFF, raw_staff({}, change), REFERENCES)
    assert checked.loaded["contract_id"].to_list() == ["c0"]
    assert checked.quarantined.height == 1
    bad = checked.quarantined.row(0, named=True)
    assert (bad["extract"], bad["source_file"], bad["source_row"], bad["rule"]) == ("staff", "staff.csv", 3, rule)
    assert detail in bad["detail"]


def test_a_row_breaking_several_rules_is_quarantined_once_under_the_first():
    checked = validate(STAFF, raw_staff({"sex": "X", "birth_date": None, "establishment_id": "E9"}), REFERENCES)
    bad = checked.quarantined.row(0, named=True)
    assert bad["rule"] == "required"
    assert bad["detail"].count(";") == 2  # all three are listed


def test_the_quarantined_record_keeps_the_row_as_it_was_read():
    checked = validate(STAFF, raw_staff({"fte": "1,5"}), REFERENCES)
    assert '"fte":"1,5"' in checked.quarantined["record"][0]


def test_exact_duplicates_are_counted_once_and_not_quarantined():
    raw = raw_staff({}, {}).with_columns(contract_id=pl.lit("c0"))
    checked = validate(STAFF, raw, REFERENCES)
    assert checked.loaded.height == 1
    assert checked.quarantined.height == 0
    assert checked.duplicates["source_row"].to_list() == [3]


def test_one_key_with_two_contents_quarantines_both_rows_picking_no_winner():
    raw = raw_staff({}, {"fte": "0.5"}, {}).with_columns(
        contract_id=pl.Series(["c0", "c0", "c2"])
    )
    checked = validate(STAFF, raw, REFERENCES)
    assert checked.loaded["contract_id"].to_list() == ["c2"]
    assert checked.quarantined["rule"].to_list() == ["duplicate_key", "duplicate_key"]


def test_composite_keys_use_parsed_values():
    budget = EXTRACTS["budgeted_posts"]
    raw = pl.DataFrame(
        {"establishment_id": ["E1", "E1"], "job_family": ["AES", "aes"], "valid_from": ["2024-01-01", "01/01/2024"],
         "valid_to": [None, None], "budgeted_fte": ["2", "3"]}  # fmt: skip
    ).with_columns(source_file=pl.lit("budgeted_posts.csv"), source_row=pl.Series([2, 3], dtype=pl.Int64))
    checked = validate(budget, raw, {"establishments.establishment_id": pl.Series(["E1"]),
                                     "job_families.job_family": pl.Series(["AES"])})  # fmt: skip
    assert checked.quarantined["rule"].to_list() == ["duplicate_key", "duplicate_key"]


@pytest.mark.parametrize(("text", "value"), [("oui", True), ("NON", False), ("1", True), ("false", False), (None, None)])
def test_booleans_in_french_and_english(text, value):
    placements = EXTRACTS["placements"]
    raw = pl.DataFrame(
        {"placement_id": ["p1"], "carer_id": ["c1"], "child_id": ["k1"], "child_birth_date": ["2015-01-01"],
         "start_date": ["2020-01-01"], "end_date": [None], "end_reason": [None], "complex_needs": [text]},
        schema={c: pl.String for c in placements.column_names},
    ).with_columns(source_file=pl.lit("placements.csv"), source_row=pl.lit(2, pl.Int64))
    checked = validate(placements, raw, {"foster_carers.carer_id": pl.Series(["c1"])})
    assert checked.loaded["complex_needs"].to_list() == [value]


def test_a_yes_no_value_that_is_neither_is_quarantined():
    applications = EXTRACTS["applications"]
    raw = pl.DataFrame(
        {"application_id": ["a1"], "posting_id": ["p1"], "applied_date": ["2024-01-01"], "channel": ["school"],
         "stage_reached": ["HIRED"], "withdrawn": ["peut-être"]}
    ).with_columns(source_file=pl.lit("applications.csv"), source_row=pl.lit(2, pl.Int64))
    checked = validate(applications, raw, {"job_postings.posting_id": pl.Series(["p1"])})
    assert checked.quarantined["rule"].to_list() == ["invalid_boolean"]


def test_approved_places_must_be_a_whole_number_from_1_to_6():
    carers = EXTRACTS["foster_carers"]
    rows = {"carer_id": ["a", "b", "c", "d"], "birth_date": ["1970-01-01"] * 4, "territory_id": ["T1"] * 4,
            "employer_kind": ["department"] * 4, "approval_date": ["2010-01-01"] * 4,
            "approved_places": ["3", "2,5", "7", "3,0"], "employment_start_date": ["2010-02-01"] * 4}  # fmt: skip
    raw = pl.DataFrame(rows).with_columns(
        [pl.lit(None, pl.String).alias(c) for c in carers.column_names if c not in rows],
        source_file=pl.lit("foster_carers.csv"), source_row=pl.Series([2, 3, 4, 5], dtype=pl.Int64),
    )  # fmt: skip
    checked = validate(carers, raw, {"territories.territory_id": pl.Series(["T1"])})
    assert checked.loaded["approved_places"].to_list() == [3, 3]
    assert checked.quarantined["rule"].to_list() == ["invalid_number", "out_of_range"]


def test_file_counts_add_up_to_rows_read():
    raw = raw_staff({}, {}, {"fte": "2"}).with_columns(contract_id=pl.Series(["c0", "c0", "c2"]))
    checked = validate(STAFF, raw, REFERENCES)
    files = pl.DataFrame({"extract": ["staff"], "source_file": ["staff.csv"], "file_format": ["csv"],
                          "encoding": ["utf-8"], "separator": [","], "rows_read": [3], "blank_rows": [0],
                          "dropped_columns": [""]})  # fmt: skip
    report = count_by_file(files, checked).row(0, named=True)
    assert (report["rows_loaded"], report["rows_quarantined"], report["exact_duplicates"]) == (1, 1, 1)
