"""The `--messy` landing folder: what real HR extracts look like, with a few planted defects.

French headers (from config/column_aliases.yaml), `;` and Windows-1252, a
tab-separated file, UTF-8 with BOM, dd/mm/yyyy dates, decimal commas, oui/non,
one extract split into a CSV and an XLSX, one as Parquet, personal columns the
pipeline must drop (names, NIR, address, comments), and a handful of defective
rows per file, each breaking exactly one ingest rule and recorded in
`_truth/defects.csv` with the row number a spreadsheet shows (header = row 1).
Defects sit on rows nothing else depends on (old rows, or added rows such as a
carer who left long ago), so the planted truth stays valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import yaml

from pipelines.paths import ALIASES_FILE

DEFECT_COLUMNS = ("extract", "source_file", "source_row", "defect", "expected_rule")
FIRST_DATA_ROW = 2
XLSX_MAX_ROWS = 150_000  # keep the spreadsheet part of staff small enough to write quickly

SURNAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Benali",
)
FIRST_F = (
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Sarah",
    "Julie",
    "Nathalie",
    "Sandrine",
    "Isabelle",
    "Émilie",
    "Aurélie",
    "Céline",
    "Sophie",
    "Fatima",
    "Inès",
    "Marie",
    "Élodie",
    "Laetitia",
)
FIRST_M = (
    "Thomas",
    "Nicolas",
    "Julien",
    "Kevin",
    "Mehdi",
    "Antoine",
    "Maxime",
    "Sébastien",
    "Olivier",
    "Yanis",
    "Romain",
    "Pierre",
    "Jérôme",
    "Karim",
)
_STREETS = (
    "rue des Lilas",
    "avenue de la Gare",
    "chemin du Moulin",
    "rue Victor Hugo",
    "impasse des Tilleuls",
    "place de l'Église",
    "route de la Forêt",
    "allée des Cerisiers",
    "rue Jean Jaurès",
    "boulevard Pasteur",
)
_COMMENTS = (
    "",
    "",
    "",
    "",
    "",
    "RAS",
    "temps partiel thérapeutique",
    "à recontacter",
    "dossier incomplet",
    "arrêt maladie en cours",
    "mutation demandée",
    "formation prévue",
    "voir RH",
)


def empty_defects() -> pl.DataFrame:
    """Gives an empty defects table (clean mode)."""
    return pl.DataFrame({c: pl.Series([], dtype=pl.Int64 if c == "source_row" else pl.String) for c in DEFECT_COLUMNS})


@dataclass
class Sheet:
    """One output file being prepared: string cells under canonical names, and the defects planted in it."""

    extract: str
    file: str
    frame: pl.DataFrame  # all String, plus _pos (order), _uid (row identity), _src (row of personal columns)
    defects: list[tuple[int, str, str]] = field(default_factory=list)  # (uid, description, rule)
    used: set[int] = field(default_factory=set)
    next_uid: int = 0
    next_src: int = 0

    @classmethod
    def of(cls, extract: str, file: str, frame: pl.DataFrame) -> Sheet:
        n = frame.height
        framed = frame.with_columns(
            _pos=pl.int_range(n).cast(pl.Float64),
            _uid=pl.int_range(n, dtype=pl.Int64),
            _src=pl.int_range(n, dtype=pl.Int64),
        )
        return cls(extract, file, framed, next_uid=n, next_src=n)

    def free(self, candidates: np.ndarray) -> np.ndarray:
        """Gives the candidate row uids not yet carrying a defect."""
        return np.array([c for c in candidates if int(c) not in self.used], dtype=np.int64)

    def set(self, uid: int, values: dict[str, str | None], description: str, rule: str) -> None:
        """Changes cells of one row and records the defect it now carries."""
        self.frame = self.frame.with_columns(
            [
                pl.when(pl.col("_uid") == uid).then(pl.lit(v, dtype=pl.String)).otherwise(pl.col(k)).alias(k)
                for k, v in values.items()
            ]
        )
        self.used.add(uid)
        self.defects.append((uid, description, rule))

    def insert_after(
        self, uid: int, values: dict[str, str | None], description: str, rule: str, tag_original: bool = False
    ) -> int:
        """Inserts a copy of a row right after it (with `values` changed); gives the new row's uid."""
        row = self.frame.filter(pl.col("_uid") == uid)
        new_uid = self.next_uid
        self.next_uid += 1
        pos = row["_pos"][0] + 0.5
        copy = row.with_columns(
            [pl.lit(v, dtype=pl.String).alias(k) for k, v in values.items()]
            + [pl.lit(pos).alias("_pos"), pl.lit(new_uid, dtype=pl.Int64).alias("_uid")]
        )
        self.frame = pl.concat([self.frame, copy])
        self.used.update({uid, new_uid})
        if tag_original:
            self.defects.append((uid, description, rule))
        self.defects.append((new_uid, description, rule))
        return new_uid

    def append(self, values: dict[str, str | None], description: str | None = None, rule: str | None = None) -> int:
        """Adds a row at the end of the file (carrying a defect when one is named); gives its uid."""
        new_uid, src = self.next_uid, self.next_src
        self.next_uid += 1
        self.next_src += 1
        row = {c: None for c in self.frame.columns if not c.startswith("_")} | values
        frame = pl.DataFrame({k: [v] for k, v in row.items()}, schema={k: pl.String for k in row})
        frame = frame.with_columns(
            _pos=pl.lit(float(1e12 + new_uid)), _uid=pl.lit(new_uid, dtype=pl.Int64), _src=pl.lit(src, dtype=pl.Int64)
        )
        self.frame = pl.concat([self.frame, frame])
        if rule is not None:
            self.used.add(new_uid)
            self.defects.append((new_uid, description or rule, rule))
        return new_uid

    def targets(
        self, rng: np.random.Generator, candidates: np.ndarray, k: int, ghost: dict[str, str | None]
    ) -> list[int]:
        """Gives k rows to plant defects on: free candidates, completed by added rows like `ghost` if too few."""
        picked = _pick(rng, self, candidates, k)
        while len(picked) < k:
            number = self.next_uid
            values = {c: (v.format(n=number) if isinstance(v, str) else v) for c, v in ghost.items()}
            picked.append(self.append(values))
        return picked

    def row(self, uid: int) -> dict[str, str | None]:
        return self.frame.filter(pl.col("_uid") == uid).row(0, named=True)

    def ordered(self) -> pl.DataFrame:
        return self.frame.sort("_pos")

    def defect_rows(self) -> list[dict]:
        """Gives the defects with the row number a spreadsheet shows."""
        order = self.ordered()["_uid"].to_list()
        where = {uid: i + FIRST_DATA_ROW for i, uid in enumerate(order)}
        return [
            dict(extract=self.extract, source_file=self.file, source_row=where[u], defect=d, expected_rule=r)
            for u, d, r in self.defects
        ]


