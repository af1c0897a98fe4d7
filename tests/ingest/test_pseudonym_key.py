"""A pseudonym key of your own must be one that keeps pseudonyms from being recomputed
(contract section 2): otherwise `vivier run` refuses to start, says why, and never shows the key."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.settings import DEMO_PSEUDONYM_KEY, check_pseudonym_key


@pytest.mark.parametrize("key", [DEMO_PSEUDONYM_KEY, "sixteen-chars-ok", "clé secrète de seize", "  padded key 16+  "])
def test_the_demo_key_and_keys_of_16_characters_or_more_are_accepted(key):
    assert check_pseudonym_key(key) == key


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("short-key", "VIVIER_PSEUDONYM_KEY is 9 character(s) long: too short"),
        ("fifteen-chars-x", "VIVIER_PSEUDONYM_KEY is 15 character(s) long"),
        (" " * 20, "VIVIER_PSEUDONYM_KEY is blank"),
        ("\t \n", "VIVIER_PSEUDONYM_KEY is blank"),
        # What os.environ holds for bytes that are not UTF-8 (a key saved in Windows-1252: "clé" as b"cl\xe9").
        ("une cl\udce9 secr\udce8te de plus de 16", "VIVIER_PSEUDONYM_KEY is not valid UTF-8"),
    ],
)
def test_a_key_that_cannot_keep_pseudonyms_safe_is_refused_with_its_reason(key, reason):
    with pytest.raises(ValueError) as error:
        check_pseudonym_key(key)
    message = str(error.value)
    assert message.startswith(reason)
    assert "at least 16 characters" in message
    assert "\n" not in message and (key.strip() == "" or key not in message)


def test_vivier_run_refuses_to_start_in_one_line_without_showing_the_key(tmp_path):
    (tmp_path / "landing").mkdir()
    env = {
        "VIVIER_LANDING_DIR": str(tmp_path / "landing"),
        "VIVIER_WAREHOUSE": str(tmp_path / "v.duckdb"),
        "VIVIER_PSEUDONYM_KEY": "hunter2",
        "DAGSTER_HOME": str(tmp_path / "dagster"),
    }
    result = CliRunner().invoke(main, ["run"], env=env)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: VIVIER_PSEUDONYM_KEY is 7 character(s) long: too short to keep pseudonyms from being recomputed. "
        "Set it to a secret of at least 16 characters, e.g. the output of `openssl rand -hex 16`, and keep it."
    ]
    assert "hunter2" not in result.output and "Traceback" not in result.output
    assert not (tmp_path / "v.duckdb").exists()  # nothing was loaded


def test_vivier_run_refuses_a_key_that_is_not_utf8(tmp_path):
    (tmp_path / "landing").mkdir()
    env = {
        "VIVIER_LANDING_DIR": str(tmp_path / "landing"),
        "VIVIER_WAREHOUSE": str(tmp_path / "v.duckdb"),
        "VIVIER_PSEUDONYM_KEY": "une cl\udce9 secr\udce8te assez longue",
        "DAGSTER_HOME": str(tmp_path / "dagster"),
    }
    result = CliRunner().invoke(main, ["run"], env=env)
    assert result.exit_code == 1
    assert result.output.startswith("Error: VIVIER_PSEUDONYM_KEY is not valid UTF-8 text")
    assert "assez longue" not in result.output


def test_a_key_set_but_empty_is_refused_not_replaced_by_the_demo_key(tmp_path):
    # What a failed secret lookup gives (VIVIER_PSEUDONYM_KEY="$(cat /missing)").
    (tmp_path / "landing").mkdir()
    env = {
        "VIVIER_LANDING_DIR": str(tmp_path / "landing"),
        "VIVIER_WAREHOUSE": str(tmp_path / "v.duckdb"),
        "VIVIER_PSEUDONYM_KEY": "",
        "DAGSTER_HOME": str(tmp_path / "dagster"),
    }
    result = CliRunner().invoke(main, ["run"], env=env)
    assert result.exit_code == 1
    assert result.output.startswith("Error: VIVIER_PSEUDONYM_KEY is blank")
    assert not (tmp_path / "v.duckdb").exists()
