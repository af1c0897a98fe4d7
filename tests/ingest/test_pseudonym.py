import polars as pl
import pytest

from pipelines.ingest.pseudonym import normalise_identifier, pseudonym, pseudonymise

# Vectors computed independently: printf '12345' | openssl dgst -sha256 -hmac 'test-key'
VECTORS = [
    ("test-key", "12345", "b78388f83744bd1e"),
    ("clé secrète", "AB-001", "499c13d1b9866991"),  # UTF-8 key
]


def test_pseudonym_matches_the_contract_hmac_vectors():
    for key, identifier, expected in VECTORS:
        assert pseudonym(identifier, key) == expected


def test_surrounding_spaces_do_not_change_the_pseudonym():
    assert pseudonym("  12345 ", "test-key") == "b78388f83744bd1e"


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        (" m0014 ", "M0014"),  # the contract's examples (section 2)
        ("0000014", "14"),
        ("14", "14"),
        ("000", "0"),
        ("M0000001-1", "M0000001-1"),  # only plain digits lose their zeros
        ("0014-2", "0014-2"),
        ("14.0", "14.0"),  # not digits only: a spreadsheet's number cell is read as "14" already
        ("ab-001", "AB-001"),
        ("\u0660\u0661", "\u0660\u0661"),  # Arabic-Indic digits are not the digits 0-9
    ],
)
def test_identifiers_are_normalised_before_pseudonymisation(typed, normalised):
    assert normalise_identifier(typed) == normalised
    assert pseudonym(typed, "test-key") == pseudonym(normalised, "test-key")


def test_one_person_spelled_two_ways_gets_one_pseudonym():
    # printf 'AB-001' | openssl dgst -sha256 -hmac 'clé secrète': the vector above, from its lower-case spelling
    assert pseudonym(" ab-001", "clé secrète") == "499c13d1b9866991"
    assert pseudonym("0000014", "test-key") == pseudonym("14", "test-key") != pseudonym("140", "test-key")


def test_pseudonymise_replaces_every_value_and_keeps_empty_ones_empty():
    frame = pl.DataFrame({"employee_id": ["12345", None, "0012345"], "other": ["a", "b", "c"]})
    out = pseudonymise(frame, ["employee_id"], "test-key")
    assert out["employee_id"].to_list() == ["b78388f83744bd1e", None, "b78388f83744bd1e"]
    assert out["other"].to_list() == ["a", "b", "c"]


@pytest.mark.parametrize(
    "key",
    ["a-test-key-of-at-least-16-characters", "clé secrète " * 6],  # the second is over SHA-256's 64-byte block
)
def test_pseudonymise_gives_each_value_the_pseudonym_of_its_own_normalisation(key):
    # The frame path normalises printable ASCII in Polars and the rest in Python, and computes the HMAC in
    # DuckDB: it must agree with `pseudonym` (Python's hmac), value by value, on what real exports hold.
    import random

    rng = random.Random(19)
    odd = ["", " ", "0", "0000", "000123", " 0042 ", "m0014", " M0014", "14.0", "-12", "1e3", "\t7\t", "\x1f8\x1f"]
    odd += ["ß12", "  éa01", "Ǆ9", "٣٣", "12\u00a0", "\u2003x\u2003", "A B", "0 1", "O0O", "\x00", "ﬀ", "x" * 300]
    letters = "0123456789 abcxyzABC-_.\t\u00a0é"
    values = odd + ["".join(rng.choice(letters) for _ in range(rng.randint(1, 9))) for _ in range(3000)]
    frame = pl.DataFrame({"id": values + [None]}, schema={"id": pl.String})
    result = pseudonymise(frame, ["id"], key)["id"].to_list()
    assert result == [pseudonym(v, key) for v in values] + [None]
