"""`vivier targets`: the carers to contact, with their real ids, for an HR officer who holds the key.

The warehouse holds pseudonyms only. Whoever holds VIVIER_PSEUDONYM_KEY and
the foster-carer extract can recompute each carer's pseudonym and so find who
is behind a score: this command does that, and writes the list to a file of
the officer's choosing, outside the landing folder and the warehouse's
folder. Nothing re-identified is written to the warehouse.
"""

from __future__ import annotations

import os
from pathlib import Path

import click
import polars as pl

from models.scoring import BANDS, LOW

BAND_ORDER = [band for _, band in BANDS] + [LOW]
COLUMNS = ("carer_id", "territory_id", "risk_12m", "risk_band", "places_at_risk", "children_placed",
           "top_factors", "suggested_measure", "as_of_date")  # fmt: skip


def extract_ids(path: Path, key: str) -> pl.DataFrame:
    """Gives the distinct carer ids of a foster-carer extract file and their pseudonyms."""
    from pipelines.ingest.contract import EXTRACTS
    from pipelines.ingest.files import read_text_table
    from pipelines.ingest.headers import load_aliases, map_headers
    from pipelines.ingest.pseudonym import pseudonym

    table = read_text_table(path)
    header = next(h for h, c in map_headers(path.name, table.headers, EXTRACTS["foster_carers"],
                                            load_aliases()).columns.items() if c == "carer_id")  # fmt: skip
    ids = table.rows.get_column(header).str.strip_chars().drop_nulls().unique().sort()
    ids = ids.filter(ids != "")
    return pl.DataFrame({"carer_id": ids, "pseudonym": [pseudonym(i, key) for i in ids]})


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


@click.command("targets")
@click.option("--extract", "extract", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The foster-carer extract (foster_carers*.csv / .xlsx / .parquet) whose real ids to use.")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (.csv, or .xlsx); outside the landing folder and the warehouse's folder.")
@click.option("--band", type=click.Choice(BAND_ORDER), default=BAND_ORDER[1], show_default=True,
              help="Lowest risk band listed.")
def targets(extract: Path, out: Path, band: str) -> None:
    """List the carers to contact: real ids, risk, band, top factors and suggested measure.

    Re-identifies the pseudonymised scores of ml.carer_attrition_scores with
    VIVIER_PSEUDONYM_KEY and the foster-carer extract, and writes the list to
    OUT (readable by you only). The factors are associations found by a
    model, not proven causes: use the list to offer support, never to decide
    on an agrément or a contract.
    """
    from pipelines.ingest.files import ExtractFileError
    from pipelines.settings import load_settings
    from pipelines.warehouse import Warehouse

    settings = load_settings()
    for folder, what in ((settings.landing_dir, "landing folder"), (settings.warehouse.parent, "warehouse's folder")):
        if _inside(out, folder):
            raise click.ClickException(f"{out} is inside the {what} ({folder}): re-identified lists must not sit "
                                       "next to the data. Choose a file elsewhere, in your own folder.")  # fmt: skip
    if settings.uses_demo_key:
        click.echo("Warning: VIVIER_PSEUDONYM_KEY is not set; using the public demo key. Real extracts are "
                   "pseudonymised with your own key, which this command needs too.", err=True)  # fmt: skip
    if not settings.warehouse.exists():
        raise click.ClickException(f"No warehouse at {settings.warehouse}: run `vivier run` first.")
    scores = Warehouse(path=str(settings.warehouse)).read("ml.carer_attrition_scores")
    try:
        ids = extract_ids(extract, settings.pseudonym_key)
    except (ExtractFileError, StopIteration) as error:
        raise click.ClickException(f"{extract}: not a foster-carer extract with a carer_id column ({error}).")
    table = carers_to_contact(scores, ids, band)
    unmatched = scores.join(ids, left_on="carer_id", right_on="pseudonym", how="anti").height
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".xlsx":
        table.write_excel(out)
    else:
        table.write_csv(out, separator=";", date_format="%Y-%m-%d", float_precision=3)
    os.chmod(out, 0o600)
    click.echo(f"Wrote {table.height} carer(s) in band {band} or above to {out} (readable by you only).")
    if unmatched:
        click.echo(f"Warning: {unmatched} scored carer(s) are not in {extract.name}: is it the extract the "
                   "warehouse was loaded from, and the key the same?", err=True)  # fmt: skip
