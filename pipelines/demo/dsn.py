"""The staff of the demo careers as monthly DSN files (norme NEODeS), for `vivier demo-data --dsn`.

One envoi a month per organisation, `dsn_<organisation>_<AAAAMM>.dsn`, ISO-8859-1, one
`RUBRIC,'value'` a line, dates JJMMAAAA, amounts with a dot. Each file holds the software and
sender (S10), then one monthly declaration (S20.G00.05) per declaring SIRET with its company
(S21.G00.06) and establishment (S21.G00.11), each individual (S21.G00.30) with their contracts
(S21.G00.40, followed by S21.G00.62 in the month the contract ends) and their pay (S21.G00.50,
then one S21.G00.51 line set per contract and period), and the totals (S90.G00.90).

Every code is the reverse of contract section 2b, so that a reader of 2b gives back the staff
extract (`expected_staff` says what it gives exactly: planned end dates after the as-of date are
not in a DSN, and the pay is that of the first whole month, so contracts never declared for a
whole month have none). A contract is declared in every month of the covered range (12 months
before the reported window to the as-of month) in which it is active; contracts that ended
before the range are not declared. A SIRET that has no active contract in a month between its
first and last declared months files a "néant" declaration (type 02).

Head offices: an organisation whose position in the establishments table (order of first
appearance, the generator's organisation index) is odd and that has a HEADQUARTERS
establishment declares all its staff from its first head office's SIRET, each contract naming
its real establishment in S21.G00.40.019 (lieu de travail); the others file one declaration per
establishment. At small scale (one organisation) every establishment declares itself; at
département scale (seed 42) one of the four, Entraide Jeunesse, declares from its head office.

`--messy` adds, all of them giving the same staff: a declaration replaced (type 03) after a wrong
first version, a spurious declaration under an unknown SIRET cancelled (type 04), a month missing
for one SIRET (contracts ending in it get their end-of-contract block, and everyone their pay of
that month, in the next month's declaration), interns (nature 29), a sick-leave notice (a
declaration of nature 04 sent after the month's DSN), type 002 pay lines, accented names and
Corsican NIRs (2A/2B), and job titles in other case, accents and spacing. `_truth/dsn.json` says
which SIRET and month each case is on.

Names and NIRs are synthetic: the NIR key is deliberately wrong (valid key + 1), as in messy.py.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.demo import messy

log = logging.getLogger("vivier.demo")

ENCODING = "iso-8859-1"
NORM_VERSION = "P26V01"
LOOKBACK_MONTHS = 12  # the marts look back 12 months before the first reported month

# contract_type -> S21.G00.40.007 nature and .008 dispositif (99: none), the reverse of contract 2b.
NATURE = {"CDI": "01", "CDD": "02", "INTERIM": "03", "APPRENTICE": "02", "CIVIL_SERVANT": "50"}
DISPOSITIF = {"APPRENTICE": "64"}
NO_DISPOSITIF = "99"
INTERN_NATURE = "29"  # convention de stage: not an employment contract
INTERN_END_CODE = "999"  # end of a relation that is not an employment contract
SICK_LEAVE_NATURE = "04"  # signalement d'arrêt de travail

# exit_reason -> the S21.G00.62.002 codes written (all in that reason's family in contract 2b, OTHER
# in none of them). Which one depends on the contract type and, where two fit, on the contract.
EXIT_CODES = {
    "RESIGNATION": ("059", "037"),  # démission (CDI); rupture anticipée à l'initiative du salarié
    "MUTUAL_AGREEMENT": ("043", "084"),  # rupture conventionnelle (CDI); commun accord (fixed term)
    "END_OF_FIXED_TERM": ("031", "032", "081"),  # fin de CDD, fin de mission, fin d'apprentissage
    "END_OF_TRIAL": ("034", "035"),  # fin de période d'essai (employeur, salarié)
    "RETIREMENT": ("039", "038"),  # départ volontaire, mise à la retraite
    "DISMISSAL": ("089", "087", "091"),  # cause réelle et sérieuse, faute grave, inaptitude
    "DEATH": ("066",),
    "INTERNAL_TRANSFER": ("998",),  # transfert du contrat sans rupture
    "OTHER": ("058",),  # prise d'acte: a code of no family in 2b
}

# job_family -> (PCS-ESE code, job title for a man, for a woman) options; an employee takes one
# option (by matricule), the title by sex. Each must give its family back through
# pipelines/reference/pcs_job_families.csv (title row first, else code row): tests check it.
JOBS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "EDUCATEUR_SPECIALISE": (("434d", "Éducateur spécialisé", "Éducatrice spécialisée"),),
    "MONITEUR_EDUCATEUR": (("434e", "Moniteur-éducateur", "Monitrice-éducatrice"),),
    "EDUCATEUR_JEUNES_ENFANTS": (("434g", "Éducateur de jeunes enfants", "Éducatrice de jeunes enfants"),),
    "ASSISTANT_SERVICE_SOCIAL": (("434b", "Assistant de service social", "Assistante de service social"),),
    "CONSEILLER_ESF": (
        ("434c", "Conseiller en économie sociale et familiale", "Conseillère en économie sociale et familiale"),
    ),
    "TISF": (
        (
            "563b",
            "Technicien de l'intervention sociale et familiale",
            "Technicienne de l'intervention sociale et familiale",
        ),
    ),
    "AES": (("526d", "Accompagnant éducatif et social", "Accompagnante éducative et sociale"),),
    "PSYCHOLOGUE": (("311d", "Psychologue", "Psychologue"),),
    "INFIRMIER": (("431f", "Infirmier", "Infirmière"),),
    "SURVEILLANT_NUIT": (
        ("534a", "Surveillant de nuit", "Surveillante de nuit"),
        ("534a", "Surveillant de nuit qualifié", "Surveillante de nuit"),
    ),
    "MAITRESSE_DE_MAISON": (("564b", "Maître de maison", "Maîtresse de maison"),),
    "ADMINISTRATIF": (("542a", "Secrétaire", "Secrétaire"), ("543b", "Comptable", "Comptable")),
    "SERVICES_GENERAUX": (
        ("636d", "Cuisinier", "Cuisinière"),
        ("684a", "Agent de service", "Agente de service"),
        ("632k", "Agent d'entretien", "Agente d'entretien"),
    ),
    "CHEF_DE_SERVICE": (("434a", "Chef de service éducatif", "Cheffe de service éducatif"),),
    "DIRECTION": (("434a", "Directeur d'établissement", "Directrice d'établissement"),),
    "ASSISTANT_FAMILIAL": (("563a", "Assistant familial", "Assistante familiale"),),
}
INTERN_JOB = ("434d", "Stagiaire éducateur spécialisé", "Stagiaire éducatrice spécialisée")
INTERN_MONTHLY_CENTS = 65_976  # gratification minimale: 4.35 EUR x 151.67 h

# The messy extracts' fictional names (all in ISO-8859-1, no œ), with more accents for the DSN files.
_SURNAMES = (*messy.SURNAMES, *("Chevalier", "Faure", "Gérard", "Hervé", "Ménard", "Noël", "Rivière"))
_FIRST_F = (*messy.FIRST_F, *("Anaïs", "Marie-Hélène", "Maëlle", "Zoé"))
_FIRST_M = (*messy.FIRST_M, *("Benoît", "François", "Gaël", "Loïc"))


def plain(text: str) -> str:
    """Gives the text without accents (É -> E)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def slug(name: str) -> str:
    """Gives a file-name word for an organisation: `Association Sauvegarde de l'Enfance` -> sauvegarde-de-l-enfance."""
    text = plain(name.removeprefix("Association ")).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "organisation"


