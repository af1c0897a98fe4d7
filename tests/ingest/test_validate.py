"""Each quarantine rule on a handful of rows, with the row that breaks it."""

import datetime as dt

import polars as pl
import pytest

from pipelines.ingest.contract import EXTRACTS
from pipelines.ingest.validate import count_by_file, describe, describe_invalid_values, validate

STAFF = EXTRACTS["staff"]
GOOD = dict(
    employee_id="e1",
    contract_id="c1",
    birth_date="1980-01-02",
    sex="F",
    job_family="EDUCATEUR_SPECIALISE",
    establishment_id="E1",
    contract_type="CDI",
    fte="1",
    start_date="2020-01-01",
    end_date=None,
    exit_reason=None,
    monthly_gross_pay="2100",
)
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
    checked = validate(
        STAFF,
        raw_staff(
            {
                "start_date": "01/02/2020",
                "fte": "0,8",
                "monthly_gross_pay": "2 100,50",
                "sex": "f",
                "job_family": "educateur_specialise",
            }
        ),
        REFERENCES,
    )
    assert checked.quarantined.height == 0
    row = checked.loaded.row(0, named=True)
    assert row["start_date"] == dt.date(2020, 2, 1)
    assert row["fte"] == 0.8
    assert row["monthly_gross_pay"] == 2100.5
    assert (row["sex"], row["job_family"]) == ("F", "EDUCATEUR_SPECIALISE")


# A value that breaks its column's rule may be free text about a person: the detail gives its
# length and kinds of characters, never the value. Valid values (dates out of order) are shown.
@pytest.mark.parametrize(
    ("change", "rule", "detail"),
    [
        ({"birth_date": None}, "required", "birth_date: is required but empty"),
        (
            {"start_date": "31/02/2023"},
            "invalid_date",
            "start_date: the value (10 characters: digits, other characters) is not a date "
            "(write YYYY-MM-DD or DD/MM/YYYY)",
        ),
        (
            {"start_date": "2023-13-01"},
            "invalid_date",
            "start_date: the value (10 characters: digits, other characters)",
        ),
        ({"start_date": "20230101"}, "invalid_date", "start_date: the value (8 characters: digits) is not a date"),
        ({"fte": "un"}, "invalid_number", "fte: the value (2 characters: letters) is not a number (write 0.8 or 0,8)"),
        ({"sex": "X"}, "unknown_code", "sex: the value (1 character: letters) is not one of F, M"),
        (
            {"contract_type": "STAGE"},
            "unknown_code",
            "contract_type: the value (5 characters: letters) is not one of CDI",
        ),
        (
            {"fte": "1,5"},
            "out_of_range",
            "fte: the value (3 characters: digits, other characters) is outside 0 < fte <= 1",
        ),
        ({"fte": "0"}, "out_of_range", "fte: the value (1 character: digits) is outside 0 < fte <= 1"),
        (
            {"monthly_gross_pay": "-10"},
            "out_of_range",
            "monthly_gross_pay: the value (3 characters: digits, other characters) is outside 0 <= monthly_gross_pay",
        ),
        (
            {"end_date": "2019-12-31", "exit_reason": "RESIGNATION"},
            "date_order",
            "end_date: '2019-12-31' is before start_date ('2020-01-01')",
        ),
        ({"end_date": "2020-06-30"}, "reason_required", "exit_reason: is required when end_date is set"),
        (
            {"establishment_id": "E9"},
            "unknown_reference",
            "establishment_id: the value (2 characters: letters, digits) is not found in "
            "establishments.establishment_id",
        ),
        (
            {"job_family": "EDUCATEUR"},
            "unknown_reference",
            "job_family: the value (9 characters: letters) is not found in job_families",
        ),
    ],
)
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


def test_the_quarantined_record_keeps_the_row_with_its_bad_value_described():
    checked = validate(STAFF, raw_staff({"fte": "1,5"}), REFERENCES)
    record = checked.quarantined["record"][0]
    assert '"fte":"3 characters: digits, other characters"' in record
    assert '"start_date":"2020-01-01"' in record and '"contract_id":"c0"' in record


def test_exact_duplicates_are_counted_once_and_not_quarantined():
    raw = raw_staff({}, {}).with_columns(contract_id=pl.lit("c0"))
    checked = validate(STAFF, raw, REFERENCES)
    assert checked.loaded.height == 1
    assert checked.quarantined.height == 0
    assert checked.duplicates["source_row"].to_list() == [3]


def test_one_key_with_two_contents_quarantines_both_rows_picking_no_winner():
    raw = raw_staff({}, {"fte": "0.5"}, {}).with_columns(contract_id=pl.Series(["c0", "c0", "c2"]))
    checked = validate(STAFF, raw, REFERENCES)
    assert checked.loaded["contract_id"].to_list() == ["c2"]
    assert checked.quarantined["rule"].to_list() == ["duplicate_key", "duplicate_key"]