# ---------------------------------------------------------------------------- formatting


def as_text(
    frame: pl.DataFrame,
    dates: str = "%Y-%m-%d",
    decimal_comma: bool = False,
    booleans: tuple[str, str] = ("true", "false"),
) -> pl.DataFrame:
    """Gives every column as text, dates and decimals written the way the file's software writes them."""
    out = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype == pl.Date:
            out.append(col.dt.strftime(dates))
        elif dtype == pl.Boolean:
            out.append(pl.when(col).then(pl.lit(booleans[0])).when(~col).then(pl.lit(booleans[1])))
        elif dtype.is_float():
            text = col.cast(pl.String)
            out.append(text.str.replace(".", ",", literal=True) if decimal_comma else text)
        else:
            out.append(col.cast(pl.String))
    return frame.select([e.alias(n) for e, n in zip(out, frame.columns, strict=True)])


def french_headers(extract: str, which: int = 0) -> dict[str, str]:
    """Gives canonical column -> French header (the `which`-th alias, else the first)."""
    aliases = yaml.safe_load(ALIASES_FILE.read_text(encoding="utf-8"))[extract]
    return {col: names[which] if len(names) > which else names[0] for col, names in aliases.items()}


def write_text(frame: pl.DataFrame, path: Path, separator: str, encoding: str) -> None:
    """Writes a text table; `encoding` is utf-8, utf-8-sig (with BOM) or cp1252 (with Windows line ends)."""
    if encoding == "cp1252":
        path.write_bytes(frame.write_csv(None, separator=separator, line_terminator="\r\n").encode("cp1252"))
        return
    with open(path, "wb") as f:
        if encoding == "utf-8-sig":
            f.write(b"\xef\xbb\xbf")
        frame.write_csv(f, separator=separator)


# ---------------------------------------------------------------------------- personal columns


