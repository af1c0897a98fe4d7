"""The demo's monthly DSN files (`vivier demo-data --dsn`): format, coverage and the messy cases.

`read_back` is a small, slow reader of contract section 2b written for these tests only (the
project's reader is pipelines/ingest): it checks that the files give back the staff
`expected_staff` describes, clean and messy.
"""

from __future__ import annotations

import calendar
import csv
import json
import unicodedata
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from pipelines.demo import dsn, generate_demo
from pipelines.demo.config import build_config
from pipelines.demo.generate import build_tables
from pipelines.paths import REFERENCE_DIR

# Contract 2b, restated: nature -> contract_type, and the exit reason families.
NATURES = {"01": "CDI", "07": "CDI", "09": "CDI", "02": "CDD", "08": "CDD", "10": "CDD", "03": "INTERIM"}
NATURES["50"] = "CIVIL_SERVANT"
FAMILIES = {
    "RESIGNATION": "059 037",
    "MUTUAL_AGREEMENT": "043 084",
    "END_OF_FIXED_TERM": "031 032 081",
    "END_OF_TRIAL": "034 035",
    "RETIREMENT": "038 039",
    "DISMISSAL": "011 012 014 015 020 025 026 036 087 088 089 091 092 093",
    "DEATH": "066",
    "INTERNAL_TRANSFER": "998",
}
REASON_OF = {code: reason for reason, codes in FAMILIES.items() for code in codes.split()}


