"""Shared demo folders: generated once per test session at small scale."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.demo import generate_demo


@pytest.fixture(scope="session")
def clean(tmp_path_factory) -> Path:
    """A clean small landing folder, seed 42."""
    out = tmp_path_factory.mktemp("clean")
    generate_demo(out, scale="small", seed=42)
    return out


@pytest.fixture(scope="session")
def messy(tmp_path_factory) -> Path:
    """A messy small landing folder, seed 42 (same records as `clean`)."""
    out = tmp_path_factory.mktemp("messy")
    generate_demo(out, scale="small", seed=42, messy=True)
    return out