def personal_columns(sex: pl.Series, birth: pl.Series, rng: np.random.Generator) -> pl.DataFrame:
    """Gives the names, fake NIR, address and comment columns HR software exports next to the data."""
    n = sex.len()
    male = (sex == "M").fill_null(False).to_numpy()
    first = np.where(
        male,
        np.array(FIRST_M)[rng.integers(0, len(FIRST_M), n)],
        np.array(FIRST_F)[rng.integers(0, len(FIRST_F), n)],
    )
    surname = np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n)]
    year = birth.dt.year().fill_null(1980).to_numpy().astype(np.int64) % 100
    month = birth.dt.month().fill_null(1).to_numpy().astype(np.int64)
    body = (
        np.where(male, 1, 2).astype(np.int64) * 10**12
        + year * 10**10
        + month * 10**8
        + rng.integers(1, 96, n) * 10**6
        + rng.integers(1, 999, n) * 10**3
        + rng.integers(1, 999, n)
    )
    # The two-digit key is deliberately wrong (valid key + 1): these numbers are fake by construction.
    key = (97 - body % 97) % 97 + 1
    nir = np.char.add(body.astype(str), np.char.zfill((key % 100).astype(str), 2))
    street = np.array(_STREETS)[rng.integers(0, len(_STREETS), n)]
    address = [
        f"{k} {s}, {p} Ville-Fictive"
        for k, s, p in zip(rng.integers(1, 120, n), street, rng.integers(10, 96, n) * 1000 + 100, strict=True)
    ]
    comment = np.array(_COMMENTS)[rng.integers(0, len(_COMMENTS), n)]
    return pl.DataFrame(
        {
            "Nom": surname,
            "Prénom": first,
            "NIR": nir,
            "Adresse": address,
            "Commentaire": pl.Series(comment).replace("", None),
        }
    )


# ---------------------------------------------------------------------------- the files


def _pick(rng: np.random.Generator, sheet: Sheet, candidates: np.ndarray, k: int) -> list[int]:
    """Gives up to k random candidate rows that carry no defect yet."""
    if candidates.size == 0:
        return []
    drawn = rng.choice(candidates, min(candidates.size, k + len(sheet.used)), replace=False)
    return [int(x) for x in sheet.free(drawn)[:k]]


def _uids(sheet: Sheet, condition: pl.Expr) -> np.ndarray:
    return sheet.frame.filter(condition)["_uid"].to_numpy()


def write_messy(
    tables: dict[str, pl.DataFrame], out: Path, as_of: date, rng: np.random.Generator
) -> tuple[dict[str, int], pl.DataFrame]:
    """Writes every extract the messy way; gives file name -> data rows, and the defects planted."""
    old = as_of - timedelta(days=3 * 365)  # rows older than this feed no feature at the as-of date
    files: dict[str, int] = {}
    defects: list[dict] = []

    def finish(sheet: Sheet, headers: dict[str, str], writer, extra: pl.DataFrame | None = None) -> None:
        frame = sheet.ordered()
        data = frame.drop("_pos", "_uid", "_src")
        if extra is not None:
            data = pl.concat([data, extra[frame["_src"].to_numpy()]], how="horizontal")
        data = data.rename({k: v for k, v in headers.items() if k in data.columns})
        writer(data, out / sheet.file)
        files[sheet.file] = data.height
        defects.extend(sheet.defect_rows())

    semicolon_1252 = lambda f, p: write_text(f, p, ";", "cp1252")  # noqa: E731
    comma_utf8 = lambda f, p: write_text(f, p, ",", "utf-8")  # noqa: E731

    # territories: Windows-1252, `;`, French headers, one exact duplicate.
    s = Sheet.of("territories", "territories.csv", as_text(tables["territories"]))
    s.insert_after(int(rng.integers(0, s.frame.height)), {}, "exact duplicate row", "duplicate")
    finish(s, french_headers("territories"), semicolon_1252)

    # establishments: UTF-8, `,`, canonical headers in capitals; a duplicate and two
    # former services no one refers to (unknown kind, missing name).
    est = tables["establishments"]
    s = Sheet.of("establishments", "establishments.csv", as_text(est))
    s.insert_after(int(rng.integers(0, s.frame.height)), {}, "exact duplicate row", "duplicate")
    territory = est["territory_id"][0]
    s.append(
        {
            "establishment_id": "990009901",
            "name": "Ancien service de suite",
            "kind": "SERVICE_DE_SUITE",
            "territory_id": territory,
            "organisation": est["organisation"][0],
        },
        "kind 'SERVICE_DE_SUITE' is not a contract code",
        "unknown_code",
    )
    s.append(
        {
            "establishment_id": "990009902",
            "name": None,
            "kind": "OTHER",
            "territory_id": territory,
            "organisation": est["organisation"][0],
        },
        "name is empty",
        "required",
    )
    finish(s, {c: c.upper() for c in est.columns}, comma_utf8)

    _staff(tables["staff"], rng, old, s_finish=finish)
    _budget(tables["budgeted_posts"], rng, old, finish)
    _postings(tables["job_postings"], tables["applications"], rng, old, finish)
    _applications(tables["applications"], rng, old, finish)
    _carers(tables["foster_carers"], rng, finish)
    _placements(tables["placements"], rng, old, out, files, defects)
    _events(tables["carer_events"], rng, old, finish)
    _enquiries(tables["carer_enquiries"], rng, old, finish)

    table = pl.DataFrame(defects, schema={c: pl.Int64 if c == "source_row" else pl.String for c in DEFECT_COLUMNS})
    return files, table.sort("extract", "source_file", "source_row")


