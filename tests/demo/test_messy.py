"""The messy landing folder looks like real extracts, and every recorded defect is really there."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import yaml

from tests.demo.test_generate import CODES, REQUIRED, read

ALIASES = yaml.safe_load((Path(__file__).resolve().parents[2] / "config" / "column_aliases.yaml").read_text("utf-8"))
KEYS = {
    "territories": ["territory_id"],
    "establishments": ["establishment_id"],
    "staff": ["contract_id"],
    "budgeted_posts": ["establishment_id", "job_family", "valid_from"],
    "job_postings": ["posting_id"],
    "applications": ["application_id"],
    "foster_carers": ["carer_id"],
    "placements": ["placement_id"],
    "carer_enquiries": ["enquiry_id"],
}
DATE_ORDER = {
    "staff": [("start_date", "end_date")],
    "budgeted_posts": [("valid_from", "valid_to")],
    "job_postings": [("opened_date", "closed_date")],
    "foster_carers": [("employment_start_date", "end_date")],
    "placements": [("start_date", "end_date")],
    "carer_enquiries": [("enquiry_date", "application_date"), ("enquiry_date", "decision_date")],
}
REASONS = {"staff": ("end_date", "exit_reason"), "foster_carers": ("end_date", "end_reason")}
REFERENCES = {
    "establishment_id": ("establishments", "establishment_id"),
    "territory_id": ("territories", "territory_id"),
    "carer_id": ("foster_carers", "carer_id"),
    "posting_id": ("job_postings", "posting_id"),
}
NUMBERS = {
    "fte": (0.0, 1.0, True),
    "budgeted_fte": (0.0, None, False),
    "monthly_gross_pay": (0.0, None, False),
    "approved_places": (1.0, 6.0, False),
    "distance_to_service_km": (0.0, None, False),
    "days": (0.0, None, False),
}
BOOLEANS = {"withdrawn", "complex_needs"}


def normal(header: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", header.replace("\ufeff", ""))
    return re.sub(r"[^a-z0-9]", "", "".join(ch for ch in plain if not unicodedata.combining(ch)).lower())


def canonical(extract: str, headers: list[str]) -> list[str | None]:
    """Gives the contract column of each header (None for columns the pipeline drops)."""
    known = {normal(c): c for c in REQUIRED[extract]}
    for column, names in ALIASES.get(extract, {}).items():
        known[normal(column)] = column
        for name in names:
            known.setdefault(normal(name), column)
    return [known.get(normal(h)) for h in headers]


def read_rows(path: Path) -> tuple[list[str], list[list[str | None]]]:
    """Gives a file's header and rows as text, whatever its format (row i is spreadsheet row i + 2)."""
    if path.suffix == ".parquet":
        frame = pl.read_parquet(path)
        frame = frame.with_columns(pl.col(pl.Date).dt.strftime("%Y-%m-%d")).with_columns(pl.all().cast(pl.String))
        return frame.columns, [list(r) for r in frame.iter_rows()]
    if path.suffix == ".xlsx":
        import fastexcel

        frame = fastexcel.read_excel(path.read_bytes()).load_sheet(0, dtypes="string").to_polars()
        frame = frame.with_columns(pl.all().str.replace(r" 00:00:00$", ""))
        return frame.columns, [list(r) for r in frame.iter_rows()]
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    first = text.split("\n", 1)[0]
    separator = max(";,\t", key=first.count)
    rows = list(csv.reader(io.StringIO(text), delimiter=separator))
    return rows[0], [[v if v != "" else None for v in r] for r in rows[1:]]


def records(folder: Path, extract: str, source_file: str) -> list[dict[str, str | None]]:
    headers, rows = read_rows(folder / source_file)
    names = canonical(extract, headers)
    return [{n: (v.strip() if isinstance(v, str) else v) for n, v in zip(names, r, strict=False) if n} for r in rows]


def parse_date(text: str | None) -> date | None:
    if text is None:
        return None
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            from datetime import datetime

            return datetime.strptime(text, pattern).date()
        except ValueError:
            pass
    return None


def number(text: str | None) -> float | None:
    try:
        return float(text.replace(",", ".")) if text is not None else None
    except ValueError:
        return None


