"""pipelines.workforce.summaries: every establishment's vacancy and turnover, worst first, capped in
the UI with the whole list one query away; rates as percentages."""

import datetime as dt

import polars as pl

from pipelines.workforce.summaries import SHOWN_ESTABLISHMENTS, establishments_latest, establishments_metadata

JUNE = dt.date(2024, 6, 1)


def monthly(rows: list[tuple[str, float, float]]) -> pl.LazyFrame:
    """workforce_monthly in June 2024: (establishment, budgeted fte, vacant fte), one job family each."""
    return pl.LazyFrame(
        {
            "month": [JUNE] * len(rows),
            "establishment_id": [r[0] for r in rows],
            "budgeted_fte": [r[1] for r in rows],
            "vacant_fte": [r[2] for r in rows],
        }
    )


def names(ids: list[str]) -> pl.LazyFrame:
    return pl.LazyFrame({"establishment_id": ids, "name": [f"Foyer {i}" for i in ids]})


def test_the_highest_vacancy_comes_first_and_an_establishment_without_budget_last():
    table = establishments_latest(
        monthly([("A", 4.0, 1.0), ("B", 0.0, 0.0), ("C", 2.0, 1.0), ("D", 8.0, 2.0)]),
        None,
        names(["A", "B", "C", "D"]),
        JUNE,
        "vacancy_rate",
    )
    # C 50 %, then A and D at 25 % by their code, then B (no budget: no rate).
    assert table.rows() == [
        ("C", "Foyer C", 2.0, 1.0, 50.0),
        ("A", "Foyer A", 4.0, 1.0, 25.0),
        ("D", "Foyer D", 8.0, 2.0, 25.0),
        ("B", "Foyer B", 0.0, 0.0, None),
    ]
    assert table.columns == ["establishment_id", "name", "budgeted_fte", "vacant_fte", "vacancy_rate (%)"]


def test_the_ui_shows_the_worst_establishments_and_says_how_many_are_left_out():
    ids = [f"E{i:02}" for i in range(SHOWN_ESTABLISHMENTS + 1)]
    # E00 is the least vacant, E30 the most.
    table = establishments_latest(
        monthly([(e, 10.0, float(i) / 10) for i, e in enumerate(ids)]), None, names(ids), JUNE, "vacancy_rate"
    )
    shown = establishments_metadata(table, JUNE, "vacancy_rate")["establishments"]
    caption, rows = shown.split("\n\n")
    assert caption.startswith("06/2024: the 30 establishments of 31 with the highest vacancy rate;")
    lines = rows.splitlines()[2:]
    assert len(lines) == 30 and lines[0].startswith("| E30 | Foyer E30 |") and lines[-1].startswith("| E01 |")
    assert "E00" not in rows
