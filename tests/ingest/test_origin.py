"""pipelines/ingest/origin.py: a landing file is the demo's when `vivier demo-data` wrote it, byte for byte."""

import json

from pipelines.ingest.files import find_files
from pipelines.ingest.origin import TRUTH_FILE, demo_files, sha256_of


def landing(tmp_path, written: dict[str, str]) -> None:
    """A landing folder whose `_truth/truth.json` gives the hashes of `written` (name: content)."""
    for name, text in written.items():
        (tmp_path / name).write_text(text)
    (tmp_path / TRUTH_FILE).parent.mkdir()
    hashes = {name: sha256_of(tmp_path / name) for name in written}
    (tmp_path / TRUTH_FILE).write_text(json.dumps({"file_sha256": hashes}))


def test_the_files_the_demo_wrote_are_the_demos(tmp_path):
    landing(tmp_path, {"staff.csv": "a;b\n1;2\n", "foster_carers.csv": "c\n3\n"})
    assert demo_files(tmp_path, [tmp_path / "staff.csv", tmp_path / "foster_carers.csv"]) == {
        "staff.csv",
        "foster_carers.csv",
    }


def test_a_demo_file_replaced_or_edited_is_not_the_demos(tmp_path):
    landing(tmp_path, {"staff.csv": "a;b\n1;2\n"})
    (tmp_path / "staff.csv").write_text("a;b\n1;3\n")  # real extracts saved under the demo's name
    (tmp_path / "foster_carers.csv").write_text("c\n3\n")  # a file the demo did not write
    assert demo_files(tmp_path, [tmp_path / "staff.csv", tmp_path / "foster_carers.csv"]) == set()


def test_a_folder_without_the_demos_truth_has_no_demo_file(tmp_path):
    (tmp_path / "staff.csv").write_text("a;b\n1;2\n")
    assert demo_files(tmp_path, [tmp_path / "staff.csv"]) == set()


def test_every_extract_file_of_vivier_demo_data_is_recognised(small_demo):
    files = [p for p in small_demo.iterdir() if p.is_file()]
    assert files and demo_files(small_demo, files) == {p.name for p in files}
    assert set(find_files(small_demo, "staff")) <= set(files)


def test_a_truth_file_cut_or_malformed_gives_no_demo_file(tmp_path):
    landing(tmp_path, {"staff.csv": "a;b\n1;2\n"})
    truth = tmp_path / TRUTH_FILE
    whole = truth.read_text()
    for broken in (whole[: len(whole) // 2], "not json", json.dumps({"file_sha256": ["staff.csv"]}), "[]"):
        truth.write_text(broken)
        assert demo_files(tmp_path, [tmp_path / "staff.csv"]) == set(), broken
