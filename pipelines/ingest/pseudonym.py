"""Pseudonyms for people's identifiers (contract section 2): the first 16 hex
digits of HMAC-SHA256 keyed by `VIVIER_PSEUDONYM_KEY`. The originals are never
stored; whoever holds the key and the extract can re-identify."""

from __future__ import annotations

import hashlib
import hmac

import polars as pl


def pseudonym(identifier: str, key: str) -> str:
    """Gives the pseudonym of one identifier (surrounding spaces removed)."""
    return hmac.new(key.encode("utf-8"), identifier.strip().encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def pseudonymise(frame: pl.DataFrame, columns: list[str], key: str) -> pl.DataFrame:
    """Gives the frame with each of `columns` replaced by pseudonyms (empty values stay empty)."""
    replaced = []
    for column in columns:
        originals = frame.get_column(column).drop_nulls().unique()
        lookup = {value: pseudonym(value, key) for value in originals.to_list()}
        replaced.append(pl.col(column).replace_strict(lookup, default=None, return_dtype=pl.String))
    return frame.with_columns(replaced) if replaced else frame