def test_an_exact_copy_beside_a_second_content_is_a_duplicate_not_a_third_key():
    # Rows 2 and 3 are exact copies; row 4 has their key with another fte; row 5 is alone. The copies are
    # kept in the frame while the rules run (issue 19, memory): the key must count first copies only.
    raw = raw_staff({}, {}, {"fte": "0.5"}, {}).with_columns(contract_id=pl.Series(["c0", "c0", "c0", "c3"]))
    checked = validate(STAFF, raw, REFERENCES)
    assert checked.duplicates["source_row"].to_list() == [3]
    assert checked.quarantined.select("source_row", "rule").rows() == [(2, "duplicate_key"), (4, "duplicate_key")]
    assert checked.loaded.select("contract_id", "source_row").rows() == [("c3", 5)]


def test_composite_keys_use_parsed_values():
    budget = EXTRACTS["budgeted_posts"]
    raw = pl.DataFrame(
        {
            "establishment_id": ["E1", "E1"],
            "job_family": ["AES", "aes"],
            "valid_from": ["2024-01-01", "01/01/2024"],
            "valid_to": [None, None],
            "budgeted_fte": ["2", "3"],
        }
    ).with_columns(source_file=pl.lit("budgeted_posts.csv"), source_row=pl.Series([2, 3], dtype=pl.Int64))
    checked = validate(
        budget,
        raw,
        {"establishments.establishment_id": pl.Series(["E1"]), "job_families.job_family": pl.Series(["AES"])},
    )
    assert checked.quarantined["rule"].to_list() == ["duplicate_key", "duplicate_key"]


@pytest.mark.parametrize(
    ("text", "value"), [("oui", True), ("NON", False), ("1", True), ("false", False), (None, None)]
)
def test_booleans_in_french_and_english(text, value):
    placements = EXTRACTS["placements"]
    raw = pl.DataFrame(
        {
            "placement_id": ["p1"],
            "carer_id": ["c1"],
            "child_id": ["k1"],
            "child_birth_date": ["2015-01-01"],
            "start_date": ["2020-01-01"],
            "end_date": [None],
            "end_reason": [None],
            "complex_needs": [text],
        },
        schema={c: pl.String for c in placements.column_names},
    ).with_columns(source_file=pl.lit("placements.csv"), source_row=pl.lit(2, pl.Int64))
    checked = validate(placements, raw, {"foster_carers.carer_id": pl.Series(["c1"])})
    assert checked.loaded["complex_needs"].to_list() == [value]


def test_a_yes_no_value_that_is_neither_is_quarantined():
    applications = EXTRACTS["applications"]
    raw = pl.DataFrame(
        {
            "application_id": ["a1"],
            "posting_id": ["p1"],
            "applied_date": ["2024-01-01"],
            "channel": ["school"],
            "stage_reached": ["HIRED"],
            "withdrawn": ["peut-être"],
        }
    ).with_columns(source_file=pl.lit("applications.csv"), source_row=pl.lit(2, pl.Int64))
    checked = validate(applications, raw, {"job_postings.posting_id": pl.Series(["p1"])})
    assert checked.quarantined["rule"].to_list() == ["invalid_boolean"]


def test_approved_places_must_be_a_whole_number_from_1_to_6():
    carers = EXTRACTS["foster_carers"]
    rows = {
        "carer_id": ["a", "b", "c", "d"],
        "birth_date": ["1970-01-01"] * 4,
        "territory_id": ["T1"] * 4,
        "employer_kind": ["department"] * 4,
        "approval_date": ["2010-01-01"] * 4,
        "approved_places": ["3", "2,5", "7", "3,0"],
        "employment_start_date": ["2010-02-01"] * 4,
    }
    raw = pl.DataFrame(rows).with_columns(
        [pl.lit(None, pl.String).alias(c) for c in carers.column_names if c not in rows],
        source_file=pl.lit("foster_carers.csv"),
        source_row=pl.Series([2, 3, 4, 5], dtype=pl.Int64),
    )
    checked = validate(carers, raw, {"territories.territory_id": pl.Series(["T1"])})
    assert checked.loaded["approved_places"].to_list() == [3, 3]
    assert checked.quarantined["rule"].to_list() == ["invalid_number", "out_of_range"]


def test_file_counts_add_up_to_rows_read():
    raw = raw_staff({}, {}, {"fte": "2"}).with_columns(contract_id=pl.Series(["c0", "c0", "c2"]))
    checked = validate(STAFF, raw, REFERENCES)
    files = pl.DataFrame(
        {
            "extract": ["staff"],
            "source_file": ["staff.csv"],
            "file_format": ["csv"],
            "encoding": ["utf-8"],
            "separator": [","],
            "rows_read": [3],
            "blank_rows": [0],
            "dropped_columns": [""],
        }
    )
    report = count_by_file(files, checked).row(0, named=True)
    assert (report["rows_loaded"], report["rows_quarantined"], report["exact_duplicates"]) == (1, 1, 1)


