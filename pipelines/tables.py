"""One way to write an asset that computes warehouse tables: what it reads is declared once,
as the tables it names, and those are its lineage in the Dagster UI.

    @table_asset("marts.carer_funnel", reads=["staging.carer_enquiries", PERIOD], group="carers")
    def carer_funnel(tables: Tables):
        table = funnel.carer_funnel(tables.lazy("staging.carer_enquiries"), tables.period).collect()
        return table, {"enquiries": table["enquiries"].sum()}

The asset's description and column schema (names, DuckDB types, what each holds) are the table's,
from `pipelines.catalog`; an asset that declares the reporting period shows its as-of month
(`as_of_month`). The body gets a `Tables`
that reads only the declared tables (an undeclared one is a programming error, refused at
once, so the graph cannot drift from the code), returns the table (or several, for
`tables_asset`) and the metadata an analyst wants; the wrapper writes
each table in one transaction and adds its row count. Metadata values are plain Python:
numbers are plotted by the UI across runs, a frame becomes a Markdown table (a `(caption,
frame)` pair, a captioned one), `Markdown` text is rendered, `None` (could not be computed) is
left out.
"""

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl

from pipelines.catalog import COLUMNS, DESCRIPTIONS, topics
from pipelines.markdown import Markdown, markdown_table
from pipelines.months import PERIOD_TABLE, Period
from pipelines.warehouse import Warehouse

PERIOD = PERIOD_TABLE  # the name assets declare it by
COMPUTED = frozenset({"polars", "duckdb"})
# Definition metadata a table asset carries: Dagster shows the first as the table's "Columns", the
# second as the name to query it by.
COLUMN_SCHEMA, TABLE_NAME = "dagster/column_schema", "dagster/table_name"
# An asset computed in a step of several tables: the step's name, as the runs list shows it.
STEP = "step"

# What an asset body gives back: a table, or a table and its metadata.
Output = pl.DataFrame | pl.LazyFrame | tuple[pl.DataFrame | pl.LazyFrame, Mapping[str, Any]]


def asset_key(table: str) -> dg.AssetKey:
    """Gives the asset key of a warehouse table: `staging.staff` is `staging/staff`."""
    return dg.AssetKey(table.split("."))


class UndeclaredTableError(KeyError):
    """An asset read a table it did not declare in `reads`: its lineage would be wrong."""


@dataclass
class Tables:
    """The warehouse as one asset may read it: the tables it declared, and its own as the last run left them."""

    warehouse: Warehouse
    declared: frozenset[str]

    def _check(self, table: str) -> str:
        if table not in self.declared:
            raise UndeclaredTableError(
                f"{table} is read but not declared: add it to the asset's reads "
                f"(declared: {', '.join(sorted(self.declared))})."
            )
        return table

    def read(self, table: str, columns: Iterable[str] = (), where: str = "") -> pl.DataFrame:
        """Gives a declared table: only `columns` (names or SQL expressions) if given, only the rows
        `where` (an SQL condition) holds if given."""
        selected = ", ".join(columns) or "*"
        condition = f" WHERE {where}" if where else ""
        return self.warehouse.query(f"SELECT {selected} FROM {self._check(table)}{condition}")

    def lazy(self, table: str) -> pl.LazyFrame:
        """Gives every row of a declared table, read into memory, as a LazyFrame (no filter is
        pushed down to DuckDB: the transforms are pure Polars and know nothing of the warehouse)."""
        return self.read(table).lazy()

    def exists(self, table: str) -> bool:
        """Tells whether a declared table has been written yet (a first run may not have it)."""
        return self.warehouse.exists(self._check(table))

    @functools.cached_property
    def period(self) -> Period:
        """The reporting period (`staging.reporting_period`, which must be declared)."""
        return Period.from_table(self.read(PERIOD))


def metadata_value(value: Any) -> Any:
    """Gives the metadata Dagster shows for a plain value (None: nothing to show)."""
    if isinstance(value, pl.DataFrame):
        return dg.MetadataValue.md(markdown_table(value))
    if isinstance(value, Markdown):
        return dg.MetadataValue.md(value)
    if isinstance(value, tuple):
        caption, frame = value
        return dg.MetadataValue.md(f"{caption}\n\n{markdown_table(frame)}")
    if isinstance(value, bool | str | dg.MetadataValue):
        return value
    if isinstance(value, Path):
        return dg.MetadataValue.path(str(value))
    if isinstance(value, int):
        return dg.MetadataValue.int(value)
    return dg.MetadataValue.float(round(float(value), 6))


def metadata(values: Mapping[str, Any]) -> dict[str, Any]:
    """Gives Dagster metadata for plain values, leaving out those that could not be computed."""
    return {name: metadata_value(v) for name, v in values.items() if v is not None}


def column_schema(columns: Iterable[tuple[str, str, str]]) -> dg.TableSchema:
    """Gives the schema Dagster shows of a table's columns, each (name, DuckDB type, description)."""
    return dg.TableSchema(columns=[dg.TableColumn(name, type_, description) for name, type_, description in columns])


