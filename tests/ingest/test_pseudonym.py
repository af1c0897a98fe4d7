import polars as pl

from pipelines.ingest.pseudonym import pseudonym, pseudonymise

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


def test_pseudonymise_replaces_every_value_and_keeps_empty_ones_empty():
    frame = pl.DataFrame({"employee_id": ["12345", None, "12345"], "other": ["a", "b", "c"]})
    out = pseudonymise(frame, ["employee_id"], "test-key")
    assert out["employee_id"].to_list() == ["b78388f83744bd1e", None, "b78388f83744bd1e"]
    assert out["other"].to_list() == ["a", "b", "c"]
