"""Statistical disclosure control for the report, as DuckDB macros the `sql/` views call.

A count of 1 to 4 people, any rate or average computed over fewer than 5, and a share of
people whose numerator is 1 to 4 (it would give that count away) would let a reader who knows
a service point at a person: the views show them as NULL (the pages print "-" and say why).
A figure about the same people as a hidden count (their fte, their approved places, the vacancy
their fte leaves, a model's scores over them) is hidden with it: shown beside a "-", an fte of
"1,0" gives the hidden head count back (issue 13). Zero is shown: it points at no one. Counts of
file rows and checks (data-quality pages) are not counts of people and are shown as they are."""

from __future__ import annotations

import duckdb

MIN_SHOWN = 5

MACROS = {
    # a count of people: NULL when 1 to 4
    "shown_count(n)": f"CASE WHEN n > 0 AND n < {MIN_SHOWN} THEN NULL ELSE CAST(n AS BIGINT) END",
    # a rate, share or average over `denominator` people (or fte): NULL when that is under 5
    "shown_rate(rate, denominator)": f"CASE WHEN coalesce(denominator, 0) < {MIN_SHOWN} THEN NULL ELSE rate END",
    # a share of people, `numerator` out of `denominator`: NULL as above, and also when the
    # numerator is 1 to 4 (shown beside its denominator, the rate would give the hidden count away)
    "shown_share(rate, numerator, denominator)": f"CASE WHEN coalesce(denominator, 0) < {MIN_SHOWN} "
    f"OR (numerator > 0 AND numerator < {MIN_SHOWN}) THEN NULL ELSE rate END",
    # a figure about the same `n` people (their fte, places, the vacancy their fte leaves): NULL when
    # shown_count(n) is, so that the figure cannot give the hidden count back
    "shown_beside(value, n)": f"CASE WHEN n > 0 AND n < {MIN_SHOWN} THEN NULL ELSE value END",
}


def create_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Defines the disclosure macros on `con` (temporary: nothing is written to the warehouse)."""
    for signature, body in MACROS.items():
        con.execute(f"CREATE OR REPLACE TEMP MACRO {signature} AS {body}")
