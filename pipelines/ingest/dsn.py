"""Reading monthly DSN files (Déclaration sociale nominative, norme NEODeS): the text into lines and
blocks, the declarations each file holds and their contract blocks (contract section 2b). Pure: no
Dagster, no warehouse.

A DSN file is one `RUBRIC,'value'` pair a line (`S21.G00.40.001,'01092019'`); its hierarchy is given
by the order of the lines alone. The file is split once, by Polars, into (block, field, value) and
each line is tied to the block instance, declaration, individual and contract it belongs to by
running counts, so there is no Python loop over lines: a département's ten years of monthly files
are a few million lines.

The rubrics read are `KEPT` below; what becomes of them (contract histories, staff rows, the ingest
report) is `pipelines.ingest.dsn_staff`, and `docs/contract.md` section 2b gives the mapping."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.ingest.files import ExtractFileError

# `S21.G00.40.001,'01092019'`: the rubric (structure, group, block, field) and the value in quotes.
LINE = r"^S\d{2}\.G\d{2}\.\d{2}\.\d{3},'.*'$"
DECLARATION, COMPANY, ESTABLISHMENT = "S20.G00.05", "S21.G00.06", "S21.G00.11"
INDIVIDUAL, CONTRACT, END, PAY = "S21.G00.30", "S21.G00.40", "S21.G00.62", "S21.G00.51"
TOTALS = "S90.G00.90"
FIRST_BLOCK = "S10.G00.00"
MONTHLY = "01"  # S20.G00.05.001: nature of the declaration, DSN mensuelle
CANCELS = "04"  # S20.G00.05.002: type annule intégrale
LINES_SCHEMA = {
    "source_file": pl.String,
    "file_order": pl.Int32,
    "line": pl.Int32,
    "block": pl.String,
    "field": pl.String,
    "value": pl.String,
}


class DsnFileError(ExtractFileError):
    """A DSN file that cannot be read: cut short, or not DSN at all; the message says which and why."""


def decode(data: bytes) -> str:
    """Gives a DSN file's text: UTF-8 when it is valid UTF-8, else ISO-8859-1 (the norm's encoding,
    in which every byte is a character)."""
    try:
        return data.decode("utf-8-sig")  # a byte-order mark, which some editors add, is not text
    except UnicodeDecodeError:
        return data.decode("iso-8859-1")


def read_lines(path: Path, file_order: int = 0) -> pl.DataFrame:
    """Gives every line of one DSN file as (source_file, file_order, line, block, field, value), after
    checking that it is DSN and whole: its closing block counts its lines, its own included."""
    # Line ends of any system; blank lines after the last one (an editor's) are not lines of the file.
    text = decode(path.read_bytes()).replace("\r\n", "\n").replace("\r", "\n").rstrip("\n")
    lines = pl.Series("text", [text], pl.String).str.split("\n").explode() if text else pl.Series("text", [], pl.String)
    line = pl.col("text")
    # The rubric has a fixed width (S21.G00.40.001): sliced, not matched, a regex only says which lines are DSN.
    frame = (
        pl.DataFrame({"text": lines})
        .select(
            pl.lit(path.name, pl.String).alias("source_file"),
            pl.lit(file_order, pl.Int32).alias("file_order"),
            pl.int_range(1, pl.len() + 1, dtype=pl.Int32).alias("line"),
            pl.when(line.str.contains(LINE)).then(line.str.slice(0, 10)).alias("block"),
            line.str.slice(11, 3).alias("field"),
            line.str.slice(16, line.str.len_chars() - 17).alias("value"),
        )
        .cast(LINES_SCHEMA)
    )
    _check_whole(path.name, frame)
    return frame


def _check_whole(name: str, frame: pl.DataFrame) -> None:
    bad = frame.filter(pl.col("block").is_null())["line"]
    if frame.is_empty() or frame["block"][0] != FIRST_BLOCK:
        raise DsnFileError(
            f"{name}: not a DSN file: a DSN file starts with its {FIRST_BLOCK} block (the software that wrote "
            "it), one RUBRIC,'value' pair a line. Only monthly DSN files go in a file named dsn*."
        )
    closed = not frame.filter(pl.col("block") == TOTALS).is_empty()
    if len(bad) == 1 and bad[0] == frame.height and not closed:
        raise DsnFileError(
            f"{name}: cut short: its last line ({bad[0]}) stops inside a rubric, and the closing {TOTALS} "
            "block, which counts the file's lines, is missing. Copy the file again from the payroll software."
        )
    if len(bad):
        others = f" (nor are {len(bad) - 1} other line(s))" if len(bad) > 1 else ""
        raise DsnFileError(
            f"{name}, line {bad[0]}: not a DSN line RUBRIC,'value'{others}: the file was edited or is not DSN. "
            "Export it again from the payroll software."
        )
    counted = frame.filter((pl.col("block") == TOTALS) & (pl.col("field") == "001"))["value"]
    if counted.is_empty():
        raise DsnFileError(
            f"{name}: cut short: the closing {TOTALS} block, which counts the file's lines, is missing "
            f"(the file has {frame.height} lines). Copy the file again from the payroll software."
        )
    if counted[-1].strip() != str(frame.height):
        raise DsnFileError(
            f"{name}: cut short or edited: its closing block counts {counted[-1].strip()} lines, the file has "
            f"{frame.height}. Copy the file again from the payroll software."
        )


def tie_lines(lines: pl.DataFrame) -> pl.DataFrame:
    """Gives the lines of one or more files (in reading order) with the ids of what they belong to:
    `instance` (the block instance: a block starts again when its field numbers go back),
    `declaration`, `individual` and `contract` (the latest such block above the line, or null)."""
    new_instance = (
        (pl.col("block") != pl.col("block").shift(1))
        | (pl.col("field") <= pl.col("field").shift(1))
        | (pl.col("file_order") != pl.col("file_order").shift(1))
    ).fill_null(True)
    tied = lines.with_columns(instance=new_instance.cum_sum().cast(pl.Int64))
    starts = {"declaration": DECLARATION, "individual": INDIVIDUAL, "contract": CONTRACT}
    tied = tied.with_columns(
        pl.when(pl.col("block") == block).then(pl.col("instance")).forward_fill().alias(name)
        for name, block in starts.items()
    )
    # An individual belongs to one declaration, a contract to one individual: ids from an earlier
    # declaration or individual do not carry over.
    first_line = pl.col("line").min().over("instance")
    return tied.with_columns(
        individual=pl.when(pl.col("individual") > pl.col("declaration")).then(pl.col("individual")),
    ).with_columns(
        contract=pl.when(pl.col("contract") > pl.col("individual")).then(pl.col("contract")),
        block_line=first_line,
    )


def kept_lines(path: Path, file_order: int) -> pl.DataFrame:
    """Gives the lines of one DSN file that Vivier reads (`KEPT`), tied to their block instance,
    declaration, individual and contract (ids unique across files). Names, addresses and every other
    rubric are dropped here, file by file: they are never held for more than one file."""
    lines = read_lines(path, file_order)
    # Kept before the lines are tied: an instance of a kept block still starts where its block changes
    # or its field numbers go back (every block read starts with a rubric it always has).
    wanted = (pl.col("block") + "." + pl.col("field")).is_in([f"{b}.{f}" for b, fields in KEPT.items() for f in fields])
    offset = pl.lit(file_order, pl.Int64) * 2**32
    return tie_lines(lines.filter(wanted)).with_columns(
        pl.col("instance", "declaration", "individual", "contract") + offset,
        # A file's name and the rubric names repeat on every line: held once each.
        pl.col("source_file", "block", "field").cast(pl.Categorical),
    )


def blocks(tied: pl.DataFrame, block: str, fields: dict[str, str]) -> pl.DataFrame:
    """Gives one row per instance of `block`, with its `fields` (rubric number -> column name; absent:
    null), where it is (file, line of its first rubric) and what it belongs to."""
    rows = tied.filter((pl.col("block") == block) & pl.col("field").is_in(list(fields)))
    ids = ["instance", "source_file", "file_order", "block_line", "declaration", "individual", "contract"]
    spine = (
        tied.filter(pl.col("block") == block)
        .group_by("instance", maintain_order=True)
        .agg(pl.col(c).first() for c in ids if c != "instance")
    )
    if rows.is_empty():
        wide = spine.select("instance")
    else:
        wide = rows.pivot(on="field", index="instance", values="value", aggregate_function="last")
    wide = wide.with_columns(pl.lit(None, pl.String).alias(f) for f in fields if f not in wide.columns)
    return spine.join(wide.select("instance", *fields).rename(fields), on="instance", how="left").sort("instance")


def declarations(tied: pl.DataFrame) -> pl.DataFrame:
    """Gives one row per declaration (S20.G00.05) in reading order: its file and line, nature, type,
    month (first day), SIREN, NIC and SIRET, and `status`: `in_force`, `replaced` (a later declaration
    of the same SIRET and month replaced or cancelled it), `cancelled` (a type 04 left in force last),
    or `ignored` (not a monthly declaration)."""
    head = blocks(tied, DECLARATION, DECLARATION_FIELDS)
    company = blocks(tied, COMPANY, {"001": "siren"}).select("declaration", "siren")
    establishment = blocks(tied, ESTABLISHMENT, {"001": "nic"}).select("declaration", "nic")
    frame = (
        head.rename({"instance": "id"})
        .join(company.unique("declaration", keep="first"), left_on="id", right_on="declaration", how="left")
        .join(establishment.unique("declaration", keep="first"), left_on="id", right_on="declaration", how="left")
        .with_columns(
            siret=pl.col("siren").str.strip_chars() + pl.col("nic").str.strip_chars(),
            month=pl.col("month_text").str.strip_chars().str.strptime(pl.Date, "%d%m%Y", strict=False),
        )
        .sort("file_order", "block_line")
    )
    monthly = pl.col("nature").str.strip_chars() == MONTHLY
    last = pl.int_range(pl.len()).over("siret", "month", order_by=["file_order", "block_line"]) == (
        pl.len().over("siret", "month") - 1
    )
    monthly_frame = frame.filter(monthly)
    monthly_frame = monthly_frame.with_columns(
        status=pl.when(~last)
        .then(pl.lit("replaced"))
        .when(pl.col("type").str.strip_chars() == CANCELS)
        .then(pl.lit("cancelled"))
        .otherwise(pl.lit("in_force"))
    )
    ignored = frame.filter(~monthly.fill_null(True)).with_columns(status=pl.lit("ignored"))
    return pl.concat([monthly_frame, ignored]).sort("file_order", "block_line")


INDIVIDUAL_FIELDS = {"001": "nir", "005": "sex_code", "006": "birth_text", "019": "matricule", "020": "ntt"}
CONTRACT_FIELDS = {
    "001": "start_text",
    "004": "pcs_ese",
    "006": "emploi_label",
    "007": "nature",
    "008": "dispositif",
    "009": "contract_number",
    "012": "reference_quotite",
    "013": "quotite",
    "014": "modalite",
    "019": "workplace_siret",
}
END_FIELDS = {"001": "end_text", "002": "reason_code"}
PAY_FIELDS = {"001": "period_start", "002": "period_end", "010": "contract_number", "011": "pay_type", "013": "amount"}
DECLARATION_FIELDS = {"001": "nature", "002": "type", "005": "month_text"}
# The rubrics read, by block: nothing else of a DSN file is kept past `kept_lines`.
KEPT = {
    DECLARATION: DECLARATION_FIELDS,
    COMPANY: {"001": "siren"},
    ESTABLISHMENT: {"001": "nic"},
    INDIVIDUAL: INDIVIDUAL_FIELDS,
    CONTRACT: CONTRACT_FIELDS,
    END: END_FIELDS,
    PAY: PAY_FIELDS,
}


def contract_blocks(tied: pl.DataFrame, declared: pl.DataFrame) -> pl.DataFrame:
    """Gives one row per contract block (S21.G00.40) with its individual's identity, its declaration's
    SIREN, SIRET, month and status, and its end-of-contract block (S21.G00.62) when it has one.

    The NIR and the matricule are here as read: the caller pseudonymises them before anything is kept."""
    individuals = blocks(tied, INDIVIDUAL, INDIVIDUAL_FIELDS).select("individual", *INDIVIDUAL_FIELDS.values())
    ends = (
        blocks(tied, END, END_FIELDS)
        .select("contract", *END_FIELDS.values())
        .unique("contract", keep="last", maintain_order=True)
    )
    heads = declared.select(
        pl.col("id").alias("declaration"), "siren", pl.col("siret").alias("declared_siret"), "month", "status"
    )
    strip = [
        pl.col(c).str.strip_chars()
        for c in (*INDIVIDUAL_FIELDS.values(), *CONTRACT_FIELDS.values(), *END_FIELDS.values())
    ]
    return (
        blocks(tied, CONTRACT, CONTRACT_FIELDS)
        .join(individuals, on="individual", how="left")
        .join(ends, left_on="instance", right_on="contract", how="left")
        .join(heads, on="declaration", how="left")
        .with_columns(strip)
        .with_columns(
            person=pl.coalesce(
                pl.col("matricule").replace("", None), pl.col("nir").replace("", None), pl.col("ntt").replace("", None)
            )
        )
        .drop("nir", "matricule", "ntt")
    )


def pay_lines(tied: pl.DataFrame) -> pl.DataFrame:
    """Gives the gross pay lines (S21.G00.51 of type 001) of each individual, with their period."""
    return (
        blocks(tied, PAY, PAY_FIELDS)
        .filter(pl.col("pay_type").str.strip_chars() == "001")
        .select(
            "declaration",
            "individual",
            pl.col("contract_number").str.strip_chars(),
            pl.col("period_start").str.strip_chars().str.strptime(pl.Date, "%d%m%Y", strict=False),
            pl.col("period_end").str.strip_chars().str.strptime(pl.Date, "%d%m%Y", strict=False),
            pl.col("amount").str.strip_chars().cast(pl.Float64, strict=False),
        )
    )
