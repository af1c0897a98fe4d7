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
    assert _setting_seen(env).strip() == "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:1000"


def test_an_allocator_setting_of_the_users_own_is_kept():
    assert _setting_seen(os.environ | {SETTING: "dirty_decay_ms:5000"}).strip() == "dirty_decay_ms:5000"
