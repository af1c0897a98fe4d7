"""Vivier's pipeline. Importing it first tells Polars' memory allocator to give freed memory back when idle.

Polars allocates with jemalloc and sets it to return freed pages after half a second, but jemalloc only
does so when a thread allocates again: in one `vivier run` process, a step's frames stayed resident
through the steps that followed (during the model's training, 2.8 GiB at national scale). A background
thread returns them on time, at no measured cost in speed (docs/performance.md, issue 19). Polars adds
this setting to its own (`_RJEM_MALLOC_CONF`) when it is imported, so it is set before; a value already
in the environment is kept."""

import os

os.environ.setdefault("_RJEM_MALLOC_CONF", "background_thread:true")
