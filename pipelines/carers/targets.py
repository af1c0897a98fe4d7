"""`vivier targets`: the carers to contact, with their real ids, for an HR officer who holds the key.

The warehouse holds pseudonyms only. Whoever holds VIVIER_PSEUDONYM_KEY and
the foster-carer extract can recompute each carer's pseudonym and so find who
is behind a score: this command does that, and writes the list to a file of
the officer's choosing, readable by its owner only, outside the landing
folder, the warehouse's folder and the report (its folder is a served site,
and the Evidence project's files end up in it). Nothing re-identified is
written to the warehouse.

The ids and territory codes come from HR extracts: a cell beginning with `=`,
`+`, `-`, `@`, a tab or a carriage return would be run as a formula by a
spreadsheet opening the list, so it is written after a single quote, as the
OWASP advice on CSV injection says.

The list is in French, in the report's words: factors as the Méthodes page names them, measures
as the Fidélisation page shows them (sql/carer_suggested_measures.sql), territories by name, and,
for a carer with no factor the service can change, why. A CSV file has `;` between columns and
decimal commas, with a BOM so that a spreadsheet reads its accents.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import click
import polars as pl

from models.explanation import FACTORS, MIN_EFFECT
from models.scoring import BANDS, LOW

BAND_ORDER = [band for _, band in BANDS] + [LOW]
COLUMNS = (
    "carer_id",
    "territory_id",
    "risk_12m",
    "risk_band",
    "places_at_risk",
    "children_placed",
    "top_factors",
    "suggested_measure",
    "as_of_date",
)

# The factors as the report's Méthodes page names them, and the measures as its Fidélisation page
# shows them (the labels of sql/carer_suggested_measures.sql; tests/carers/test_targets.py holds
# them equal).
FACTOR_LABELS = {
    "support_visits": "visites du référent",
    "respite": "relais",
    "empty_places": "places vides",
    "breakdowns": "ruptures d'accueil",
    "allegation": "allégations",
    "approaching_retirement": "départ en retraite proche",
}
MEASURE_LABELS = {
    "mentoring of new carers": "Préparer la relève (départ en retraite) : tutorat de nouveaux assistants familiaux",
    "placement allocation or income guarantee": "Attribution d'accueils ou garantie de revenu",
    "accompaniment protocol": "Protocole d'accompagnement (après une allégation)",
    "more référent visits": "Visites plus fréquentes du référent",
    "placement matching and analysis of practice": "Appariement des accueils et analyse de la pratique",
    "relais (respite carer)": "Relais (accueil de répit)",
}
BAND_LABELS = {"HIGH": "élevé", "MEDIUM": "moyen", "LOW": "faible"}
MODIFIABLE = {f.name for f in FACTORS if f.modifiable}
# The list's columns, as the HR officer reads them.
FRENCH_COLUMNS = {
    "carer_id": "Identifiant",
    "territory": "Territoire",
    "risk_percent": "Risque de départ à 12 mois (%)",
    "risk_band": "Niveau de risque",
    "places_at_risk": "Places en jeu",
    "children_placed": "Enfants accueillis",
    "factors": "Facteurs principaux",
    "measure": "Mesure suggérée",
    "no_lever": "Sans facteur modifiable : pourquoi",
    "as_of_date": "Situation au",
}
NO_FACTOR = (
    f"aucun facteur ne baisse son risque d'au moins {MIN_EFFECT * 100:.0f} point : il tient à l'ensemble "
    "de sa situation, à voir avec le référent"
)


def no_lever_reason(factors: str | None) -> str | None:
    """Gives why a carer has no factor the service can change (none found, or only their situation, such as
    a retirement near), or None when one of their top factors can be changed."""
    if factors is None:
        return NO_FACTOR
    names = factors.split(", ")
    if MODIFIABLE & set(names):
        return None
    situation = ", ".join(FACTOR_LABELS.get(n, n) for n in names)
    return f"{situation} : une situation que le service ne peut pas changer, la mesure suggérée prépare la relève"


def in_french(carers: pl.DataFrame, territories: pl.DataFrame) -> pl.DataFrame:
    """Gives the list (`carers_to_contact`) as the HR officer reads it: French headers and words, territories
    by name (by code when the territory has none), the risk in %, and why a carer has no modifiable factor."""
    names = dict(zip(territories["territory_id"].to_list(), territories["name"].to_list(), strict=True))
    factors = carers["top_factors"].to_list()
    return pl.DataFrame(
        {
            "carer_id": carers["carer_id"],
            "territory": [names.get(t) or t for t in carers["territory_id"].to_list()],
            "risk_percent": (carers["risk_12m"] * 100).round(1),
            "risk_band": carers["risk_band"].replace_strict(BAND_LABELS, default=carers["risk_band"]),
            "places_at_risk": carers["places_at_risk"].round(1),
            "children_placed": carers["children_placed"],
            "factors": [
                None if f is None else ", ".join(FACTOR_LABELS.get(n, n) for n in f.split(", ")) for f in factors
            ],
            "measure": carers["suggested_measure"].replace_strict(
                MEASURE_LABELS, default=carers["suggested_measure"], return_dtype=pl.String
            ),
            "no_lever": [no_lever_reason(f) for f in factors],
            "as_of_date": carers["as_of_date"],
        },
        schema_overrides={"territory": pl.String, "factors": pl.String, "no_lever": pl.String},
    ).rename(FRENCH_COLUMNS)


def extract_ids(path: Path, key: str) -> pl.DataFrame:
    """Gives the distinct carer ids of a foster-carer extract file and their pseudonyms."""
    from pipelines.ingest.contract import EXTRACTS
    from pipelines.ingest.files import read_text_tables
    from pipelines.ingest.headers import extract_tables, load_aliases, map_headers
    from pipelines.ingest.pseudonym import pseudonym

    extract, aliases = EXTRACTS["foster_carers"], load_aliases()
    columns = []
    for table in extract_tables(read_text_tables(path), extract, aliases):  # every sheet ingest reads
        mapped = map_headers(path.name, table.headers, extract, aliases, table.header_row)
        header = next(h for h, c in mapped.columns.items() if c == "carer_id")
        columns.append(table.rows.get_column(header))
    ids = pl.concat(columns).str.strip_chars().drop_nulls().unique().sort()
    ids = ids.filter(ids != "")
    # Two spellings of one id (" af001", "AF001"; "0014" and "14") share a pseudonym once ingest
    # normalises ids: one line per carer, under the first spelling.
    return pl.DataFrame({"carer_id": ids, "pseudonym": [pseudonym(i, key) for i in ids]}).unique(
        subset="pseudonym", keep="first", maintain_order=True
    )


# What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralised(table: pl.DataFrame) -> pl.DataFrame:
    """Gives the table with every text cell that a spreadsheet would run as a formula prefixed with
    a single quote (OWASP's advice for CSV files): written as text, shown as typed after the quote."""
    return table.with_columns(
        pl.when(pl.any_horizontal(pl.col(c).str.starts_with(s) for s in FORMULA_START))
        .then(pl.concat_str(pl.lit("'"), pl.col(c)))
        .otherwise(pl.col(c))
        .alias(c)
        for c, dtype in table.schema.items()
        if dtype == pl.String
    )


def carers_to_contact(scores: pl.DataFrame, ids: pl.DataFrame, lowest_band: str) -> pl.DataFrame:
    """Gives the scored carers in `lowest_band` or above, with their real ids, highest risk first."""
    bands = BAND_ORDER[: BAND_ORDER.index(lowest_band) + 1]
    return (
        scores.filter(pl.col("risk_band").is_in(bands))
        .join(ids, left_on="carer_id", right_on="pseudonym", suffix="_real")
        .with_columns(carer_id=pl.col("carer_id_real"))
        .select(COLUMNS)
        .sort("risk_12m", "carer_id", descending=[True, False])
    )


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def forbidden_folders(settings) -> list[tuple[Path, str]]:
    """Gives the folders a re-identified list must not be written in, each with what it is."""
    from pipelines.paths import REPORTS_DIR

    return [
        (settings.landing_dir, "landing folder"),
        (settings.warehouse.parent, "warehouse's folder"),
        (settings.report_dir, "report folder, a site others read"),
        (REPORTS_DIR, "report's Evidence project, whose files are published"),
    ]


def file_bytes(table: pl.DataFrame, suffix: str) -> bytes:
    """Gives the list as the bytes of a .xlsx file, or else of a CSV file as a French spreadsheet reads it
    (`;` between columns, decimal commas, dates as 30/06/2026, a BOM for the accents)."""
    buffer = io.BytesIO()
    if suffix.lower() == ".xlsx":
        table.write_excel(buffer)
    else:
        table.write_csv(
            buffer, separator=";", date_format="%d/%m/%Y", float_precision=1, decimal_comma=True, include_bom=True
        )
    return buffer.getvalue()


def write_private(path: Path, content: bytes) -> None:
    """Writes `content` to `path`, readable and writable by its owner only from the first byte."""
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
        os.fchmod(handle.fileno(), 0o600)  # an existing file keeps its mode through O_CREAT
        handle.write(content)


@click.command("targets")
@click.option(
    "--extract",
    "extract",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The foster-carer extract (foster_carers*.csv / .xlsx / .parquet) whose real ids to use.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (.csv, or .xlsx); outside the landing folder, the warehouse's folder and the report.",
)
@click.option(
    "--band", type=click.Choice(BAND_ORDER), default=BAND_ORDER[1], show_default=True, help="Lowest risk band listed."
)
def targets(extract: Path, out: Path, band: str) -> None:
    """List the carers to contact: real ids, territory, risk, top factors and suggested measure, in French.

    Re-identifies the pseudonymised scores of ml.carer_attrition_scores with
    VIVIER_PSEUDONYM_KEY and the foster-carer extract, and writes the list to
    OUT (readable by you only). The factors are associations found by a
    model, not proven causes: use the list to offer support, never to decide
    on an agrément or a contract.
    """
    from pipelines.ingest.files import ExtractFileError
    from pipelines.settings import load_settings
    from pipelines.text import printable
    from pipelines.warehouse import Warehouse

    # Paths are printed with their control characters escaped: a name can hold terminal codes.
    shown, source = printable(str(out)), printable(str(extract))
    settings = load_settings()
    for folder, what in forbidden_folders(settings):
        if _inside(out, folder):
            raise click.ClickException(
                f"{shown} is inside the {what} ({printable(str(folder))}): re-identified "
                "lists must not sit next to the data. Choose a file elsewhere, in your own "
                "folder."
            )
    if settings.uses_demo_key:
        click.echo(
            "Warning: VIVIER_PSEUDONYM_KEY is not set; using the public demo key. Real extracts are "
            "pseudonymised with your own key, which this command needs too.",
            err=True,
        )
    if not settings.warehouse.exists():
        raise click.ClickException(f"No warehouse at {settings.warehouse}: run `vivier run` first.")
    warehouse = Warehouse(path=str(settings.warehouse))
    scores = warehouse.read("ml.carer_attrition_scores")
    try:
        ids = extract_ids(extract, settings.pseudonym_key)
    except (ExtractFileError, StopIteration) as error:
        raise click.ClickException(f"{source}: not a foster-carer extract with a carer_id column ({error}).") from None
    territories = (
        warehouse.read("staging.territories")
        if warehouse.exists("staging.territories")
        else pl.DataFrame(schema={"territory_id": pl.String, "name": pl.String})
    )
    table = in_french(carers_to_contact(scores, ids, band), territories)
    unmatched = scores.join(ids, left_on="carer_id", right_on="pseudonym", how="anti").height
    out.parent.mkdir(parents=True, exist_ok=True)
    write_private(out, file_bytes(neutralised(table), out.suffix))
    click.echo(f"Wrote {table.height} carer(s) in band {band} or above to {shown} (readable by you only).")
    no_lever = table[FRENCH_COLUMNS["no_lever"]].is_not_null().sum()
    if no_lever:
        click.echo(
            f"{no_lever} of them have no factor the service can change: the column "
            f"« {FRENCH_COLUMNS['no_lever']} » says why."
        )
    if unmatched:
        click.echo(
            f"Warning: {unmatched} scored carer(s) are not in {printable(extract.name)}: is it the extract the "
            "warehouse was loaded from, and the key the same?",
            err=True,
        )