def _staff(staff: pl.DataFrame, rng: np.random.Generator, old: date, s_finish) -> None:
    """Staff in two exports: an older CSV (Windows-1252, `;`, dd/mm/yyyy, comma) and a recent XLSX."""
    first_year = staff["start_date"].max().year - 10
    last_year = staff["start_date"].max().year
    split = 2021
    while staff.filter(pl.col("start_date").dt.year() >= split).height > XLSX_MAX_ROWS and split < last_year:
        split += 1
    personal = personal_columns(staff["sex"], staff["birth_date"], rng)
    staff = staff.with_row_index("_i")
    contracts = staff.group_by("employee_id").len()
    single = staff.join(contracts.filter(pl.col("len") == 1), on="employee_id", how="semi")
    # Safe rows: the employee's only contract, ended long before the as-of date.
    safe = set(single.filter(pl.col("end_date").is_not_null() & (pl.col("end_date") < old))["_i"].to_list())

    older = staff.filter(pl.col("start_date").dt.year() < split)
    recent = staff.filter(pl.col("start_date").dt.year() >= split)

    # --- CSV part
    text = as_text(older.drop("_i"), dates="%d/%m/%Y", decimal_comma=True)
    # Payroll software writes some codes in lower case (codes match case-insensitively).
    lower = rng.random(text.height) < 0.03
    text = text.with_columns(
        contract_type=pl.when(pl.Series(lower))
        .then(pl.col("contract_type").str.to_lowercase())
        .otherwise(pl.col("contract_type"))
    )
    s = Sheet.of("staff", f"staff_{first_year}-{split - 1}.csv", text)
    ok = np.flatnonzero(older["_i"].is_in(list(safe)).to_numpy())
    picks = iter(_pick(rng, s, ok, 11))

    def nxt() -> int | None:
        return next(picks, None)

    row = s.row
    if (u := nxt()) is not None:
        s.insert_after(u, {}, "exact duplicate row", "duplicate")
    if (u := nxt()) is not None:
        year = int(row(u)["start_date"][-4:])
        s.set(u, {"start_date": f"31/02/{year}"}, "start_date 31/02 does not exist", "invalid_date")
    if (u := nxt()) is not None:
        r = row(u)
        start = date(int(r["start_date"][6:]), int(r["start_date"][3:5]), int(r["start_date"][:2]))
        s.set(
            u,
            {"end_date": (start - timedelta(days=45)).strftime("%d/%m/%Y")},
            "end_date before start_date",
            "date_order",
        )
    if (u := nxt()) is not None:
        s.set(u, {"contract_type": "CDI-TP"}, "contract_type 'CDI-TP' is not a contract code", "unknown_code")
    if (u := nxt()) is not None:
        s.set(u, {"fte": "1,5"}, "fte 1,5 is above 1", "out_of_range")
    if (u := nxt()) is not None:
        s.set(u, {"fte": "0"}, "fte 0 is not above 0", "out_of_range")
    if (u := nxt()) is not None:
        s.set(u, {"birth_date": None}, "birth_date is empty", "required")
    if (u := nxt()) is not None:
        s.set(u, {"establishment_id": "990009999"}, "establishment 990009999 does not exist", "unknown_reference")
    if (u := nxt()) is not None:
        s.set(u, {"exit_reason": None}, "end_date set without exit_reason", "reason_required")
    if (u := nxt()) is not None:
        s.set(u, {"monthly_gross_pay": "NC"}, "monthly_gross_pay 'NC' is not a number", "invalid_number")
    if (u := nxt()) is not None:
        fte = row(u)["fte"]
        s.insert_after(
            u,
            {"fte": "0,5" if fte != "0,5" else "0,8"},
            "contract_id repeated with a different fte",
            "duplicate_key",
            tag_original=True,
        )
    # A few matricules exported with surrounding spaces (the pseudonym ignores them).
    padded = _pick(rng, s, np.arange(min(s.frame.height, 10**9)), 3)
    for u in padded:
        s.frame = s.frame.with_columns(
            employee_id=pl.when(pl.col("_uid") == u)
            .then(pl.format(" {} ", pl.col("employee_id")))
            .otherwise(pl.col("employee_id"))
        )
    s_finish(s, french_headers("staff"), lambda f, p: write_text(f, p, ";", "cp1252"), personal[older["_i"].to_numpy()])

    # --- XLSX part: dates as real Excel dates, second set of French headers.
    typed = recent.drop("_i").with_columns(pl.col("fte").cast(pl.String), pl.col("monthly_gross_pay").cast(pl.String))
    s2 = Sheet.of("staff", f"staff_{split}-{last_year}.xlsx", as_text(typed))
    ok2 = np.flatnonzero(recent["_i"].is_in(list(safe)).to_numpy())
    if ok2.size < 4:
        ok2 = np.arange(s2.frame.height)
    picks2 = _pick(rng, s2, ok2, 4)
    plans = [
        ({"job_family": None}, "job_family is empty", "required"),
        ({"sex": "X"}, "sex 'X' is not a contract code", "unknown_code"),
        ({"fte": "0"}, "fte 0 is not above 0", "out_of_range"),
    ]
    for u, (values, text_, rule) in zip(picks2, plans, strict=False):
        s2.set(u, values, text_, rule)
    if len(picks2) == 4:
        s2.insert_after(picks2[3], {}, "exact duplicate row", "duplicate")
    headers = french_headers("staff", 1)
    dates = [headers[c] for c in ("birth_date", "start_date", "end_date")]
    numbers = [headers[c] for c in ("fte", "monthly_gross_pay")]
    s_finish(s2, headers, lambda f, p: _write_xlsx(f, p, dates, numbers), personal[recent["_i"].to_numpy()])


