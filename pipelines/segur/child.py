"""The Ségur estimate of one outcome in a process of its own (`pipelines.segur.estimate._Child`).

    python -m pipelines.segur.child exits|vacancy ARRAYS.pickle ROWS.pickle

Reads the outcome's arrays (`large.panel_arrays`), runs `large.exits` or `large.vacancy` on one BLAS
thread, and writes the rows it gives. Nothing of a person is in either file: codes, counts and rates of
establishment-job family-months."""

from __future__ import annotations

import pickle
import sys

from pipelines.segur import large

ESTIMATES = {"exits": large.exits, "vacancy": large.vacancy}


def main(estimate: str, arrays: str, rows: str) -> None:
    from pipelines.segur.estimate import _quietly

    with open(arrays, "rb") as file:
        sample = pickle.load(file)
    found = _quietly(ESTIMATES[estimate], sample, one_blas_thread=True)
    with open(rows, "wb") as file:
        pickle.dump(found, file, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    main(*sys.argv[1:])