def _norm(text: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return plain.lower().replace(" ", "")


def _mapping() -> tuple[dict[str, str], dict[str, str]]:
    by_label, by_code = {}, {}
    with open(REFERENCE_DIR / "pcs_job_families.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["emploi_label"]:
                by_label[_norm(row["emploi_label"])] = row["job_family"]
            else:
                by_code[row["pcs_ese"].lower()] = row["job_family"]
    return by_label, by_code


BY_LABEL, BY_CODE = _mapping()


def family_of(pcs: str, title: str) -> str | None:
    return BY_LABEL.get(_norm(title)) or BY_CODE.get(pcs.lower())


def _date(text: str) -> date:
    return date(int(text[4:]), int(text[2:4]) or 1, int(text[:2]) or 1)


def parse(path: Path) -> list[tuple[str, str]]:
    """Gives the (rubric, value) pairs of a DSN file."""
    pairs = []
    for line in path.read_bytes().decode(dsn.ENCODING).split("\n")[:-1]:
        rubric, _, value = line.partition(",")
        assert value[:1] == "'" and value[-1:] == "'", (path.name, line)
        pairs.append((rubric, value[1:-1]))
    return pairs


def declarations(folder: Path) -> list[dict]:
    """Gives every declaration of the dsn* files in reading order, with its header rubrics and its S21 rows."""
    out = []
    for path in sorted(p for p in folder.iterdir() if p.name.lower().startswith("dsn")):
        current = None
        for rubric, value in parse(path):
            if rubric == "S20.G00.05.001":
                current = {"file": path.name, "rows": []}
                out.append(current)
            if rubric.startswith(("S20.", "S21.G00.06.", "S21.G00.11.")):
                current[rubric] = value
            elif rubric.startswith("S21."):
                current["rows"].append((rubric, value))
    return out


def in_force(decls: list[dict]) -> dict[tuple[str, str], dict]:
    """Gives (SIRET, month) -> the monthly declaration in force (01/02/03/05 replace, 04 removes)."""
    state: dict[tuple[str, str], dict] = {}
    for d in decls:
        if d["S20.G00.05.001"] != "01":
            continue
        key = (d["S21.G00.06.001"] + d["S21.G00.11.001"], d["S20.G00.05.005"])
        if d["S20.G00.05.002"] == "04":
            state.pop(key, None)
        else:
            state[key] = d
    return state


def read_back(folder: Path, establishments: pl.DataFrame) -> pl.DataFrame:
    """Gives the staff rows contract 2b reads from the DSN files of `folder`."""
    est_of = dict(zip(establishments["siret"], establishments["establishment_id"], strict=True))
    contracts: dict[tuple, dict] = {}
    pay_lines: dict[tuple, list] = {}
    for (siret, _month), decl in sorted(in_force(declarations(folder)).items(), key=lambda kv: _date(kv[0][1])):
        person: dict = {}
        blocks: list[dict] = []
        for rubric, value in decl["rows"]:
            block = rubric[:10]
            if rubric == "S21.G00.30.001":
                person = {}
            if block == "S21.G00.30":
                person[rubric] = value
            elif rubric == "S21.G00.40.001":
                blocks.append({"person": person})
            if block in ("S21.G00.40", "S21.G00.62"):
                blocks[-1][rubric] = value
            if rubric == "S21.G00.51.001":
                pay_lines.setdefault((siret[:9], person["S21.G00.30.019"]), []).append({})
            if block == "S21.G00.51":
                pay_lines[(siret[:9], person["S21.G00.30.019"])][-1][rubric] = value
        for c in blocks:
            if c.get("S21.G00.40.008") in ("64", "65"):
                ctype = "APPRENTICE"
            elif c["S21.G00.40.007"] in NATURES:
                ctype = NATURES[c["S21.G00.40.007"]]
            else:
                continue  # not an employment contract
            p = c["person"]
            employee = p["S21.G00.30.019"]
            key = (siret[:9], employee, c["S21.G00.40.009"], c["S21.G00.40.001"])
            row = contracts.setdefault(key, {"end_date": None, "exit_reason": None})
            full = c["S21.G00.40.014"] == "10"
            row.update(
                employee_id=employee,
                contract_id=c["S21.G00.40.009"],
                birth_date=_date(p["S21.G00.30.006"]),
                sex={"01": "M", "02": "F"}[p["S21.G00.30.005"]],
                job_family=family_of(c["S21.G00.40.004"], c["S21.G00.40.006"]),
                establishment_id=est_of.get(c.get("S21.G00.40.019") or siret),
                contract_type=ctype,
                fte=1.0 if full else round(float(c["S21.G00.40.013"]) / float(c["S21.G00.40.012"]), 4),
                start_date=_date(c["S21.G00.40.001"]),
            )
            if "S21.G00.62.001" in c:
                row["end_date"] = _date(c["S21.G00.62.001"])
                row["exit_reason"] = REASON_OF.get(c["S21.G00.62.002"], "OTHER")
    for (siren, employee, number, _), row in contracts.items():
        whole: dict[date, float] = {}
        for line in pay_lines.get((siren, employee), []):
            start, end = _date(line["S21.G00.51.001"]), _date(line["S21.G00.51.002"])
            last = calendar.monthrange(start.year, start.month)[1]
            if line["S21.G00.51.010"] == number and line["S21.G00.51.011"] == "001" and start.day == 1:
                if end == start.replace(day=last):
                    whole[start] = whole.get(start, 0.0) + float(line["S21.G00.51.013"])
        row["monthly_gross_pay"] = round(whole[min(whole)] / row["fte"], 2) if whole else None
    columns = [
        "employee_id",
        "contract_id",
        "birth_date",
        "sex",
        "job_family",
        "establishment_id",
        "contract_type",
        "fte",
        "start_date",
        "end_date",
        "exit_reason",
        "monthly_gross_pay",
    ]
    frame = pl.DataFrame([{c: r[c] for c in columns} for r in contracts.values()], orient="row")
    return frame.sort("employee_id", "start_date", "contract_id")


def _compare(got: pl.DataFrame, want: pl.DataFrame) -> None:
    got = got.select(want.columns).cast(want.schema)
    assert got.height == want.height
    for column in want.columns:
        diff = got.filter(got[column].ne_missing(want[column]))
        assert diff.is_empty(), (column, diff.head(), want.filter(got[column].ne_missing(want[column])).head())


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def small():
    """The small scale's tables and config, seed 42."""
    config = build_config("small", 42)
    tables, _, _ = build_tables(config)
    return config, tables


@pytest.fixture(scope="module")
def clean_dsn(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dsn_clean")
    generate_demo(out, scale="small", seed=42, dsn=True)
    return out


@pytest.fixture(scope="module")
def messy_dsn(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dsn_messy")
    generate_demo(out, scale="small", seed=42, messy=True, dsn=True)
    return out


def _establishments(folder: Path) -> pl.DataFrame:
    est = pl.read_csv(folder / "establishments.csv", infer_schema=False)
    return est.rename({c: c.lower() for c in est.columns}).filter(pl.col("siret").is_not_null())


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.lower().startswith("dsn"))


# ---------------------------------------------------------------------------- mapping


def test_every_demo_job_gives_its_family_back():
    for fam, options in dsn.JOBS.items():
        for pcs, man, woman in options:
            assert family_of(pcs, man) == fam, (pcs, man)
            assert family_of(pcs, woman) == fam, (pcs, woman)
            assert family_of(pcs, dsn.plain(man).upper()) == fam
    # One code, two families: the title decides.
    assert family_of("434a", "Chef de service éducatif") == "CHEF_DE_SERVICE"
    assert family_of("434a", "DIRECTRICE D'ETABLISSEMENT") == "DIRECTION"


def test_pcs_mapping_is_sourced_and_uses_known_families():
    families = set(pl.read_csv(REFERENCE_DIR / "job_families.csv")["job_family"])
    rows = pl.read_csv(REFERENCE_DIR / "pcs_job_families.csv", infer_schema=False)
    assert rows.columns == ["pcs_ese", "emploi_label", "job_family", "source"]
    assert set(rows["job_family"]) <= families
    assert rows["source"].str.len_chars().min() > 20
    assert rows["pcs_ese"].str.contains(r"^\d{3}[a-z]$").all()
    assert not rows.select("pcs_ese", "emploi_label").is_duplicated().any()
    labels = rows.filter(pl.col("emploi_label").is_not_null())
    assert (labels["source"].str.starts_with("Job title")).all()


def test_exit_codes_fall_in_their_family():
    for reason, codes in dsn.EXIT_CODES.items():
        for code in codes:
            assert REASON_OF.get(code, "OTHER") == reason, (reason, code)


def test_luhn_keys():
    assert dsn.luhn_key("7992739871") == "3"  # the textbook Luhn example, 79927398713
    assert dsn.slug("Association Sauvegarde de l'Enfance") == "sauvegarde-de-l-enfance"


# ---------------------------------------------------------------------------- clean files


def test_clean_files(clean_dsn, small):
    config, tables = small
    assert not (clean_dsn / "staff.csv").exists()
    est = _establishments(clean_dsn)
    assert est.height == tables["establishments"].height
    assert est["siret"].str.contains(r"^\d{14}$").all()
    assert (est["siret"].str.slice(0, 9).n_unique()) == est["organisation"].n_unique()
    files = _files(clean_dsn)
    first_m, last_m = dsn.covered_range(config.as_of, config.history_months)
    assert len(files) == last_m - first_m + 1  # one organisation: one file a month
    for path in files:
        assert path.name.startswith("dsn_") and path.suffix == ".dsn"
        pairs = parse(path)  # decodes as ISO-8859-1, one RUBRIC,'value' a line
        assert pairs[-2] == ("S90.G00.90.001", str(len(pairs)))
        s20 = [v for r, v in pairs if r == "S20.G00.05.001"]
        assert pairs[-1] == ("S90.G00.90.002", str(len(s20)))
        # One declaration per establishment (small: no head office declares for the others).
        nics = [v for r, v in pairs if r == "S21.G00.11.001"]
        assert len(nics) == len(set(nics)) <= est.height
        assert path.read_bytes().decode("iso-8859-1").encode("iso-8859-1") == path.read_bytes()
    truth = json.loads((clean_dsn / "_truth" / "dsn.json").read_text(encoding="utf-8"))
    assert truth["files"] == len(files) and truth["head_offices"] == {}


def test_clean_files_give_back_the_staff(clean_dsn, small):
    config, tables = small
    want = dsn.expected_staff(tables["staff"], config.as_of, config.history_months)
    got = read_back(clean_dsn, _establishments(clean_dsn))
    _compare(got, want)
    # Against staff.csv: every contract active in the range, its start and its exit in the range.
    first_m, _ = dsn.covered_range(config.as_of, config.history_months)
    first = date(first_m // 12, first_m % 12 + 1, 1)
    staff = tables["staff"]
    active = staff.filter(pl.col("end_date").is_null() | (pl.col("end_date") >= first))
    assert set(got["contract_id"]) == set(active["contract_id"])
    joined = active.join(got, on="contract_id", suffix="_dsn")
    assert (joined["start_date"] == joined["start_date_dsn"]).all()
    ended = joined.filter(pl.col("end_date") <= config.as_of)
    assert ended.height > 50
    assert (ended["end_date"] == ended["end_date_dsn"]).all()
    assert (ended["exit_reason"] == ended["exit_reason_dsn"]).all()
    assert set(ended["exit_reason"]) >= {"RESIGNATION", "END_OF_FIXED_TERM", "DISMISSAL", "INTERNAL_TRANSFER"}
    # Pay: equal to staff.csv but for a cent or two on part-time contracts (the monthly amount is rounded
    # to cents before the division by fte); empty without a whole month declared.
    paid = joined.filter(pl.col("monthly_gross_pay_dsn").is_not_null())
    assert ((paid["monthly_gross_pay"] - paid["monthly_gross_pay_dsn"]).abs() <= 0.021).all()
    assert (
        paid.filter(pl.col("fte") == 1)["monthly_gross_pay"] == paid.filter(pl.col("fte") == 1)["monthly_gross_pay_dsn"]
    ).all()


def test_head_office_declares_for_its_establishments(small, tmp_path):
    """An organisation declaring from its head office: one S20 a month, the place of work in S21.G00.40.019."""
    config, tables = small
    est = dsn.add_sirets(tables["establishments"], np.random.default_rng(1))
    hq = est.filter(pl.col("kind") == "HEADQUARTERS")["siret"][0]
    staff = tables["staff"]
    # An empty organisation put first makes Horizon Enfance the second (index 1): it declares from its head office.
    other = est.with_columns(organisation=pl.lit("Association Premier"), siret=pl.lit("99999999999999")).head(1)
    other = other.with_columns(establishment_id=pl.lit("X"))
    both = pl.concat([other, est])
    dsn.write_dsn(staff, both, tmp_path, config.as_of, config.history_months, np.random.default_rng(2))
    files = [p for p in _files(tmp_path) if "horizon" in p.name]
    assert files
    for path in files[:12]:
        pairs = parse(path)
        assert [v for r, v in pairs if r == "S21.G00.11.001"] == [hq[9:]]
        places = {v for r, v in pairs if r == "S21.G00.40.019"}
        assert places <= set(est["siret"]) and len(places) >= 2
    got = read_back(tmp_path, both)
    _compare(got, dsn.expected_staff(staff, config.as_of, config.history_months))


# ---------------------------------------------------------------------------- messy files


def test_messy_files_give_back_the_same_staff(messy_dsn, small):
    config, tables = small
    want = dsn.expected_staff(tables["staff"], config.as_of, config.history_months)
    _compare(read_back(messy_dsn, _establishments(messy_dsn)), want)
    assert not list(messy_dsn.glob("staff*"))
    defects = pl.read_csv(messy_dsn / "_truth" / "defects.csv")
    assert "staff" not in set(defects["extract"])


def test_messy_cases_are_planted(messy_dsn):
    truth = json.loads((messy_dsn / "_truth" / "dsn.json").read_text(encoding="utf-8"))
    decls = declarations(messy_dsn)

    def of(siret: str, month: str) -> list[dict]:
        code = f"01{month[5:7]}{month[:4]}"
        return [d for d in decls if d["S21.G00.06.001"] + d["S21.G00.11.001"] == siret and d["S20.G00.05.005"] == code]

    # Replaced: a first version (type 01) then a type 03 in the next file by name, with the right data.
    case = truth["replaced"]
    first, second = of(case["siret"], case["month"])
    assert (first["file"], first["S20.G00.05.002"]) == (case["first_version_file"], "01")
    assert (second["file"], second["S20.G00.05.002"]) == (case["replacement_file"], "03")
    assert case["first_version_file"] < case["replacement_file"]
    left_out = case["first_version"]["employee_left_out"]
    assert ("S21.G00.30.019", left_out) not in first["rows"] and ("S21.G00.30.019", left_out) in second["rows"]
    # Cancelled: a spurious declaration under an unknown SIRET, then a type 04 for it.
    case = truth["cancelled"]
    spurious, cancel = of(case["siret"], case["month"])
    assert spurious["S20.G00.05.002"] == "01" and spurious["rows"]
    assert (cancel["file"], cancel["S20.G00.05.002"], cancel["rows"]) == (case["cancelling_file"], "04", [])
    assert len(of(case["copy_of_siret"], case["month"])) == 1
    # Missing month: nothing for that SIRET and month; declarations the month before and after.
    case = truth["missing_month"]
    year, month = int(case["month"][:4]), int(case["month"][5:])
    before = f"{year - (month == 1)}-{(month - 2) % 12 + 1:02d}"
    after = f"{year + (month == 12)}-{month % 12 + 1:02d}"
    assert of(case["siret"], case["month"]) == []
    assert len(of(case["siret"], before)) == 1
    (nxt,) = of(case["siret"], after)
    for contract in case["exits_declared_next_month"]:
        i = nxt["rows"].index(("S21.G00.40.009", contract))
        ends = [v for r, v in nxt["rows"][i:] if r == "S21.G00.62.001"]
        assert _date(ends[0]).strftime("%Y-%m") == case["month"]
    periods = {v for r, v in nxt["rows"] if r == "S21.G00.51.001"}
    assert f"01{month:02d}{year}" in periods  # that month's pay, declared late
    # Sick-leave notice: a nature 04 declaration after the month's DSN, with an S21.G00.60 block.
    case = truth["sick_leave_notice"]
    monthly, notice = of(case["siret"], case["month"])
    assert (monthly["S20.G00.05.001"], notice["S20.G00.05.001"]) == ("01", "04")
    assert notice["file"] == case["file"] and monthly["file"] < notice["file"]
    assert ("S21.G00.60.001", "01") in notice["rows"]
    # Interns, type 002 pay lines, accents, Corsican NIRs, job titles in other forms.
    rows = [pair for d in decls for pair in d["rows"]]
    assert sum(1 for r, v in rows if r == "S21.G00.40.007" and v == "29") == truth["interns"]["contract_blocks"] > 0
    assert any(r == "S21.G00.51.011" and v == "002" for r, v in rows)
    names = {v for r, v in rows if r in ("S21.G00.30.002", "S21.G00.30.004")}
    assert any(any(c in n for c in "éèëïçÉ") for n in names)
    assert any(r == "S21.G00.30.001" and v[5:7] in ("2A", "2B") for r, v in rows)
    titles = {v for r, v in rows if r == "S21.G00.40.006"}
    assert any(t.isupper() for t in titles) and any("  " in t for t in titles)