def _write_xlsx(frame: pl.DataFrame, path: Path, date_cols: list[str], number_cols: list[str]) -> None:
    """Writes rows to a spreadsheet with dates as Excel dates and numbers as numbers."""
    typed = frame.with_columns(
        [pl.col(c).str.strptime(pl.Date, "%Y-%m-%d", strict=False) for c in date_cols]
        + [pl.col(c).cast(pl.Float64, strict=False) for c in number_cols]
    )
    import xlsxwriter

    # A fixed creation date keeps the file identical from one run to the next.
    with xlsxwriter.Workbook(path) as workbook:
        workbook.set_properties({"created": datetime(2026, 1, 1), "author": "Vivier demo"})
        typed.write_excel(
            workbook, worksheet="Contrats", dtype_formats={pl.Date: "dd/mm/yyyy"}, autofilter=False, float_precision=2
        )


def _budget(budget: pl.DataFrame, rng: np.random.Generator, old: date, finish) -> None:
    text = as_text(budget, dates="%d/%m/%Y", decimal_comma=True)
    s = Sheet.of("budgeted_posts", "budgeted_posts.csv", text)
    closed_old = np.flatnonzero((budget["valid_to"].is_not_null() & (budget["valid_to"] < old)).to_numpy())
    picks = _pick(rng, s, closed_old if closed_old.size >= 4 else np.arange(budget.height), 4)
    plans = [
        lambda u, r: s.set(u, {"budgeted_fte": "-1,0"}, "budgeted_fte is negative", "out_of_range"),
        lambda u, r: s.set(u, {"valid_to": _shift(r["valid_from"], -10)}, "valid_to before valid_from", "date_order"),
        lambda u, r: s.set(u, {"budgeted_fte": "trois"}, "budgeted_fte 'trois' is not a number", "invalid_number"),
        lambda u, r: s.insert_after(
            u,
            {"budgeted_fte": _bump(r["budgeted_fte"])},
            "same establishment, job family and valid_from with another budgeted_fte",
            "duplicate_key",
            tag_original=True,
        ),
    ]
    for u, plan in zip(picks, plans, strict=False):
        plan(u, s.row(u))
    finish(s, french_headers("budgeted_posts"), lambda f, p: write_text(f, p, ";", "cp1252"))


