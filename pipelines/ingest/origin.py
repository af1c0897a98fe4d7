"""Whether the landing files are the synthetic ones `vivier demo-data` wrote, so that the report says
its figures are synthetic exactly when they are (issue 17).

The demo writes, beside its extracts, `_truth/truth.json` with the SHA-256 of every file it wrote
(`file_sha256`). A landing file is the demo's when its name is there and its content still has that
hash: real extracts dropped into a demo folder, or a demo file edited by hand, are not. A folder with
no `_truth/truth.json`, or one from before the hashes were written, has no demo file."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from pipelines.versions import sha256_of

TRUTH_FILE = Path("_truth") / "truth.json"
HASHES = "file_sha256"


def demo_hashes(landing_dir: Path) -> dict[str, str]:
    """Gives the hash of each file the demo wrote into `landing_dir`, by name (none when it wrote none)."""
    try:
        truth = json.loads((Path(landing_dir) / TRUTH_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    hashes = truth.get(HASHES) if isinstance(truth, dict) else None
    return {str(k): str(v) for k, v in hashes.items()} if isinstance(hashes, dict) else {}


def demo_files(landing_dir: Path, files: Iterable[Path]) -> set[str]:
    """Gives the names of `files` that are, byte for byte, files the demo wrote into `landing_dir`."""
    hashes = demo_hashes(landing_dir)
    return {
        p.name
        for p in files
        if p.name in hashes and p.parent.resolve() == Path(landing_dir).resolve() and sha256_of(p) == hashes[p.name]
    }


def is_demo_file(source_file: pl.Expr, names: set[str]) -> pl.Expr:
    """Tells whether each ingest report line (`source_file`: a file's name, or `file.xlsx [sheet]`
    for a sheet) is of one of the demo's files `names`."""
    return source_file.is_in(sorted(names)) | source_file.str.replace(r" \[[^\]]*\]$", "").is_in(sorted(names))