def luhn_key(digits: str) -> str:
    """Gives the digit that makes `digits` + it pass the Luhn check (SIREN and SIRET keys)."""
    total = 0
    for i, d in enumerate(reversed(digits)):
        v = int(d) * (2 if i % 2 == 0 else 1)
        total += v - 9 if v > 9 else v
    return str((10 - total % 10) % 10)


def _nic(siren: str, number: int) -> str:
    """Gives the NIC (4 digits + key) of the establishment `number` of a company: the SIRET passes Luhn."""
    body = f"{number:04d}"
    return body + luhn_key(siren + body)


@dataclass(frozen=True)
class Organisations:
    """The demo organisations as DSN declarants."""

    table: pl.DataFrame  # organisation, org (index), slug, siren, sender_nic, head_office_siret (null: none)

    def centralised(self) -> dict[str, str]:
        """Gives organisation -> head-office SIRET, for those declaring from their head office."""
        t = self.table.filter(pl.col("head_office_siret").is_not_null())
        return dict(zip(t["organisation"], t["head_office_siret"], strict=True))


def add_sirets(establishments: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Gives the establishments with a `siret` (SIREN of the organisation + NIC), both passing Luhn."""
    orgs = establishments["organisation"].unique(maintain_order=True).to_list()
    sirens: dict[str, str] = {}
    for org in orgs:
        while True:
            body = f"{int(rng.integers(10**7, 10**8)):08d}"
            siren = body + luhn_key(body)
            if siren not in sirens.values():
                break
        sirens[org] = siren
    seen: dict[str, int] = {}
    sirets = []
    for org in establishments["organisation"]:
        seen[org] = seen.get(org, 0) + 1
        sirets.append(sirens[org] + _nic(sirens[org], seen[org]))
    return establishments.with_columns(siret=pl.Series(sirets, dtype=pl.String))


def organisations(establishments: pl.DataFrame) -> Organisations:
    """Gives each organisation's SIREN, file slug, sender and head office (see the module's note)."""
    est = establishments.with_row_index("_row")
    first = est.group_by("organisation").agg(pl.col("_row").min(), pl.col("siret").first()).sort("_row")
    hq = (
        est.filter(pl.col("kind") == "HEADQUARTERS")
        .group_by("organisation")
        .agg(hq_siret=pl.col("siret").sort_by("_row").first())
    )
    table = (
        first.with_row_index("org")
        .join(hq, on="organisation", how="left")
        .with_columns(
            siren=pl.col("siret").str.slice(0, 9),
            sender_nic=pl.coalesce("hq_siret", "siret").str.slice(9, 5),
            head_office_siret=pl.when(pl.col("org") % 2 == 1).then(pl.col("hq_siret")),
        )
    )
    slugs, used = [], set()
    for name in table["organisation"]:
        s = slug(name)
        while s in used:
            s += "-x"
        used.add(s)
        slugs.append(s)
    table = table.with_columns(slug=pl.Series(slugs, dtype=pl.String)).select(
        "organisation", pl.col("org").cast(pl.Int64), "slug", "siren", "sender_nic", "head_office_siret"
    )
    return Organisations(table)


# ---------------------------------------------------------------------------- dates and amounts


def _ym(value: pl.Expr) -> pl.Expr:
    """Gives the month number (year * 12 + month - 1) of a date."""
    return value.dt.year().cast(pl.Int64) * 12 + value.dt.month().cast(pl.Int64) - 1


def _ym_of(d: date) -> int:
    return d.year * 12 + d.month - 1


def _month_start(ym: pl.Expr) -> pl.Expr:
    return pl.date(ym // 12, ym % 12 + 1, 1)


def _jjmmaaaa(value: pl.Expr) -> pl.Expr:
    return value.dt.strftime("%d%m%Y")


def _cents(value: pl.Expr) -> pl.Expr:
    """Gives integer cents as `1234.56`."""
    return (value // 100).cast(pl.String) + pl.lit(".") + (value % 100).cast(pl.String).str.zfill(2)


def _unit(number: pl.Expr, salt: int) -> pl.Expr:
    """Gives a deterministic number in [0, 1) from an integer (Knuth's multiplicative hash)."""
    return ((number * 2654435761 + salt * 40503) % 4294967296).cast(pl.Float64) / 4294967296.0


def _number(ids: pl.Expr) -> pl.Expr:
    """Gives the trailing digits of identifiers like M0001234 as an integer (0 if none)."""
    return ids.str.extract(r"(\d+)$").cast(pl.Int64).fill_null(0)


# ---------------------------------------------------------------------------- what is declared


def covered_range(as_of: date, history_months: int) -> tuple[int, int]:
    """Gives the first and last month numbers declared: 12 months before the reported window to the as-of month."""
    last = _ym_of(as_of)
    return last - history_months - LOOKBACK_MONTHS + 1, last


def _exit_code(reason: pl.Expr, ctype: pl.Expr, u: pl.Expr) -> pl.Expr:
    fixed = ctype != "CDI"
    return (
        pl.when(reason == "RESIGNATION")
        .then(pl.when(fixed).then(pl.lit("037")).otherwise(pl.lit("059")))
        .when(reason == "MUTUAL_AGREEMENT")
        .then(pl.when(fixed).then(pl.lit("084")).otherwise(pl.lit("043")))
        .when(reason == "END_OF_FIXED_TERM")
        .then(
            pl.when(ctype == "INTERIM")
            .then(pl.lit("032"))
            .when(ctype == "APPRENTICE")
            .then(pl.lit("081"))
            .otherwise(pl.lit("031"))
        )
        .when(reason == "END_OF_TRIAL")
        .then(pl.when(u < 0.6).then(pl.lit("034")).otherwise(pl.lit("035")))
        .when(reason == "RETIREMENT")
        .then(pl.when(u < 0.85).then(pl.lit("039")).otherwise(pl.lit("038")))
        .when(reason == "DISMISSAL")
        .then(pl.when(u < 0.6).then(pl.lit("089")).when(u < 0.85).then(pl.lit("087")).otherwise(pl.lit("091")))
        .when(reason == "DEATH")
        .then(pl.lit("066"))
        .when(reason == "INTERNAL_TRANSFER")
        .then(pl.lit("998"))
        .otherwise(pl.lit(EXIT_CODES["OTHER"][0]))
    )


def _jobs() -> pl.DataFrame:
    rows = [
        (family, k, sex, pcs, title)
        for family, options in JOBS.items()
        for k, (pcs, man, woman) in enumerate(options)
        for sex, title in (("M", man), ("F", woman))
    ]
    return pl.DataFrame(
        rows,
        orient="row",
        schema={"job_family": pl.String, "k": pl.Int64, "sex": pl.String, "pcs": pl.String, "title": pl.String},
    )


def _active(staff: pl.DataFrame, as_of: date, first_m: int, last_m: int) -> pl.DataFrame:
    """Gives the staff with their declared span (m_from..m_to), end (null if after the as-of date), pay in cents."""
    return staff.with_columns(
        last_day=pl.when(pl.col("end_date") <= as_of).then(pl.col("end_date")),
        P=(pl.col("monthly_gross_pay") * 100).round().cast(pl.Int64),
        F=(pl.col("fte") * 10000).round().cast(pl.Int64),
    ).with_columns(
        m_from=pl.max_horizontal(_ym(pl.col("start_date")), pl.lit(first_m)),
        m_to=pl.min_horizontal(pl.coalesce(_ym(pl.col("last_day")), pl.lit(last_m)), pl.lit(last_m)),
    )


def _contract_months(active: pl.DataFrame) -> pl.DataFrame:
    """Gives one row per contract and month declared, with the part of the month covered and its pay in cents."""
    rows = (
        active.filter(pl.col("m_from") <= pl.col("m_to"))
        .with_columns(m=pl.int_ranges("m_from", pl.col("m_to") + 1))
        .explode("m")
        .with_columns(month_start=_month_start(pl.col("m")))
        .with_columns(month_end=pl.col("month_start").dt.month_end())
        .with_columns(
            period_start=pl.max_horizontal("start_date", "month_start"),
            period_end=pl.min_horizontal(pl.coalesce("last_day", "month_end"), "month_end"),
        )
    )
    days = (pl.col("period_end") - pl.col("period_start")).dt.total_days() + 1
    mdays = pl.col("month_end").dt.day().cast(pl.Int64)
    # Half-up rounding in integers: round(P * F / 10000 * days / mdays).
    amount = (2 * pl.col("P") * pl.col("F") * days + 10000 * mdays) // (2 * 10000 * mdays)
    full = (pl.col("period_start") == pl.col("month_start")) & (pl.col("period_end") == pl.col("month_end"))
    # A whole month's amount / fte that falls exactly on half a cent would round to either cent
    # depending on the reader's rounding rule: the amount moves one cent towards the exact pay instead.
    tie = ((20000 * pl.col("amount")) % pl.col("F") == 0) & (((20000 * pl.col("amount")) // pl.col("F")) % 2 == 1)
    towards = pl.when(pl.col("P") * pl.col("F") > 10000 * pl.col("amount")).then(1).otherwise(-1)
    return (
        rows.with_columns(amount=amount, full=full)
        .with_columns(amount=pl.when(pl.col("full") & tie).then(pl.col("amount") + towards).otherwise("amount"))
        .with_columns(ends_here=pl.col("last_day").is_not_null() & (pl.col("m") == _ym(pl.col("last_day"))))
    )


def expected_staff(staff: pl.DataFrame, as_of: date, history_months: int) -> pl.DataFrame:
    """Gives the staff a reader of contract 2b finds in the clean or messy DSN files of `write_dsn`.

    The contracts declared in the covered range, as in staff.csv except: a planned end after the
    as-of date is not declared (end_date and exit_reason empty), and monthly_gross_pay is the pay of
    the first whole month declared divided by fte, rounded to cents (empty if there is none): it can
    differ from staff.csv by a cent for part-time contracts, since the monthly amount is rounded first.
    """
    first_m, last_m = covered_range(as_of, history_months)
    months = _contract_months(_active(staff, as_of, first_m, last_m))
    pay = (
        months.filter(pl.col("full"))
        .group_by("contract_id")
        .agg(pl.col("amount").sort_by("m").first())
        .with_columns(pay=(pl.col("amount") / 100))
    )
    declared = months.select("contract_id").unique()
    return (
        staff.join(declared, on="contract_id", how="semi")
        .join(pay.select("contract_id", "pay"), on="contract_id", how="left")
        .with_columns(
            end_date=pl.when(pl.col("end_date") <= as_of).then(pl.col("end_date")),
            exit_reason=pl.when(pl.col("end_date") <= as_of).then(pl.col("exit_reason")),
            monthly_gross_pay=(pl.col("pay") / pl.col("fte")).round(2),
        )
        .drop("pay")
        .sort("employee_id", "start_date", "contract_id")
    )


# ---------------------------------------------------------------------------- the writer


@dataclass
class DsnFiles:
    """What `write_dsn` wrote."""

    files: dict[str, int] = field(default_factory=dict)  # file name -> lines
    planted: dict = field(default_factory=dict)  # what the files hold, for _truth/dsn.json
    bytes: int = 0
    seconds: float = 0.0


def _people(staff: pl.DataFrame, messy: bool) -> pl.DataFrame:
    """Gives employee_id -> NIR, family name and first names (synthetic; deterministic per employee)."""
    people = staff.group_by("employee_id").agg(pl.col("sex").first(), pl.col("birth_date").first())
    n = _number(pl.col("employee_id"))
    male = pl.col("sex") == "M"
    # NIR: sex, year, month, département (01-95 but 20; messy: some Corsican 2A/2B), commune, order, key + 1.
    dep = (n * 7919 % 94 + 1).replace(20, 96)
    body = (
        pl.when(male).then(1).otherwise(2).cast(pl.Int64) * 10**12
        + (pl.col("birth_date").dt.year().cast(pl.Int64) % 100) * 10**10
        + pl.col("birth_date").dt.month().cast(pl.Int64) * 10**8
        + dep * 10**6
        + (n % 989 + 1) * 10**3
        + (n // 989 % 998 + 1)
    )
    key = ((97 - body % 97) % 97 + 1) % 100
    nir = body.cast(pl.String).str.zfill(13) + key.cast(pl.String).str.zfill(2)
    if messy:
        corsica = _unit(n, 7) < 0.03
        nir = (
            pl.when(corsica)
            .then(
                nir.str.slice(0, 5)
                + pl.when(_unit(n, 8) < 0.5).then(pl.lit("2A")).otherwise(pl.lit("2B"))
                + nir.str.slice(7)
            )
            .otherwise(nir)
        )
    surnames = list(_SURNAMES) if messy else [plain(s).upper() for s in _SURNAMES]
    first_f = list(_FIRST_F) if messy else [plain(s).upper() for s in _FIRST_F]
    first_m = list(_FIRST_M) if messy else [plain(s).upper() for s in _FIRST_M]

    def pick(names: list[str], salt: int) -> pl.Expr:
        index = (_unit(n, salt) * len(names)).cast(pl.Int64)
        return index.replace_strict(dict(enumerate(names)), return_dtype=pl.String)

    return people.select(
        "employee_id",
        nir=nir,
        surname=pick(surnames, 1),
        first_names=pl.when(male).then(pick(first_m, 2)).otherwise(pick(first_f, 3)),
    )


def _declared_rows(
    staff: pl.DataFrame, est: pl.DataFrame, orgs: Organisations, as_of: date, first_m: int, last_m: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Gives the contract blocks (one row per contract and month) and the pay lines, keyed by (siret, m)."""
    centralised = orgs.centralised()
    places = est.select(
        "establishment_id",
        "organisation",
        place=pl.col("siret"),
        siret=pl.coalesce(
            pl.col("organisation").replace_strict(centralised, default=None, return_dtype=pl.String), pl.col("siret")
        ),
    )
    months = _contract_months(_active(staff, as_of, first_m, last_m)).join(places, on="establishment_id", how="left")
    n_emp = _number(pl.col("employee_id"))
    n_con = _number(pl.col("contract_id"))
    jobs = _jobs()
    k = jobs.group_by("job_family").agg(n_options=pl.col("k").max() + 1)
    months = (
        months.join(k, on="job_family", how="left")
        .with_columns(k=n_emp % pl.col("n_options"))
        .join(jobs, on=["job_family", "k", "sex"], how="left")
    )
    fixed = pl.col("contract_type").is_in(["CDD", "INTERIM", "APPRENTICE"])
    q = pl.col("F") * 35 // 100  # quotité in hundredths of an hour (fte x 35 h)
    contracts = months.select(
        "siret",
        "m",
        "employee_id",
        "contract_id",
        "birth_date",
        "sex",
        "start_date",
        "ends_here",
        "last_day",
        "pcs",
        "title",
        "organisation",
        exit_code=_exit_code(pl.col("exit_reason"), pl.col("contract_type"), _unit(n_con, 3)),
        nature=pl.col("contract_type").replace_strict(NATURE),
        dispositif=pl.col("contract_type").replace_strict(DISPOSITIF, default=NO_DISPOSITIF),
        planned_end=pl.when(
            fixed & ((pl.col("end_date") > as_of) | (pl.col("exit_reason") == "END_OF_FIXED_TERM"))
        ).then(pl.col("end_date")),
        quotite=_cents(q),
        modalite=pl.when(pl.col("F") == 10000).then(pl.lit("10")).otherwise(pl.lit("20")),
        place=pl.when(pl.col("organisation").is_in(list(centralised))).then(pl.col("place")),
        extra=pl.lit(None, dtype=pl.String),
        intern=pl.lit(False),
    )
    pays = months.filter(pl.col("amount").is_not_null()).select(
        "siret",
        "m",
        "employee_id",
        "contract_id",
        "period_start",
        "period_end",
        pay_type=pl.lit("001"),
        amount="amount",
    )
    return contracts, pays


def _interns(
    contracts: pl.DataFrame, rng: np.random.Generator, as_of: date, first_m: int, last_m: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Gives interns (nature 29) on the declaring SIRETs: about one every two years each, 2 to 6 months."""
    sirets = (
        contracts.group_by("siret").agg(pl.col("organisation").first(), pl.col("m").min().alias("m0")).sort("siret")
    )
    per = max(1, (last_m - first_m + 1) // 24)
    n = sirets.height * per
    siret = np.repeat(sirets["siret"].to_numpy(), per)
    organisation = np.repeat(sirets["organisation"].to_numpy(), per)
    m0 = np.repeat(sirets["m0"].to_numpy(), per)
    start_m = rng.integers(np.minimum(np.maximum(m0, first_m), last_m - 7), last_m - 6)
    start_day = rng.integers(1, 29, n)
    length = rng.integers(2, 7, n)
    sex = np.where(rng.random(n) < 0.75, "F", "M")
    age_days = rng.integers(19 * 365, 25 * 365, n)
    t = pl.DataFrame(
        {
            "siret": siret,
            "organisation": organisation,
            "n": np.arange(1, n + 1),
            "start_m": start_m,
            "start_day": start_day,
            "length": length,
            "sex": sex,
            "age_days": age_days,
        }
    ).with_columns(
        employee_id=pl.format("S{}", pl.col("n").cast(pl.String).str.zfill(6)),
        contract_id=pl.format("ST{}", pl.col("n").cast(pl.String).str.zfill(7)),
        start_date=pl.date(pl.col("start_m") // 12, pl.col("start_m") % 12 + 1, pl.col("start_day")),
    )
    t = t.with_columns(
        end_date=pl.col("start_date").dt.offset_by(pl.format("{}mo", pl.col("length"))) - pl.duration(days=1),
        birth_date=pl.col("start_date") - pl.duration(days=pl.col("age_days")),
        fte=pl.lit(1.0),
        monthly_gross_pay=pl.lit(INTERN_MONTHLY_CENTS / 100),
    ).with_columns(end_date=pl.when(pl.col("end_date") < as_of).then(pl.col("end_date")))
    months = _contract_months(_active(t, as_of, first_m, last_m))
    title = pl.when(pl.col("sex") == "M").then(pl.lit(INTERN_JOB[1])).otherwise(pl.lit(INTERN_JOB[2]))
    contracts_i = months.select(
        "siret",
        "m",
        "employee_id",
        "contract_id",
        "birth_date",
        "sex",
        "start_date",
        "ends_here",
        "last_day",
        pcs=pl.lit(INTERN_JOB[0]),
        title=title,
        organisation="organisation",
        exit_code=pl.lit(INTERN_END_CODE),
        nature=pl.lit(INTERN_NATURE),
        dispositif=pl.lit(NO_DISPOSITIF),
        planned_end=pl.col("end_date"),
        quotite=pl.lit("35.00"),
        modalite=pl.lit("10"),
        place=pl.lit(None, dtype=pl.String),
        extra=pl.lit(None, dtype=pl.String),
        intern=pl.lit(True),
    )
    pays_i = months.select(
        "siret",
        "m",
        "employee_id",
        "contract_id",
        "period_start",
        "period_end",
        pay_type=pl.lit("001"),
        amount="amount",
    )
    return contracts_i, pays_i


def _title_variants(contracts: pl.DataFrame) -> pl.DataFrame:
    """Gives the job titles written in other case, accents and spacing (messy), varying by contract and month."""
    titles = contracts["title"].unique().drop_nulls().to_list()
    variants = {
        1: {t: plain(t).upper() for t in titles},
        2: {t: t.upper() for t in titles},
        3: {t: "  ".join(t.lower().split(" ")) + " " for t in titles},
    }
    v = (_number(pl.col("contract_id")) + pl.col("m")) % 5
    expr = pl.col("title")
    for k, mapping in variants.items():
        expr = pl.when(v == k).then(pl.col("title").replace_strict(mapping, default=None)).otherwise(expr)
    return contracts.with_columns(title=expr)


@dataclass
class _Plan:
    """The declarations to write: one row per declaration, and the rows each holds."""

    decls: pl.DataFrame  # decl, file, seq, nature, type, m, siret, ref
    contracts: pl.DataFrame  # decl + contract block columns
    pays: pl.DataFrame  # decl + pay line columns


def _regular_plan(contracts: pl.DataFrame, pays: pl.DataFrame, orgs: Organisations) -> _Plan:
    """Gives one declaration per SIRET and month (néant, type 02, in a month without staff between its first
    and last)."""
    spans = contracts.group_by("siret").agg(
        pl.col("organisation").first(), pl.col("m").min().alias("m0"), pl.col("m").max().alias("m1")
    )
    decls = spans.with_columns(m=pl.int_ranges("m0", pl.col("m1") + 1)).explode("m")
    staffed = contracts.select("siret", "m").unique().with_columns(staffed=pl.lit(True))
    decls = (
        decls.join(staffed, on=["siret", "m"], how="left")
        .join(orgs.table.select("organisation", "slug"), on="organisation", how="left")
        .with_columns(
            file=pl.format("dsn_{}_{}.dsn", "slug", _month_start(pl.col("m")).dt.strftime("%Y%m")),
            nature=pl.lit("01"),
            type=pl.when(pl.col("staffed")).then(pl.lit("01")).otherwise(pl.lit("02")),
            ref=pl.lit(None, dtype=pl.Int64),
        )
        .sort("file", "siret")
        .with_row_index("decl", offset=1)
        .with_columns(decl=pl.col("decl").cast(pl.Int64), seq=pl.int_range(pl.len()).over("file").cast(pl.Int64))
        .select("decl", "file", "seq", "nature", "type", "m", "siret", "organisation", "ref")
    )
    key = decls.select("decl", "siret", "m")
    return _Plan(decls, contracts.join(key, on=["siret", "m"]), pays.join(key, on=["siret", "m"]))


# ---------------------------------------------------------------------------- messy cases


def _month_label(m: int) -> str:
    return f"{m // 12}-{m % 12 + 1:02d}"


def _file_for(decls: pl.DataFrame, decl: int, suffix: str) -> str:
    name = decls.filter(pl.col("decl") == decl)["file"][0]
    return name.removesuffix(".dsn") + f"_{suffix}.dsn"


def _add_decl(plan: _Plan, **values) -> int:
    decl = int(plan.decls["decl"].max()) + 1
    row = {"decl": decl, "nature": "01", "type": "01", "ref": None, **values}
    plan.decls = pl.concat([plan.decls, pl.DataFrame([row], schema=plan.decls.schema)], how="vertical")
    return decl


def _messy(
    plan: _Plan, est: pl.DataFrame, rng: np.random.Generator, window_first_m: int, last_m: int
) -> tuple[_Plan, dict]:
    """Plants the messy cases (see the module's note) on distinct SIRETs and months; gives what was planted."""
    c, d = plan.contracts, plan.decls
    size = c.filter(~pl.col("intern")).group_by("siret").len().sort(["len", "siret"], descending=[True, False])
    sirets = size["siret"].to_list()
    taken: list[int] = []

    def place(first: int, candidates_of) -> tuple[str, int]:
        """Gives the first SIRET, from the `first`-th largest on, with a candidate month inside the window and
        three months or more from the other cases' months; and that month (drawn)."""
        for i in range(len(sirets)):
            siret = sirets[(first + i) % len(sirets)]
            months = [
                m
                for m in candidates_of(siret)["m"].to_list()
                if window_first_m + 1 <= m <= last_m - 2 and all(abs(m - t) >= 3 for t in taken)
            ]
            if months:
                m = int(months[int(rng.integers(0, len(months)))])
                taken.append(m)
                return siret, m
        raise RuntimeError("no SIRET and month left for a messy DSN case")

    def decl_of(siret: str, m: int) -> int:
        return int(d.filter((pl.col("siret") == siret) & (pl.col("m") == m))["decl"][0])

    planted: dict = {}
    regular = c.filter(~pl.col("intern"))

    # 1. Replaced: the month's first version forgets someone, has a wrong quotité and misses an exit;
    # a type 03 declaration sent later (the next file by name) replaces it with the right data.
    def replaceable(siret: str) -> pl.DataFrame:
        per_month = (
            regular.filter(pl.col("siret") == siret)
            .group_by("m")
            .agg(pl.col("ends_here").sum().alias("exits"), pl.col("employee_id").n_unique().alias("people"))
        )
        return per_month.filter((pl.col("exits") >= 1) & (pl.col("people") >= 3)).sort("m")

    siret, m1 = place(0, replaceable)
    right = decl_of(siret, m1)
    rows = plan.contracts.filter(pl.col("decl") == right)
    ending = rows.filter(pl.col("ends_here") & ~pl.col("intern")).sort("contract_id")
    exit_contract = ending["contract_id"][0]
    exit_person = ending["employee_id"][0]
    others = rows.filter((pl.col("employee_id") != exit_person) & ~pl.col("intern")).sort("employee_id")
    people = others["employee_id"].unique(maintain_order=True).to_list()
    dropped = people[int(rng.integers(0, len(people)))]
    changed = others.filter(pl.col("employee_id") != dropped)["contract_id"][0]
    original = plan.decls.filter(pl.col("decl") == right).row(0, named=True)
    wrong = _add_decl(
        plan, file=original["file"], seq=original["seq"], m=m1, siret=siret, organisation=original["organisation"]
    )
    replacement_file = _file_for(plan.decls, right, "remplacement")
    plan.decls = plan.decls.with_columns(
        file=pl.when(pl.col("decl") == right).then(pl.lit(replacement_file)).otherwise("file"),
        seq=pl.when(pl.col("decl") == right).then(0).otherwise("seq"),
        type=pl.when(pl.col("decl") == right).then(pl.lit("03")).otherwise("type"),
        ref=pl.when(pl.col("decl") == right).then(wrong).otherwise("ref"),
    )
    first_version = rows.filter(pl.col("employee_id") != dropped).with_columns(
        decl=pl.lit(wrong, dtype=pl.Int64),
        ends_here=pl.when(pl.col("contract_id") == exit_contract).then(False).otherwise("ends_here"),
        quotite=pl.when(pl.col("contract_id") == changed)
        .then(pl.when(pl.col("quotite") == "17.50").then(pl.lit("28.00")).otherwise(pl.lit("17.50")))
        .otherwise("quotite"),
        modalite=pl.when(pl.col("contract_id") == changed).then(pl.lit("20")).otherwise("modalite"),
    )
    first_pays = plan.pays.filter((pl.col("decl") == right) & (pl.col("employee_id") != dropped)).with_columns(
        decl=pl.lit(wrong, dtype=pl.Int64)
    )
    plan.contracts = pl.concat([plan.contracts, first_version])
    plan.pays = pl.concat([plan.pays, first_pays])
    planted["replaced"] = {
        "siret": siret,
        "month": _month_label(m1),
        "first_version_file": original["file"],
        "replacement_file": replacement_file,
        "first_version": {
            "employee_left_out": dropped,
            "contract_with_wrong_quotite": changed,
            "contract_without_its_end_block": exit_contract,
        },
    }

    # 2. Cancelled: the month's declaration of one SIRET also sent under an unknown SIRET (a NIC typo),
    # cancelled by a type 04 declaration in a later file.
    siret, m2 = place(1, lambda siret: regular.filter(pl.col("siret") == siret).select("m").unique().sort("m"))
    source = decl_of(siret, m2)
    src = plan.decls.filter(pl.col("decl") == source).row(0, named=True)
    known = set(est["siret"].to_list())
    number = 9001
    while (bad := siret[:9] + _nic(siret[:9], number)) in known:
        number += 1
    last_seq = int(plan.decls.filter(pl.col("file") == src["file"])["seq"].max())
    spurious = _add_decl(plan, file=src["file"], seq=last_seq + 1, m=m2, siret=bad, organisation=src["organisation"])
    cancel_file = _file_for(plan.decls, source, "annulation")
    _add_decl(plan, file=cancel_file, seq=0, m=m2, siret=bad, organisation=src["organisation"], type="04", ref=spurious)
    plan.contracts = pl.concat(
        [plan.contracts, plan.contracts.filter(pl.col("decl") == source).with_columns(decl=pl.lit(spurious, pl.Int64))]
    )
    plan.pays = pl.concat(
        [plan.pays, plan.pays.filter(pl.col("decl") == source).with_columns(decl=pl.lit(spurious, pl.Int64))]
    )
    planted["cancelled"] = {
        "siret": bad,
        "copy_of_siret": siret,
        "month": _month_label(m2),
        "spurious_file": src["file"],
        "cancelling_file": cancel_file,
    }

    # 3. A missing month: one SIRET files nothing for a month in which none of its contracts starts
    # or has its first whole month; contracts ending in it get their end block, and every contract
    # its pay of that month (period of that month), in the next month's declaration.
    def skippable(siret: str) -> pl.DataFrame:
        rows = plan.contracts.filter(pl.col("siret") == siret)
        starts = rows.filter(_ym(pl.col("start_date")) >= pl.col("m") - 1).select("m").unique()
        present = plan.decls.filter(pl.col("siret") == siret).select("m")
        around = present.join(present.with_columns(pl.col("m") - 1), on="m").join(
            present.with_columns(pl.col("m") + 1), on="m"
        )
        candidates = around.join(starts, on="m", how="anti")
        with_exits = candidates.join(rows.filter(pl.col("ends_here")).select("m").unique(), on="m", how="semi")
        return (with_exits if not with_exits.is_empty() else candidates).sort("m")

    siret, m3 = place(2, skippable)
    gone = decl_of(siret, m3)
    nxt = decl_of(siret, m3 + 1)
    late = plan.contracts.filter((pl.col("decl") == gone) & pl.col("ends_here"))
    plan.contracts = pl.concat(
        [plan.contracts.filter(pl.col("decl") != gone), late.with_columns(decl=pl.lit(nxt, pl.Int64))]
    )
    plan.pays = plan.pays.with_columns(decl=pl.when(pl.col("decl") == gone).then(nxt).otherwise("decl"))
    plan.decls = plan.decls.filter(pl.col("decl") != gone)
    planted["missing_month"] = {
        "siret": siret,
        "month": _month_label(m3),
        "exits_declared_next_month": sorted(late.filter(~pl.col("intern"))["contract_id"].to_list()),
    }

    # 4. A sick-leave notice (nature 04) for a month, sent after that month's DSN.
    full_cdi = regular.filter(
        (pl.col("nature") == "01") & ~pl.col("ends_here") & (_ym(pl.col("start_date")) < pl.col("m"))
    )
    siret, m4 = place(3, lambda siret: full_cdi.filter(pl.col("siret") == siret).select("m").unique().sort("m"))
    monthly = decl_of(siret, m4)
    who = plan.contracts.filter(
        (pl.col("decl") == monthly)
        & (pl.col("nature") == "01")
        & ~pl.col("ends_here")
        & (_ym(pl.col("start_date")) < m4)
    ).sort("contract_id")
    contract = who["contract_id"][0]
    first_day = date(m4 // 12, m4 % 12 + 1, 1)
    last_worked = first_day.replace(day=9)
    back = first_day.replace(day=24)
    sick = "\n".join(
        [
            "S21.G00.60.001,'01'",
            f"S21.G00.60.002,'{last_worked.strftime('%d%m%Y')}'",
            f"S21.G00.60.003,'{back.strftime('%d%m%Y')}'",
        ]
    )
    notice_file = _file_for(plan.decls, monthly, "arret")
    src = plan.decls.filter(pl.col("decl") == monthly).row(0, named=True)
    notice = _add_decl(
        plan, file=notice_file, seq=0, m=m4, siret=siret, organisation=src["organisation"], nature=SICK_LEAVE_NATURE
    )
    mark = (pl.col("decl") == monthly) & (pl.col("contract_id") == contract)
    plan.contracts = plan.contracts.with_columns(extra=pl.when(mark).then(pl.lit(sick)).otherwise("extra"))
    plan.contracts = pl.concat(
        [plan.contracts, plan.contracts.filter(mark).with_columns(decl=pl.lit(notice, pl.Int64))]
    )
    planted["sick_leave_notice"] = {
        "siret": siret,
        "month": _month_label(m4),
        "file": notice_file,
        "contract_id": contract,
    }
    return plan, planted


# ---------------------------------------------------------------------------- text


def _rub(code: str, value: pl.Expr) -> pl.Expr:
    return pl.lit(f"{code},'") + value + pl.lit("'")


def _block(parts: list[pl.Expr]) -> dict[str, pl.Expr]:
    """Gives the expressions of a block's text (absent lines skipped) and its number of lines."""
    text = pl.concat_str(parts, separator="\n", ignore_nulls=True)
    return {"text": text, "n": (text.str.count_matches("\n") + 1).cast(pl.Int64)}


def _text_rows(plan: _Plan, people: pl.DataFrame, orgs: Organisations, est: pl.DataFrame) -> pl.DataFrame:
    """Gives every block's text with its place in its file (file, seq, ind, pos) and its number of lines."""
    org = orgs.table
    apet = est.select(
        "siret",
        apet=pl.when(pl.col("kind").is_in(["MECS", "EMERGENCY_SHELTER"]))
        .then(pl.lit("8790A"))
        .otherwise(pl.lit("8899B")),
    )
    decls = (
        plan.decls.join(org.select("organisation", "siren", "sender_nic", "slug"), on="organisation", how="left")
        .join(apet, on="siret", how="left")
        .with_columns(month=_month_start(pl.col("m")))
    )
    frames = []
    # S10: once per file (seq -1).
    files = decls.group_by("file").agg(pl.col("organisation").first())
    files = files.join(org.select("organisation", "siren", "sender_nic"), on="organisation", how="left")
    frames.append(
        files.select(
            "file",
            seq=pl.lit(-1, pl.Int64),
            ind=pl.lit(-1, pl.Int64),
            pos=pl.lit(0, pl.Int64),
            **_block(
                [
                    _rub("S10.G00.00.001", pl.lit("Vivier démo")),
                    _rub("S10.G00.00.002", pl.lit("Vivier")),
                    _rub("S10.G00.00.003", pl.lit("1.0")),
                    _rub("S10.G00.00.005", pl.lit("01")),  # fichier d'essai: synthetic data
                    _rub("S10.G00.00.006", pl.lit(NORM_VERSION)),
                    _rub("S10.G00.00.008", pl.lit("01")),
                    _rub("S10.G00.01.001", pl.col("siren")),
                    _rub("S10.G00.01.002", pl.col("sender_nic")),
                    _rub("S10.G00.01.003", pl.col("organisation")),
                    _rub("S10.G00.02.002", pl.lit("Service paie")),
                    _rub("S10.G00.02.004", pl.lit("paie@example.org")),
                ]
            ),
        )
    )
    # S20, S21.G00.06, S21.G00.11: once per declaration.
    frames.append(
        decls.select(
            "file",
            "seq",
            ind=pl.lit(-1, pl.Int64),
            pos=pl.lit(0, pl.Int64),
            **_block(
                [
                    _rub("S20.G00.05.001", pl.col("nature")),
                    _rub("S20.G00.05.002", pl.col("type")),
                    _rub("S20.G00.05.003", pl.lit("11")),
                    _rub("S20.G00.05.004", pl.col("decl").cast(pl.String)),
                    _rub("S20.G00.05.005", pl.col("month").dt.strftime("01%m%Y")),
                    _rub("S20.G00.05.006", pl.col("ref").cast(pl.String)),
                    _rub("S21.G00.06.001", pl.col("siret").str.slice(0, 9)),
                    _rub("S21.G00.06.002", pl.col("sender_nic")),
                    _rub("S21.G00.11.001", pl.col("siret").str.slice(9, 5)),
                    _rub("S21.G00.11.002", pl.coalesce("apet", pl.lit("8899B"))),
                ]
            ),
        )
    )
    where = plan.decls.select("decl", "file", "seq")
    contracts = (
        plan.contracts.join(where, on="decl")
        .sort("decl", "employee_id", "start_date", "contract_id")
        .with_columns(
            ind=(pl.col("employee_id") != pl.col("employee_id").shift(1))
            .fill_null(True)
            .cast(pl.Int64)
            .cum_sum()
            .over("decl"),
            rank=1 + pl.int_range(pl.len(), dtype=pl.Int64).over("decl", "employee_id"),
        )
    )
    # S30: once per individual and declaration.
    individuals = (
        contracts.group_by("decl", "employee_id")
        .agg(pl.col("file", "seq", "ind", "birth_date", "sex").first())
        .join(people, on="employee_id", how="left")
    )
    frames.append(
        individuals.select(
            "file",
            "seq",
            "ind",
            pos=pl.lit(0, pl.Int64),
            **_block(
                [
                    _rub("S21.G00.30.001", pl.col("nir")),
                    _rub("S21.G00.30.002", pl.col("surname")),
                    _rub("S21.G00.30.004", pl.col("first_names")),
                    _rub("S21.G00.30.005", pl.when(pl.col("sex") == "M").then(pl.lit("01")).otherwise(pl.lit("02"))),
                    _rub("S21.G00.30.006", _jjmmaaaa(pl.col("birth_date"))),
                    _rub("S21.G00.30.019", pl.col("employee_id")),
                ]
            ),
        )
    )
    # S21.G00.40, then S21.G00.62 in the month the contract ends (and any planted extra block).
    end = pl.col("ends_here")
    frames.append(
        contracts.select(
            "file",
            "seq",
            "ind",
            pos=pl.col("rank"),
            **_block(
                [
                    _rub("S21.G00.40.001", _jjmmaaaa(pl.col("start_date"))),
                    _rub("S21.G00.40.004", pl.col("pcs")),
                    _rub("S21.G00.40.006", pl.col("title")),
                    _rub("S21.G00.40.007", pl.col("nature")),
                    _rub("S21.G00.40.008", pl.col("dispositif")),
                    _rub("S21.G00.40.009", pl.col("contract_id")),
                    _rub("S21.G00.40.010", _jjmmaaaa(pl.col("planned_end"))),
                    _rub("S21.G00.40.011", pl.lit("10")),
                    _rub("S21.G00.40.012", pl.lit("35.00")),
                    _rub("S21.G00.40.013", pl.col("quotite")),
                    _rub("S21.G00.40.014", pl.col("modalite")),
                    _rub("S21.G00.40.019", pl.col("place")),
                    pl.col("extra"),
                    pl.when(end).then(_rub("S21.G00.62.001", _jjmmaaaa(pl.col("last_day")))),
                    pl.when(end).then(_rub("S21.G00.62.002", pl.col("exit_code"))),
                ]
            ),
        )
    )
    # S21.G00.50 once per individual with pay, then S21.G00.51 per contract, period and type.
    ranks = contracts.select("decl", "employee_id", "contract_id", "file", "seq", "ind", "rank").unique(
        ["decl", "contract_id"]
    )
    pays = (
        plan.pays.join(ranks, on=["decl", "employee_id", "contract_id"], how="inner")
        .sort("decl", "employee_id", "rank", "period_start", "pay_type")
        .with_columns(pos=1001 + pl.int_range(pl.len(), dtype=pl.Int64).over("decl", "employee_id"))
    )
    paid = (
        pays.filter(pl.col("pay_type") == "001")
        .group_by("decl", "employee_id")
        .agg(pl.col("file", "seq", "ind").first(), pl.col("amount").sum())
        .join(plan.decls.select("decl", "m"), on="decl")
    )
    net = (pl.col("amount") * 78 + 50) // 100
    frames.append(
        paid.select(
            "file",
            "seq",
            "ind",
            pos=pl.lit(1000, pl.Int64),
            **_block(
                [
                    _rub("S21.G00.50.001", _jjmmaaaa(_month_start(pl.col("m")).dt.month_end())),
                    _rub("S21.G00.50.002", _cents(net)),
                    _rub("S21.G00.50.004", _cents(net)),
                ]
            ),
        )
    )
    frames.append(
        pays.select(
            "file",
            "seq",
            "ind",
            "pos",
            **_block(
                [
                    _rub("S21.G00.51.001", _jjmmaaaa(pl.col("period_start"))),
                    _rub("S21.G00.51.002", _jjmmaaaa(pl.col("period_end"))),
                    _rub("S21.G00.51.010", pl.col("contract_id")),
                    _rub("S21.G00.51.011", pl.col("pay_type")),
                    _rub("S21.G00.51.013", _cents(pl.col("amount"))),
                ]
            ),
        )
    )
    return pl.concat([f.select("file", "seq", "ind", "pos", "text", "n") for f in frames])


def write_dsn(
    staff: pl.DataFrame,
    establishments: pl.DataFrame,
    out: Path,
    as_of: date,
    history_months: int,
    rng: np.random.Generator,
    messy: bool = False,
) -> DsnFiles:
    """Writes the staff as monthly DSN files to `out`; gives the files written and what they hold.

    `establishments` must have a `siret` (see `add_sirets`). The same staff, rng state and flags give
    the same files, byte for byte.
    """
    began = time.perf_counter()
    out = Path(out)
    first_m, last_m = covered_range(as_of, history_months)
    orgs = organisations(establishments)
    contracts, pays = _declared_rows(staff, establishments, orgs, as_of, first_m, last_m)
    planted: dict = {
        "first_month": _month_label(first_m),
        "last_month": _month_label(last_m),
        "head_offices": orgs.centralised(),
    }
    if messy:
        interns, intern_pays = _interns(contracts, rng, as_of, first_m, last_m)
        contracts = pl.concat([contracts, interns])
        pays = pl.concat([pays, intern_pays])
        contracts = _title_variants(contracts)
        pays = pl.concat([pays, pays.with_columns(pay_type=pl.lit("002"))])  # salaire brut chômage, same amount
    plan = _regular_plan(contracts, pays, orgs)
    if messy:
        plan, cases = _messy(plan, establishments, rng, last_m - history_months + 1, last_m)
        planted.update(cases)
        planted["interns"] = {
            "people": int(plan.contracts.filter(pl.col("intern"))["employee_id"].n_unique()),
            "contract_blocks": int(plan.contracts.filter(pl.col("intern")).height),
            "nature": INTERN_NATURE,
        }
        planted["pay_lines_of_type_002"] = True
    people = _people(pl.concat([staff.select("employee_id", "sex", "birth_date"), _intern_people(plan)]), messy)
    for stale in (p for p in out.iterdir() if p.is_file() and p.name.lower().startswith("dsn")):
        stale.unlink()
    written = DsnFiles(planted=planted)
    # A year of files at a time: the text of all of them at once would take a few times their size in memory.
    for chunk in range(first_m, last_m + 1, 12):
        decls = plan.decls.filter(pl.col("m").is_between(chunk, chunk + 11))
        part = _Plan(
            decls,
            plan.contracts.join(decls.select("decl"), on="decl", how="semi"),
            plan.pays.join(decls.select("decl"), on="decl", how="semi"),
        )
        rows = _text_rows(part, people, orgs, establishments).sort("file", "seq", "ind", "pos")
        texts = rows.group_by("file", maintain_order=True).agg(pl.col("text").str.join("\n"), pl.col("n").sum())
        texts = texts.join(decls.group_by("file").len("declarations"), on="file", how="left")
        for name, text, n, declarations in texts.iter_rows():
            total = n + 2
            body = f"{text}\nS90.G00.90.001,'{total}'\nS90.G00.90.002,'{declarations}'\n".encode(ENCODING)
            (out / name).write_bytes(body)
            written.files[name] = total
            written.bytes += len(body)
    written.seconds = time.perf_counter() - began
    planted["files"] = len(written.files)
    planted["lines"] = sum(written.files.values())
    log.info(
        "dsn: %d files, %d lines, %.1f MB in %.1f s",
        len(written.files),
        planted["lines"],
        written.bytes / 1e6,
        written.seconds,
    )
    return written


def _intern_people(plan: _Plan) -> pl.DataFrame:
    return (
        plan.contracts.filter(pl.col("intern"))
        .select("employee_id", "sex", "birth_date")
        .unique("employee_id", keep="first")
    )