def _postings(postings: pl.DataFrame, applications: pl.DataFrame, rng: np.random.Generator, old: date, finish) -> None:
    text = as_text(postings, dates="%d/%m/%Y")
    s = Sheet.of("job_postings", "job_postings.csv", text)
    applied = applications["posting_id"].unique()
    # Postings without applications: a defect there breaks no application's reference.
    # Too few of them (small scale): old cancelled postings are added instead.
    free = np.flatnonzero(
        (
            ~postings["posting_id"].is_in(applied.implode())
            & (postings["opened_date"] < old)
            & (postings["outcome"] != "OPEN")
        ).to_numpy()
    )
    first = postings.row(0, named=True)
    ghost = {
        "posting_id": "OF99{n:05d}",
        "establishment_id": first["establishment_id"],
        "job_family": "ADMINISTRATIF",
        "fte": "1.0",
        "opened_date": "15/03/2019",
        "closed_date": "02/05/2019",
        "outcome": "CANCELLED",
    }
    picks = s.targets(rng, free, 6, ghost)
    plans = [
        lambda u, r: s.insert_after(u, {}, "exact duplicate row", "duplicate"),
        lambda u, r: s.set(u, {"outcome": "POURVU"}, "outcome 'POURVU' is not a contract code", "unknown_code"),
        lambda u, r: s.set(u, {"fte": "1.5"}, "fte 1.5 is above 1", "out_of_range"),
        lambda u, r: s.set(
            u, {"job_family": "EDUC_SPE"}, "job_family 'EDUC_SPE' is not a job family", "unknown_reference"
        ),
        lambda u, r: s.set(u, {"opened_date": None}, "opened_date is empty", "required"),
        lambda u, r: s.set(
            u, {"closed_date": _shift(r["opened_date"], -12)}, "closed_date before opened_date", "date_order"
        ),
    ]
    for u, plan in zip(picks, plans, strict=False):
        plan(u, s.row(u))
    finish(s, french_headers("job_postings"), lambda f, p: write_text(f, p, ",", "utf-8"))


def _applications(apps: pl.DataFrame, rng: np.random.Generator, old: date, finish) -> None:
    text = as_text(apps, booleans=("oui", "non"))
    s = Sheet.of("applications", "applications.csv", text)
    ok = np.flatnonzero(((apps["applied_date"] < old) & (apps["stage_reached"] != "HIRED")).to_numpy())
    picks = _pick(rng, s, ok, 7)
    plans = [
        lambda u, r: s.insert_after(u, {}, "exact duplicate row", "duplicate"),
        lambda u, r: s.set(u, {"withdrawn": "peut-être"}, "withdrawn 'peut-être' is not yes/no", "invalid_boolean"),
        lambda u, r: s.set(u, {"channel": "INDEED"}, "channel 'INDEED' is not a contract code", "unknown_code"),
        lambda u, r: s.set(u, {"posting_id": "OF8888888"}, "posting OF8888888 does not exist", "unknown_reference"),
        lambda u, r: s.set(u, {"channel": None}, "channel is empty", "required"),
        lambda u, r: s.set(
            u,
            {"applied_date": r["applied_date"][:5] + "13" + r["applied_date"][7:]},
            "applied_date has month 13",
            "invalid_date",
        ),
        lambda u, r: s.insert_after(
            u,
            {"stage_reached": "SCREENED" if r["stage_reached"] != "SCREENED" else "APPLIED"},
            "application_id repeated with another stage",
            "duplicate_key",
            tag_original=True,
        ),
    ]
    for u, plan in zip(picks, plans, strict=False):
        plan(u, s.row(u))
    finish(s, french_headers("applications"), lambda f, p: write_text(f, p, ",", "utf-8"))


