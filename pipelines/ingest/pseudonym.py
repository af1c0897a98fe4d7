"""Pseudonyms for people's identifiers (contract section 2): the first 16 hex
digits of HMAC-SHA256 keyed by `VIVIER_PSEUDONYM_KEY`. The originals are never
stored; whoever holds the key and the extract can re-identify."""

from __future__ import annotations

import hashlib
import hmac

import polars as pl


def pseudonym(identifier: str, key: str) -> str:
    """Gives the pseudonym of one identifier (surrounding spaces removed)."""
    # hmac.digest is the one-shot C path: a third of the time of hmac.new(...).hexdigest().
    return hmac.digest(key.encode("utf-8"), identifier.strip().encode("utf-8"), hashlib.sha256)[:8].hex()


def pseudonymise(frame: pl.DataFrame, columns: list[str], key: str) -> pl.DataFrame:
    """Gives the frame with each of `columns` replaced by pseudonyms (empty values stay empty)."""
    for column in columns:
        originals = frame.get_column(column).drop_nulls().unique()
        lookup = pl.DataFrame({column: originals, "_pseudonym": [pseudonym(v, key) for v in originals.to_list()]},
                              schema={column: pl.String, "_pseudonym": pl.String})  # fmt: skip
        # A join, not replace_strict: with a million national ids, replace_strict took 50 s, the join 0.6 s.
        frame = (
            frame.join(lookup, on=column, how="left", maintain_order="left")
            .with_columns(pl.col("_pseudonym").alias(column))
            .drop("_pseudonym")
        )
    return frame
