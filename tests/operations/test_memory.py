"""Memory between steps (issue 19): Polars' allocator is told to give freed memory back, before Polars loads."""

from __future__ import annotations

import os
import subprocess
import sys

SETTING = "_RJEM_MALLOC_CONF"


def _setting_seen(env: dict[str, str]) -> str:
    # A fresh interpreter: the setting must be in place before anything imports Polars.
    code = "import pipelines.definitions, os, polars; print(os.environ['_RJEM_MALLOC_CONF'])"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout


def test_importing_vivier_sets_polars_allocator_to_return_freed_memory():
    env = {k: v for k, v in os.environ.items() if k != SETTING}
    # Polars puts its own decay times first and ours after (polars/__init__.py).
    assert _setting_seen(env).strip() == "dirty_decay_ms:500,muzzy_decay_ms:1000,background_thread:true"


def test_an_allocator_setting_of_the_users_own_is_kept():
    seen = _setting_seen(os.environ | {SETTING: "dirty_decay_ms:5000"}).strip()
    assert seen == "dirty_decay_ms:500,muzzy_decay_ms:1000,dirty_decay_ms:5000"