def _carers(carers: pl.DataFrame, rng: np.random.Generator, finish) -> None:
    """Foster carers (Windows-1252, `;`) with personal columns; defects on former carers added at the end."""
    text = as_text(carers, dates="%d/%m/%Y", decimal_comma=True)
    s = Sheet.of("foster_carers", "foster_carers.csv", text)
    s.insert_after(int(rng.integers(0, carers.height)), {}, "exact duplicate row", "duplicate")
    territory = carers["territory_id"][0]

    def former(k: int, **changes: str | None) -> dict[str, str | None]:
        base = {
            "carer_id": f"AF9{k:05d}",
            "birth_date": "12/05/1951",
            "sex": "F",
            "territory_id": territory,
            "employer_kind": "DEPARTMENT",
            "approval_date": "03/09/1990",
            "approved_places": "2",
            "employment_start_date": "01/01/1991",
            "end_date": "31/05/2014",
            "end_reason": "RETIREMENT",
            "initial_training_done_date": "15/06/1992",
            "distance_to_service_km": "12,5",
        }
        return base | changes

    plans = [
        (former(1, birth_date="31/02/1952"), "birth_date 31/02 does not exist", "invalid_date"),
        (former(2, approved_places="7"), "approved_places 7 is above 6", "out_of_range"),
        (former(3, territory_id=None), "territory_id is empty", "required"),
        (former(4, end_reason=None), "end_date set without end_reason", "reason_required"),
        (former(5, employer_kind="CONSEIL_DEPARTEMENTAL"), "employer_kind is not a contract code", "unknown_code"),
        (former(6, territory_id="T99"), "territory T99 does not exist", "unknown_reference"),
        (former(7, end_date="31/12/1990"), "end_date before employment_start_date", "date_order"),
        (former(8, distance_to_service_km="douze"), "distance 'douze' is not a number", "invalid_number"),
    ]
    for values, description, rule in plans:
        s.append(values, description, rule)
    birth = carers["birth_date"].append(pl.Series([date(1951, 5, 12)] * len(plans)))
    sex = carers["sex"].append(pl.Series(["F"] * len(plans)))
    finish(
        s,
        french_headers("foster_carers"),
        lambda f, p: write_text(f, p, ";", "cp1252"),
        personal_columns(sex, birth, rng),
    )


def _placements(
    placements: pl.DataFrame, rng: np.random.Generator, old: date, out: Path, files: dict, defects: list
) -> None:
    """Placements as Parquet (typed columns, canonical names); defects on placements ended long ago."""
    p = placements.with_row_index("_uid")
    ok = np.flatnonzero((p["end_date"].is_not_null() & (p["end_date"] < old) & (p["start_date"] < old)).to_numpy())
    picks = [int(x) for x in rng.choice(ok, min(5, ok.size), replace=False)] if ok.size else []
    rows = p.to_dicts()
    planned: list[tuple[int, str, str]] = []
    extra_rows: list[tuple[int, dict, str, str]] = []
    for i, u in enumerate(picks):
        r = rows[u]
        if i == 0:
            r["end_date"] = r["start_date"] - timedelta(days=20)
            planned.append((u, "end_date before start_date", "date_order"))
        elif i == 1:
            r["end_reason"] = "FUGUE"
            planned.append((u, "end_reason 'FUGUE' is not a contract code", "unknown_code"))
        elif i == 2:
            r["carer_id"] = "AF999999"
            planned.append((u, "carer AF999999 does not exist", "unknown_reference"))
        elif i == 3:
            r["child_id"] = None
            planned.append((u, "child_id is empty", "required"))
        else:
            extra_rows.append((u, dict(r), "exact duplicate row", "duplicate"))
    order: list[dict] = []
    numbers: dict[int, int] = {}
    for r in rows:
        numbers[r["_uid"]] = len(order) + FIRST_DATA_ROW
        order.append(r)
        for u, copy, description, rule in extra_rows:
            if u == r["_uid"]:
                order.append(copy)
                defects.append(
                    dict(
                        extract="placements",
                        source_file="placements.parquet",
                        source_row=len(order) - 1 + FIRST_DATA_ROW,
                        defect=description,
                        expected_rule=rule,
                    )
                )
    for u, description, rule in planned:
        defects.append(
            dict(
                extract="placements",
                source_file="placements.parquet",
                source_row=numbers[u],
                defect=description,
                expected_rule=rule,
            )
        )
    frame = pl.DataFrame(order, schema=p.schema).drop("_uid")
    frame.write_parquet(out / "placements.parquet")
    files["placements.parquet"] = frame.height