def test_rows_equal_once_typed_are_exact_duplicates():
    # One contract in two exports: ISO dates and "0.8" in one, dd/mm/yyyy, "0,8" and lower-case codes in the other.
    iso = {"fte": "0.8", "start_date": "2020-01-01", "monthly_gross_pay": "2100.5"}
    french = {"fte": "0,8", "start_date": "01/01/2020", "monthly_gross_pay": "2 100,50", "contract_type": "cdi"}
    checked = validate(STAFF, raw_staff(iso, french).with_columns(contract_id=pl.lit("c0")), REFERENCES)
    assert checked.quarantined.height == 0
    assert checked.loaded.select("source_row", "fte", "contract_type").rows() == [(2, 0.8, "CDI")]
    assert checked.duplicates["source_row"].to_list() == [3]


def test_rows_that_differ_once_typed_are_not_duplicates():
    checked = validate(
        STAFF, raw_staff({"fte": "0,8"}, {"fte": "0.5"}).with_columns(contract_id=pl.lit("c0")), REFERENCES
    )
    assert checked.duplicates.height == 0
    assert checked.quarantined["rule"].to_list() == ["duplicate_key", "duplicate_key"]


def test_carer_events_in_two_date_formats_are_counted_once():
    events = EXTRACTS["carer_events"]
    raw = pl.DataFrame(
        {
            "carer_id": ["f1", "f1", "f1"],
            "event_date": ["2025-05-15", "15/05/2025", "16/05/2025"],
            "event_type": ["SUPPORT_VISIT", "support_visit", "SUPPORT_VISIT"],
            "days": ["0,5", "0.5", "0.5"],
        }
    ).with_columns(
        source_file=pl.Series(["carer_events.csv", "carer_events_2.csv", "carer_events_2.csv"]),
        source_row=pl.Series([2, 2, 3], dtype=pl.Int64),
    )
    checked = validate(events, raw, {"foster_carers.carer_id": pl.Series(["f1"])})
    assert checked.loaded["event_date"].to_list() == [dt.date(2025, 5, 15), dt.date(2025, 5, 16)]
    assert checked.duplicates.rows() == [("carer_events_2.csv", 2)]


def test_a_row_with_a_bad_value_is_never_counted_as_a_duplicate():
    # Its bad value is kept only as a description, so two copies cannot be told equal: both are quarantined.
    raw = raw_staff({"fte": "n/a"}, {"fte": "n/a"}).with_columns(contract_id=pl.lit("c0"))
    checked = validate(STAFF, raw, REFERENCES)
    assert checked.duplicates.height == 0
    assert checked.quarantined.select("source_row", "rule").rows() == [(2, "invalid_number"), (3, "invalid_number")]


@pytest.mark.parametrize(
    ("value", "description"),
    [
        (
            "Démission - conflit avec M. Dupont, tél 06 12 34 56 78",
            "54 characters: letters, digits, spaces, other characters",
        ),
        ("2800175123456", "13 characters: digits"),
        ("X", "1 character: letters"),
        ("31/02/2024", "10 characters: digits, other characters"),
    ],
)
def test_a_value_is_described_by_its_length_and_kinds_of_characters(value, description):
    assert pl.select(describe(pl.lit(value))).item() == description


def test_free_text_in_a_column_with_a_rule_is_in_neither_record_nor_detail():
    comment = "Démission - conflit avec M. Dupont, tél 06 12 34 56 78"
    checked = validate(
        STAFF,
        raw_staff(
            {
                "end_date": "2024-01-31",
                "exit_reason": comment,
                "sex": "2800175123456",
                "birth_date": "voir Mme Martin",
                "establishment_id": "chez Durand",
            }
        ),
        REFERENCES,
    )
    bad = checked.quarantined.row(0, named=True)
    assert bad["rule"] == "invalid_date"
    for text in ("Dupont", "06 12", "2800175123456", "Martin", "Durand"):
        assert text not in bad["detail"] and text not in bad["record"]
    assert (
        "exit_reason: the value (54 characters: letters, digits, spaces, other characters) is not one of"
        in (bad["detail"])
    )
    assert '"establishment_id":"11 characters: letters, spaces"' in bad["record"]
    assert '"end_date":"2024-01-31"' in bad["record"]  # a valid value stays


def test_the_raw_layer_keeps_a_bad_value_only_as_its_description_and_rule():
    raw = describe_invalid_values(STAFF, raw_staff({"fte": "1,5", "start_date": "bientôt", "sex": "f"}))
    row = raw.row(0, named=True)
    assert (row["fte"], row["start_date"]) == ("3 characters: digits, other characters", "7 characters: letters")
    assert row["sex"] == "f"  # a valid code stays as read
    assert row["invalid_values"] == "fte: out_of_range; start_date: invalid_date"
    # and validate reads the rules from there, not from the description
    checked = validate(STAFF, raw, REFERENCES)
    assert checked.quarantined.select("rule", "detail").row(0) == (
        "invalid_date",
        "start_date: the value (7 characters: letters) is not a date (write YYYY-MM-DD or DD/MM/YYYY); "
        "fte: the value (3 characters: digits, other characters) is outside 0 < fte <= 1",
    )
