"""Vivier's pipeline. Importing it first sets how Polars' memory allocator gives memory back.

Polars allocates with jemalloc, which by default keeps freed memory until the same threads allocate
again: in one `vivier run` process, a step's frames stayed resident through the next steps, and the
run sat at 2.8 GiB between steps at national scale. With a background thread returning pages freed
for a second, it falls back to about 0.4 GiB, at no measured cost in speed (docs/performance.md,
issue 19). Set before Polars is imported; a value already in the environment is kept."""

import os

os.environ.setdefault("_RJEM_MALLOC_CONF", "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:1000")
