"""From the contract blocks of DSN files to staff rows (contract section 2b): the declarations in force,
one history per contract, its row in the staff extract's columns, the mapping to establishments and job
families, and what the ingest report says of every block. Pure: no Dagster, no warehouse.

The identifiers are read as written only inside `read_dsn`; `read_dsn_landing` pseudonymises them
before anything leaves this module."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.ingest.contract import Extract
from pipelines.ingest.dsn import contract_blocks, declarations, kept_lines, pay_lines
from pipelines.ingest.files import FILE, ROW
from pipelines.ingest.pseudonym import pseudonymise
from pipelines.ingest.validate import QUARANTINE_SCHEMA, Validated, describe_invalid_values
from pipelines.text import printable

# S21.G00.40.007 nature -> contract_type; S21.G00.40.008 dispositif 64 and 65 are apprenticeships.
CONTRACT_TYPES = {
    **dict.fromkeys(("01", "07", "09"), "CDI"),
    **dict.fromkeys(("02", "08", "10"), "CDD"),
    "03": "INTERIM",
    "50": "CIVIL_SERVANT",
}
APPRENTICESHIP = ("64", "65")
# S21.G00.62.002 motif de rupture -> exit_reason (contract section 2b); any other code is OTHER.
EXIT_REASONS = {
    **dict.fromkeys(("059", "037"), "RESIGNATION"),
    **dict.fromkeys(("043", "084"), "MUTUAL_AGREEMENT"),
    **dict.fromkeys(("031", "032", "081"), "END_OF_FIXED_TERM"),
    **dict.fromkeys(("034", "035"), "END_OF_TRIAL"),
    **dict.fromkeys(("038", "039"), "RETIREMENT"),
    **dict.fromkeys(
        ("011", "012", "014", "015", "020", "025", "026", "036", "087", "088", "089", "091", "092", "093"),
        "DISMISSAL",
    ),
    "066": "DEATH",
    "998": "INTERNAL_TRANSFER",
}
KEY = ("siren", "person", "contract_number", "start_text")


def _date(text: pl.Expr) -> pl.Expr:
    return text.str.strptime(pl.Date, "%d%m%Y", strict=False)


def contract_histories(snapshots: pl.DataFrame, pay: pl.DataFrame) -> pl.DataFrame:
    """Gives one row per contract (SIREN, person, contract number, start date) from its monthly snapshots
    in force: the values of its latest declared month, its end (date and reason) from an end-of-contract
    block of any month, the gross pay of its first fully declared month per full-time equivalent, the
    month it was last declared, the file and line of its latest block, and its blocks per file."""
    ordered = snapshots.sort("month", "file_order", "block_line")
    ends = (
        ordered.filter(pl.col("end_text").is_not_null() & (pl.col("end_text") != ""))
        .group_by(KEY)
        .agg(pl.col("end_text").last(), pl.col("reason_code").last())
    )
    # The first calendar month the contract covers whole (started by its first day, not ended before its
    # last) and is declared in: its pay that month, per full-time equivalent, is its monthly gross pay.
    first_full = (
        ordered.join(ends, on=list(KEY), how="left", nulls_equal=True)
        .filter(
            (_date(pl.col("start_text")) <= pl.col("month"))
            & (
                _date(pl.col("end_text_right")).is_null()
                | (_date(pl.col("end_text_right")) >= pl.col("month").dt.month_end())
            )
        )
        .group_by(KEY)
        .agg(pl.col("month").min().alias("pay_month"))
    )
    pay_by_contract = (
        ordered.select(*KEY, "declaration", "individual")
        .unique()
        .join(pay, on=["declaration", "individual", "contract_number"])
        .join(first_full, on=list(KEY), nulls_equal=True)
        .filter(
            (pl.col("period_start") == pl.col("pay_month"))
            & (pl.col("period_end") == pl.col("pay_month").dt.month_end())
        )
        .group_by(KEY)
        .agg(pl.col("amount").sum().alias("pay_amount"))
    )
    latest = ordered.group_by(KEY, maintain_order=True).agg(
        pl.all().exclude("end_text", "reason_code").last(),
        pl.col("month").max().alias("last_declared_month"),
    )
    return latest.join(ends, on=list(KEY), how="left", nulls_equal=True).join(
        pay_by_contract, on=list(KEY), how="left", nulls_equal=True
    )


def _iso(text: pl.Expr) -> pl.Expr:
    """JJMMAAAA as YYYY-MM-DD (text, as the staff extract writes dates); anything else as it was."""
    return (
        pl.when(text.str.contains(r"^\d{8}$"))
        .then(text.str.slice(4, 4) + "-" + text.str.slice(2, 2) + "-" + text.str.slice(0, 2))
        .otherwise(text)
    )


def staff_rows(histories: pl.DataFrame) -> pl.DataFrame:
    """Gives each contract history as the staff extract's columns (text, as a file would give them), with
    the SIRET of its place of work, its PCS-ESE code and job title (mapped to establishment and job
    family against the loaded reference lists), and what the ingest report says of it."""
    birth = pl.col("birth_text")
    day_zero, month_zero = birth.str.slice(0, 2) == "00", birth.str.slice(2, 2) == "00"
    fixed_birth = (
        pl.when(day_zero).then(pl.lit("01")).otherwise(birth.str.slice(0, 2))
        + pl.when(month_zero).then(pl.lit("01")).otherwise(birth.str.slice(2, 2))
        + birth.str.slice(4)
    )
    full_time = pl.col("modalite") == "10"
    ratio = pl.col("quotite").cast(pl.Float64, strict=False) / pl.col("reference_quotite").cast(
        pl.Float64, strict=False
    )
    fte = pl.when(full_time).then(pl.lit(1.0)).otherwise(ratio.round(4))
    ended = pl.col("end_text").is_not_null()
    return histories.with_columns(fte_value=fte).select(
        pl.col("person").alias("employee_id"),
        pl.col("contract_number").alias("contract_id"),
        _iso(fixed_birth).alias("birth_date"),
        pl.col("sex_code").replace({"01": "M", "02": "F"}).alias("sex"),
        pl.col("contract_type"),
        pl.col("fte_value").cast(pl.String).alias("fte"),
        _iso(pl.col("start_text")).alias("start_date"),
        _iso(pl.col("end_text")).alias("end_date"),
        pl.when(ended).then(pl.col("reason_code").replace_strict(EXIT_REASONS, default="OTHER")).alias("exit_reason"),
        (pl.col("pay_amount") / pl.col("fte_value")).round(2).cast(pl.String).alias("monthly_gross_pay"),
        pl.coalesce(pl.col("workplace_siret").replace("", None), pl.col("declared_siret")).alias("siret"),
        "siren",
        "pcs_ese",
        "emploi_label",
        "last_declared_month",
        ended.alias("end_confirmed"),
        (day_zero | month_zero).fill_null(False).alias("birth_date_completed"),
        pl.col("source_file"),
        pl.col("block_line").cast(pl.Int64).alias("source_row"),
    )


def read_dsn(paths: list[Path]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Gives, from DSN files read in name order: the staff rows of every employment contract in force
    (`staff_rows`; identifiers as read: the caller pseudonymises them), the declarations with their
    status, and every contract block with its file and what became of it (`replaced`, `not_employment`,
    or its contract's row number in the staff rows)."""
    ordered = sorted(paths, key=lambda p: p.name)
    # Files are parsed side by side (up to four): Polars releases the GIL, and a monthly file is too small for
    # Polars to spread over the cores by itself.
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        tied = pl.concat(pool.map(kept_lines, ordered, range(len(ordered))))
    declared = declarations(tied)
    contracts = contract_blocks(tied, declared)
    pay = pay_lines(tied)
    del tied
    in_force = contracts.filter(pl.col("status") == "in_force")
    employment = in_force.with_columns(
        contract_type=pl.when(pl.col("dispositif").is_in(APPRENTICESHIP))
        .then(pl.lit("APPRENTICE"))
        .otherwise(pl.col("nature").replace_strict(CONTRACT_TYPES, default=None))
    )
    histories = contract_histories(employment.filter(pl.col("contract_type").is_not_null()), pay)
    histories = histories.with_row_index("dsn_contract")
    rows = staff_rows(histories).with_columns(histories["dsn_contract"])
    # Blocks of declarations that are not monthly (sick-leave notices...) are not read: those
    # declarations are counted as ignored, their blocks in no count.
    blocks_fate = (
        contracts.filter(pl.col("status") != "ignored")
        .join(histories.select(*KEY, "dsn_contract"), on=list(KEY), how="left", nulls_equal=True)
        .join(employment.select("instance", "contract_type"), on="instance", how="left")
        .select(
            "source_file",
            pl.when(pl.col("status") != "in_force")
            .then(pl.lit("replaced"))
            .when(pl.col("contract_type").is_null())
            .then(pl.lit("not_employment"))
            .otherwise(pl.lit("contract"))
            .alias("fate"),
            pl.when(pl.col("status") == "in_force").then(pl.col("dsn_contract")).alias("dsn_contract"),
        )
    )
    text = pl.col("source_file").cast(pl.String)
    return rows.with_columns(text), declared.with_columns(text), blocks_fate.with_columns(text)