def table_metadata(table: str, columns: Iterable[tuple[str, str, str]]) -> dict[str, Any]:
    """Gives the definition metadata of a warehouse table's asset: its column schema and its name."""
    return {COLUMN_SCHEMA: column_schema(columns), TABLE_NAME: table}


def table_spec(table: str, reads: Iterable[str], group: str, kinds: Iterable[str] = COMPUTED) -> dg.AssetSpec:
    """Gives the asset of one warehouse table, depending on the tables it reads, described as the
    catalogue (`pipelines.catalog`) describes the table and its columns."""
    return dg.AssetSpec(
        key=asset_key(table),
        deps=[asset_key(t) for t in reads],
        group_name=group,
        kinds=set(kinds),
        description=DESCRIPTIONS[table],
        metadata=table_metadata(table, COLUMNS[table]),
        tags=dict.fromkeys(topics(table), ""),
    )


def with_as_of_month(tables: Tables, values: Mapping[str, Any]) -> Mapping[str, Any]:
    """Gives `values` led by the as-of month, when the asset declared the reporting period."""
    if PERIOD not in tables.declared:
        return values
    return {"as_of_month": str(tables.period.as_of.replace(day=1)), **values}


# A value of this name in what a step returns is the table's data version, not metadata: a table
# rewritten with the same content (a model kept) keeps its version, and what reads it stays up to date.
DATA_VERSION = "data_version"


def _split(output: Output) -> tuple[pl.DataFrame | pl.LazyFrame, Mapping[str, Any]]:
    return output if isinstance(output, tuple) else (output, {})


def table_asset(
    table: str, *, reads: Iterable[str], group: str, kinds: Iterable[str] = COMPUTED
) -> Callable[[Callable[..., Output]], dg.AssetsDefinition]:
    """Makes an asset of a function `(tables: Tables) -> table or (table, metadata)` that computes
    `table` from `reads`; the function may take `context` as a second argument, to log."""
    spec = table_spec(table, reads, group, kinds)

    def decorate(compute: Callable[..., Output]) -> dg.AssetsDefinition:
        wants_context = compute.__code__.co_argcount > 1

        # The op is named after the key (marts__carer_funnel), as @dg.asset(key=...) names it.
        @dg.asset(
            key=spec.key,
            deps=spec.deps,
            group_name=group,
            kinds=spec.kinds,
            description=spec.description,
            metadata=spec.metadata,
            tags=spec.tags,
        )
        def _asset(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
            tables = Tables(warehouse, frozenset([*reads, table]))
            frame, values = _split(compute(tables, context) if wants_context else compute(tables))
            rows = warehouse.replace(table, frame)
            return dg.MaterializeResult(metadata={"rows": rows, **metadata(with_as_of_month(tables, values))})

        return _asset

    return decorate


def tables_asset(
    specs: list[dg.AssetSpec], *, can_subset: bool = False, description: str | None = None
) -> Callable[[Callable[..., Mapping[str, Output]]], dg.AssetsDefinition]:
    """Makes one step of several tables (`table_spec`s) of a function `(tables, selected, context)
    -> {table: table or (table, metadata)}`; `selected` are the tables the run asked for. The
    tables are written together, in one transaction: all or none.

    The step is named after the function, not after a table: its description names the tables it
    writes, and each table's metadata names the step (`step`), so either is found from the other."""
    # An asset may read what it wrote last time (the model registry keeps past models): its own tables too.
    reads = frozenset(".".join(dep.asset_key.path) for spec in specs for dep in spec.deps)
    reads |= {".".join(spec.key.path) for spec in specs}

    def decorate(compute: Callable[..., Mapping[str, Output]]) -> dg.AssetsDefinition:
        step = compute.__name__
        written = ", ".join(spec.key.to_user_string() for spec in specs)
        # The step's own description: the tables it writes, then what the function says of itself.
        detail = description or " ".join((compute.__doc__ or "").split())
        about = f"Computes {written} together." + (f" {detail}" if detail else "")
        named = [spec.merge_attributes(metadata={STEP: f"{step} (writes {written})"}) for spec in specs]

        @dg.multi_asset(specs=named, can_subset=can_subset, description=about, name=step)
        def _asset(context: dg.AssetExecutionContext, warehouse: Warehouse):
            selected = [".".join(key.path) for key in context.selected_asset_keys]
            tables = Tables(warehouse, reads)
            outputs = {t: _split(o) for t, o in compute(tables, selected, context).items()}
            rows = warehouse.replace_many({t: frame for t, (frame, _) in outputs.items()})
            for t, (_, values) in outputs.items():
                version = values.get(DATA_VERSION)
                values = metadata(with_as_of_month(tables, {k: v for k, v in values.items() if k != DATA_VERSION}))
                yield dg.MaterializeResult(
                    asset_key=asset_key(t),
                    metadata={"rows": rows[t], **values},
                    data_version=dg.DataVersion(version) if version else None,
                )

        return _asset

    return decorate