def _events(events: pl.DataFrame, rng: np.random.Generator, old: date, finish) -> None:
    """Carer events as a tab-separated UTF-8 file, dd/mm/yyyy; defects on old events."""
    text = as_text(events, dates="%d/%m/%Y", decimal_comma=True)
    s = Sheet.of("carer_events", "carer_events.csv", text)
    ok = np.flatnonzero(
        ((events["event_date"] < old) & events["event_type"].is_in(["SUPPORT_VISIT", "PEER_GROUP"])).to_numpy()
    )
    respite = np.flatnonzero(((events["event_date"] < old) & (events["event_type"] == "RESPITE_DAY")).to_numpy())
    picks = _pick(rng, s, ok, 5)
    plans = [
        lambda u, r: s.insert_after(u, {}, "exact duplicate row", "duplicate"),
        lambda u, r: s.set(u, {"event_type": "VISITE"}, "event_type 'VISITE' is not a contract code", "unknown_code"),
        lambda u, r: s.set(
            u, {"event_date": "31/04/" + r["event_date"][-4:]}, "event_date 31/04 does not exist", "invalid_date"
        ),
        lambda u, r: s.set(u, {"carer_id": "AF999998"}, "carer AF999998 does not exist", "unknown_reference"),
        lambda u, r: s.set(u, {"event_date": None}, "event_date is empty", "required"),
    ]
    for u, plan in zip(picks, plans, strict=False):
        plan(u, s.row(u))
    for u, (values, description, rule) in zip(
        _pick(rng, s, respite, 2),
        [
            ({"days": "-2"}, "days -2 is negative", "out_of_range"),
            ({"days": "deux"}, "days 'deux' is not a number", "invalid_number"),
        ],
        strict=False,
    ):
        s.set(u, values, description, rule)
    finish(s, french_headers("carer_events"), lambda f, p: write_text(f, p, "\t", "utf-8"))


def _enquiries(enquiries: pl.DataFrame, rng: np.random.Generator, old: date, finish) -> None:
    """Carer enquiries as UTF-8 with BOM, `;`, dd/mm/yyyy; defects on old enquiries that led to no carer."""
    text = as_text(enquiries, dates="%d/%m/%Y")
    s = Sheet.of("carer_enquiries", "carer_enquiries.csv", text)
    base = (enquiries["enquiry_date"] < old) & enquiries["carer_id"].is_null()
    ok = np.flatnonzero(base.to_numpy())
    decided = np.flatnonzero((base & enquiries["decision"].is_not_null()).to_numpy())
    picks = _pick(rng, s, decided, 2)
    if picks:
        r = s.frame.filter(pl.col("_uid") == picks[0]).row(0, named=True)
        s.set(
            picks[0],
            {"decision_date": _shift(r["enquiry_date"], -30)},
            "decision_date before enquiry_date",
            "date_order",
        )
    if len(picks) > 1:
        s.set(picks[1], {"decision": "ACCEPTE"}, "decision 'ACCEPTE' is not a contract code", "unknown_code")
    plans = [
        lambda u, r: s.insert_after(u, {}, "exact duplicate row", "duplicate"),
        lambda u, r: s.set(u, {"territory_id": "T99"}, "territory T99 does not exist", "unknown_reference"),
        lambda u, r: s.set(u, {"enquiry_date": None}, "enquiry_date is empty", "required"),
        lambda u, r: s.set(
            u, {"enquiry_date": "31/06/" + r["enquiry_date"][-4:]}, "enquiry_date 31/06 does not exist", "invalid_date"
        ),
    ]
    for u, plan in zip(_pick(rng, s, ok, 4), plans, strict=False):
        plan(u, s.row(u))
    finish(s, french_headers("carer_enquiries"), lambda f, p: write_text(f, p, ";", "utf-8-sig"))


def _shift(text: str, days: int) -> str:
    """Gives a dd/mm/yyyy date moved by some days."""
    d = date(int(text[6:]), int(text[3:5]), int(text[:2])) + timedelta(days=days)
    return d.strftime("%d/%m/%Y")


def _bump(text: str) -> str:
    """Gives a decimal-comma number plus one."""
    return f"{float(text.replace(',', '.')) + 1:.2f}".replace(".", ",")