def label_key(label: pl.Expr) -> pl.Expr:
    """Gives a job title as it is matched: case, accents and spaces ignored ("Éducatrice  spécialisée"
    and "EDUCATRICE SPECIALISEE" are one title), and a typographic apostrophe read as a straight one."""
    plain = label.str.normalize("NFKD").str.replace_all(r"\p{Mn}", "").str.replace_all(r"[’‘`´]", "'")
    return plain.str.to_lowercase().str.replace_all(r"\s", "")


def map_to_staff(
    rows: pl.DataFrame, establishments: pl.DataFrame, pcs_job_families: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Gives the DSN contracts (`staff_rows`, ids pseudonymised) as staff rows: the establishment whose
    `siret` is the contract's place of work (else the declaring SIRET), the job family of its job title,
    else of its PCS-ESE code alone (`pcs_job_families`). Also gives the contracts that cannot be staff
    rows, each with its rule and a detail that says which line to add or which SIRET is unknown:
    (`dsn_contract`, `rule`, `detail`).

    Two different contracts of one SIREN under one contract number are both `duplicate_key`."""
    sirets = establishments.select(
        pl.col("siret").str.replace_all(r"\s", "").alias("siret"), "establishment_id"
    ).filter(pl.col("siret").is_not_null() & (pl.col("siret") != ""))
    sirets = sirets.unique("siret", keep="first")
    mapping = pcs_job_families.with_columns(
        pl.col("pcs_ese").str.to_uppercase(), label=label_key(pl.col("emploi_label"))
    )
    by_label = mapping.filter(pl.col("label").is_not_null() & (pl.col("label") != "")).select(
        "label", pl.col("job_family").alias("by_label")
    )
    by_code = mapping.filter(pl.col("label").is_null() | (pl.col("label") == "")).select(
        "pcs_ese", pl.col("job_family").alias("by_code")
    )
    mapped = (
        rows.with_columns(
            pl.col("siret").str.replace_all(r"\s", ""),
            pl.col("pcs_ese").str.to_uppercase(),
            label=label_key(pl.col("emploi_label")),
            shared_number=pl.col("contract_id").count().over("siren", "contract_id") > 1,
        )
        .join(sirets, on="siret", how="left")
        .join(by_label.unique("label", keep="first"), on="label", how="left")
        .join(by_code.unique("pcs_ese", keep="first"), on="pcs_ese", how="left")
        .with_columns(job_family=pl.coalesce("by_label", "by_code"))
    )
    problems = mapped.select(
        "dsn_contract",
        pl.when(pl.col("shared_number"))
        .then(pl.lit("duplicate_key"))
        .when(pl.col("establishment_id").is_null() | pl.col("job_family").is_null())
        .then(pl.lit("unknown_reference"))
        .alias("rule"),
        pl.concat_str(
            [
                pl.when(pl.col("shared_number")).then(
                    pl.lit(
                        "contract_id: another contract of this SIREN (another person or start date) has the same "
                        "contract number (S21.G00.40.009)"
                    )
                ),
                pl.when(pl.col("establishment_id").is_null()).then(
                    pl.lit("establishment_id: SIRET ")
                    + pl.col("siret").fill_null("(none)")
                    + pl.lit(" is in no establishment's siret column (add it to establishments)")
                ),
                pl.when(pl.col("job_family").is_null()).then(
                    pl.lit("job_family: PCS-ESE ")
                    + pl.col("pcs_ese").fill_null("(none)")
                    + pl.lit(" with job title '")
                    + pl.col("emploi_label").fill_null("")
                    + pl.lit("' is not in pcs_job_families (add a line for the code, or for the title)")
                ),
            ],
            separator="; ",
            ignore_nulls=True,
        ).alias("detail"),
    ).filter(pl.col("rule").is_not_null())
    return mapped.drop("label", "by_label", "by_code", "shared_number"), problems


@dataclass(frozen=True)
class DsnRead:
    """What the DSN files of the landing folder give the staff extract."""

    rows: pl.DataFrame  # `staff_rows`, employee_id and contract_id pseudonymised, with `dsn_contract`
    blocks: pl.DataFrame  # source_file, dsn_contract (null unless in force), fate, blocks
    files: pl.DataFrame  # FILES_SCHEMA: per file, declarations by status and contract blocks read
    missing_months: pl.DataFrame  # siret, month: a SIRET declared the month before and after, not this one


FILES_SCHEMA = {
    "source_file": pl.String,
    "declarations_read": pl.Int64,
    "declarations_in_force": pl.Int64,
    "declarations_replaced": pl.Int64,
    "declarations_cancelled": pl.Int64,
    "declarations_ignored": pl.Int64,
    "contract_blocks": pl.Int64,
    "birth_dates_completed": pl.Int64,
    "unconfirmed_ends": pl.Int64,
}
ROWS_SCHEMA = {
    "employee_id": pl.String,
    "contract_id": pl.String,
    "birth_date": pl.String,
    "sex": pl.String,
    "contract_type": pl.String,
    "fte": pl.String,
    "start_date": pl.String,
    "end_date": pl.String,
    "exit_reason": pl.String,
    "monthly_gross_pay": pl.String,
    "siret": pl.String,
    "siren": pl.String,
    "pcs_ese": pl.String,
    "emploi_label": pl.String,
    "last_declared_month": pl.Date,
    "end_confirmed": pl.Boolean,
    "birth_date_completed": pl.Boolean,
    "unconfirmed_end": pl.Boolean,
    "source_file": pl.String,
    "source_row": pl.Int64,
    "dsn_contract": pl.Int64,
}
BLOCKS_SCHEMA = {"source_file": pl.String, "dsn_contract": pl.Int64, "fate": pl.String, "blocks": pl.Int64}
MISSING_SCHEMA = {"siret": pl.String, "month": pl.Date}


def empty_read() -> DsnRead:
    """Gives what no DSN file gives: every table, no row."""
    return DsnRead(*(pl.DataFrame(schema=s) for s in (ROWS_SCHEMA, BLOCKS_SCHEMA, FILES_SCHEMA, MISSING_SCHEMA)))


def missing_months(declared: pl.DataFrame) -> pl.DataFrame:
    """Gives each (SIRET, month) with a monthly declaration in force the month before and the month after
    but not that month: a file not received, never a wave of exits."""
    months = declared.filter(pl.col("status") == "in_force").select("siret", "month").unique()
    before = months.with_columns(pl.col("month").dt.offset_by("1mo"))
    after = months.with_columns(pl.col("month").dt.offset_by("-1mo"))
    return (
        before.join(after, on=["siret", "month"])
        .join(
            declared.filter(pl.col("status").is_in(["in_force", "cancelled"])).select("siret", "month"),
            on=["siret", "month"],
            how="anti",
        )
        .sort("siret", "month")
    )


def read_dsn_landing(paths: list[Path], key: str) -> DsnRead:
    """Gives what the DSN files say of the staff, identifiers pseudonymised with `key`: nothing that
    names a person (NIR, names, address, matricule as written) leaves this function."""
    rows, declared, fates = read_dsn(paths)
    rows = pseudonymise(rows, ["employee_id", "contract_id"], key)
    # Not declared in the last month any file declares, and no end-of-contract block: open, not an exit.
    latest = declared.filter(pl.col("status") == "in_force")["month"].max()
    before_latest = pl.col("last_declared_month") < latest if latest is not None else pl.lit(False)
    rows = rows.with_columns(unconfirmed_end=~pl.col("end_confirmed") & before_latest)
    blocks = fates.group_by("source_file", "dsn_contract", "fate").agg(pl.len().cast(pl.Int64).alias("blocks"))
    by_status = declared.group_by("source_file").agg(
        pl.len().cast(pl.Int64).alias("declarations_read"),
        *(
            (pl.col("status") == s).sum().cast(pl.Int64).alias(f"declarations_{s}")
            for s in ("in_force", "replaced", "cancelled", "ignored")
        ),
    )
    read = fates.group_by("source_file").agg(pl.len().cast(pl.Int64).alias("contract_blocks"))
    noted = rows.group_by("source_file").agg(
        pl.col("birth_date_completed").sum().cast(pl.Int64).alias("birth_dates_completed"),
        pl.col("unconfirmed_end").sum().cast(pl.Int64).alias("unconfirmed_ends"),
    )
    names = pl.DataFrame({"source_file": [p.name for p in sorted(paths, key=lambda p: p.name)]})
    files = (
        names.join(by_status, on="source_file", how="left")
        .join(read, on="source_file", how="left")
        .join(noted, on="source_file", how="left")
        .fill_null(0)
        .select(list(FILES_SCHEMA))
        .cast(FILES_SCHEMA)
    )
    return DsnRead(
        rows.select(list(ROWS_SCHEMA)).cast(ROWS_SCHEMA),
        blocks.sort("source_file", "dsn_contract").cast(BLOCKS_SCHEMA),
        files,
        missing_months(declared).cast(MISSING_SCHEMA),
    )


# Where the raw step keeps what the DSN files gave, for the staging step and the ingest report.
RAW_ROWS, RAW_BLOCKS = "raw.staff_dsn", "raw.staff_dsn_blocks"
FILES_TABLE, MISSING_TABLE = "quality.ingest_dsn_files", "quality.dsn_missing_months"


def dsn_tables(read: DsnRead) -> dict[str, pl.DataFrame]:
    """Gives the tables the staff's raw step writes for the DSN files (empty when there is none)."""
    return {RAW_ROWS: read.rows, RAW_BLOCKS: read.blocks, FILES_TABLE: read.files, MISSING_TABLE: read.missing_months}


def dsn_file_reports(read: DsnRead) -> pl.DataFrame:
    """Gives each DSN file's line of `quality.ingest_files`: its unit is the contract block."""
    return read.files.select(
        pl.lit("staff").alias("extract"),
        "source_file",
        pl.lit("dsn").alias("file_format"),
        pl.lit("").alias("encoding"),
        pl.lit("").alias("separator"),
        pl.col("contract_blocks").alias("rows_read"),
        pl.lit(0, pl.Int64).alias("blank_rows"),
        pl.lit("").alias("dropped_columns"),
    )


def staff_to_check(
    dsn_rows: pl.DataFrame, establishments: pl.DataFrame, pcs_job_families: pl.DataFrame, extract: Extract
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Gives the DSN contracts that map to staff rows, in the raw layer's shape (to be validated with the
    staff files' rows), and those that do not, as quarantine rows naming the SIRET, code or number."""
    mapped, problems = map_to_staff(dsn_rows, establishments, pcs_job_families)
    columns = [*extract.column_names, FILE, ROW]
    fine = describe_invalid_values(extract, mapped.join(problems, on="dsn_contract", how="anti").select(columns))
    refused = mapped.join(problems, on="dsn_contract").select(
        pl.lit(extract.name).alias("extract"),
        FILE,
        ROW,
        "rule",
        pl.col("detail").map_elements(printable, return_dtype=pl.String),
        pl.struct(extract.column_names).struct.json_encode().alias("record"),
    )
    return fine, refused.cast(QUARANTINE_SCHEMA)


def block_report(
    report: pl.DataFrame, dsn_rows: pl.DataFrame, blocks: pl.DataFrame, checked: Validated
) -> pl.DataFrame:
    """Gives the ingest report with each DSN file's line counted in contract blocks: read = loaded +
    quarantined + exact duplicates (blocks folded into those contracts) + not_employment + replaced."""
    outcome = pl.concat(
        [
            checked.loaded.select(FILE, ROW, pl.lit("loaded").alias("outcome")),
            checked.quarantined.select(FILE, ROW, pl.lit("quarantined").alias("outcome")),
            checked.duplicates.select(FILE, ROW, pl.lit("duplicate").alias("outcome")),
        ]
    )
    contracts = dsn_rows.select("dsn_contract", FILE, ROW).join(outcome, on=[FILE, ROW], how="left")
    fates = blocks.join(contracts.select("dsn_contract", "outcome"), on="dsn_contract", how="left").with_columns(
        outcome=pl.when(pl.col("fate") == "contract").then(pl.col("outcome")).otherwise(pl.col("fate"))
    )
    counted = fates.group_by(FILE).agg(
        (pl.col("blocks") * (pl.col("outcome") == name)).sum().cast(pl.Int64).alias(column)
        for name, column in (
            ("loaded", "rows_loaded"),
            ("quarantined", "rows_quarantined"),
            ("duplicate", "exact_duplicates"),
            ("not_employment", "not_employment"),
            ("replaced", "replaced"),
        )
    )
    dsn_files = report.join(counted, on=FILE, how="inner")
    dsn_files = dsn_files.with_columns(
        pl.col(f"{c}_right").alias(c)
        for c in ("rows_loaded", "rows_quarantined", "exact_duplicates", "not_employment", "replaced")
    ).select(report.columns)
    return pl.concat([report.join(counted, on=FILE, how="anti"), dsn_files]).sort(FILE)