def breaks(rule: str, extract: str, row: dict, rows: list[dict], index: int, clean: Path) -> bool:
    """Tells whether a row breaks a rule (checked independently of the ingest code)."""
    if rule == "duplicate":
        return any(other == row for other in rows[:index])
    if rule == "duplicate_key":
        key = [row[k] for k in KEYS[extract]]
        return any([o[k] for k in KEYS[extract]] == key and o != row for o in rows)
    if rule == "required":
        return any(row.get(c) is None for c in REQUIRED[extract])
    if rule == "invalid_date":
        return any(
            v is not None and parse_date(v) is None for c, v in row.items() if "date" in c or c.startswith("valid_")
        )
    if rule == "invalid_number":
        return any(row.get(c) is not None and number(row[c]) is None for c in NUMBERS)
    if rule == "invalid_boolean":
        return any(
            row.get(c) is not None and row[c].lower() not in {"true", "false", "oui", "non", "1", "0"} for c in BOOLEANS
        )
    if rule == "unknown_code":
        return any(
            row.get(c) is not None and row[c].upper() not in codes for (e, c), codes in CODES.items() if e == extract
        )
    if rule == "out_of_range":
        for c, (low, high, low_open) in NUMBERS.items():
            value = number(row.get(c))
            if value is not None and (
                (value <= low if low_open else value < low) or (high is not None and value > high)
            ):
                return True
        return False
    if rule == "date_order":
        return any(
            parse_date(row.get(b)) and parse_date(row.get(a)) and parse_date(row[b]) < parse_date(row[a])
            for a, b in DATE_ORDER.get(extract, [])
        )
    if rule == "reason_required":
        end, reason = REASONS[extract]
        return row.get(end) is not None and row.get(reason) is None
    if rule == "unknown_reference":
        for column, (other, key) in REFERENCES.items():
            if column in row and row[column] is not None and not (extract == other and column == key):
                if row[column] not in set(read(clean, other)[key]):
                    return True
        return row.get("job_family") is not None and row["job_family"] not in set(read(clean, "staff")["job_family"])
    raise AssertionError(f"unknown rule {rule}")


def test_headers_are_french_and_the_staff_csv_is_windows_1252_with_french_dates(messy):
    path = next(messy.glob("staff_*.csv"))
    data = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("cp1252")
    header = text.split("\r\n", 1)[0].split(";")
    assert header[:3] == ["Matricule", "N° contrat", "Date de naissance"]
    assert {"Date d'entrée", "ETP", "Nom", "Prénom", "NIR", "Adresse", "Commentaire"} <= set(header)
    assert re.search(r";\d{2}/\d{2}/\d{4};", text) and not re.search(r"\d{4}-\d{2}-\d{2}", text)
    assert re.search(r";0,[58];", text)  # decimal commas in fte


def test_personal_numbers_look_like_nir_but_are_fake(messy):
    headers, rows = read_rows(next(messy.glob("staff_*.csv")))
    nir = [r[headers.index("NIR")] for r in rows]
    assert all(re.fullmatch(r"[12]\d{14}", n) for n in nir)
    assert all((97 - int(n[:13]) % 97) != int(n[13:]) for n in nir)  # the control key never matches


def test_formats_vary_by_file(messy):
    names = sorted(p.name for p in messy.iterdir() if p.is_file())
    assert "placements.parquet" in names
    assert [n for n in names if n.startswith("staff_")] == ["staff_2016-2020.csv", "staff_2021-2026.xlsx"]
    assert (messy / "carer_enquiries.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "\t" in (messy / "carer_events.csv").read_text("utf-8").split("\n", 1)[0]
    assert (messy / "applications.csv").read_text("utf-8").count(",non\n") > 0
    xlsx = pl.read_excel(messy / "staff_2021-2026.xlsx")
    assert xlsx.schema["Date de début"] == pl.Date and "N° salarié" in xlsx.columns


def test_messy_and_clean_hold_the_same_contracts(clean, messy):
    ids = set()
    for source in ("staff_2016-2020.csv", "staff_2021-2026.xlsx"):
        ids |= {r["contract_id"] for r in records(messy, "staff", source)}
    assert ids == set(read(clean, "staff")["contract_id"])


def test_defects_point_to_rows_that_carry_them(clean, messy):
    defects = pl.read_csv(messy / "_truth" / "defects.csv")
    assert defects.height >= 40
    assert set(defects["expected_rule"]) == {
        "duplicate",
        "duplicate_key",
        "required",
        "invalid_date",
        "invalid_number",
        "invalid_boolean",
        "unknown_code",
        "out_of_range",
        "date_order",
        "reason_required",
        "unknown_reference",
    }
    for (extract, source), group in defects.group_by("extract", "source_file", maintain_order=True):
        rows = records(messy, extract, source)
        for d in group.iter_rows(named=True):
            index = d["source_row"] - 2
            assert breaks(d["expected_rule"], extract, rows[index], rows, index, clean), d


def test_rows_without_defects_break_no_rule(clean, messy):
    defects = pl.read_csv(messy / "_truth" / "defects.csv")
    for source, extract in (
        ("staff_2016-2020.csv", "staff"),
        ("foster_carers.csv", "foster_carers"),
        ("carer_enquiries.csv", "carer_enquiries"),
        ("job_postings.csv", "job_postings"),
    ):
        rows = records(messy, extract, source)
        flagged = set(defects.filter(pl.col("source_file") == source)["source_row"])
        for index, row in enumerate(rows):
            if index + 2 in flagged:
                continue
            for rule in ("required", "invalid_date", "invalid_number", "unknown_code", "out_of_range", "date_order"):
                assert not breaks(rule, extract, row, rows, index, clean), (source, index + 2, rule)


def test_same_seed_gives_identical_messy_bytes(messy, tmp_path):
    from pipelines.demo import generate_demo

    generate_demo(tmp_path, scale="small", seed=42, messy=True)
    for path in sorted(messy.rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (tmp_path / path.relative_to(messy)).read_bytes(), path.name
