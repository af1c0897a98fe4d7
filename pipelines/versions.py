"""The versions a nightly refresh compares to tell what changed (issue 19): of the code, of the
settings that change results, and of each extract's landing files.

Dagster keeps them: every asset carries the code version, each landing folder's extract is an
observed source whose data version is the fingerprint of its files, and an asset materialised
records the data versions of its inputs. An asset whose code version and inputs' data versions
are those of its last materialisation is up to date, and the refresh leaves it alone
(`pipelines/refresh.py`); the UI shows the same versions, and "Unsynced" with the reason when one
changed."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from pathlib import Path

from pipelines.paths import ROOT
from pipelines.settings import Settings

# What the warehouse's tables are computed by: any change to one of these files is a new code
# version, and every asset is rebuilt once (a new release, a fix, an edited expectation suite, a
# dependency upgraded).
CODE_FOLDERS = ("pipelines", "models", "expectations", "config", "sql")
CODE_SUFFIXES = {".py", ".csv", ".json", ".yaml", ".yml", ".sql"}
# The pinned dependencies compute tables too: an upgrade of Polars or scikit-learn is a new code version.
CODE_FILES = ("pyproject.toml", "requirements.lock")


def digest(parts: Iterable[str]) -> str:
    """Gives the SHA-256 (hex) of text parts, each ended by a newline so that no two lists share one."""
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(part.encode("utf-8") + b"\n")
    return hashed.hexdigest()


def code_files(root: Path = ROOT) -> list[Path]:
    """Gives the files whose content makes the code version, sorted."""
    return sorted(
        [
            p
            for folder in CODE_FOLDERS
            for p in (root / folder).rglob("*")
            if p.is_file() and p.suffix in CODE_SUFFIXES and "__pycache__" not in p.parts
        ]
        + [root / name for name in CODE_FILES if (root / name).is_file()]
    )


def code_version(root: Path = ROOT) -> str:
    """Gives the version of Vivier's code: a fingerprint of every file that computes a table (16 hex digits)."""
    return digest(f"{p.relative_to(root).as_posix()} {sha256_of(p)}" for p in code_files(root))[:16]


def settings_version(settings: Settings) -> str:
    """Gives the version of the settings that change what the tables hold: the pseudonym key (it makes
    every pseudonym), the months of history and the as-of date set by hand. A keyed hash: the version,
    shown in the UI, tells that the key changed and nothing of the key."""
    message = f"history_months={settings.history_months}\nas_of={settings.as_of}".encode()
    return hmac.new(settings.pseudonym_key.encode("utf-8"), message, hashlib.sha256).hexdigest()[:16]


def sha256_of(path: Path) -> str:
    """Gives the SHA-256 of a file's bytes, in hex."""
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def file_fingerprint(path: Path) -> tuple[str, int, str]:
    """Gives what the refresh compares of a landing file: its name, its size in bytes and its SHA-256."""
    return path.name, path.stat().st_size, sha256_of(path)


def files_version(fingerprints: Iterable[tuple[str, int, str]]) -> str:
    """Gives the data version of an extract's files: the same files (names, sizes, contents) give the same version,
    in any order; no file gives a version of its own."""
    return digest(f"{name}\t{size}\t{sha}" for name, size, sha in sorted(fingerprints))[:16]
