"""Matching a file's headers to the contract's column names, directly or through
the alias file `config/column_aliases.yaml`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from pipelines.ingest.aliases import known_headers, load_aliases, normalise_header
from pipelines.ingest.contract import Extract
from pipelines.ingest.files import ExtractFileError, TextTable
from pipelines.text import printable

__all__ = [
    "HeaderMap",
    "dropped_as_listed",
    "extract_tables",
    "known_headers",
    "load_aliases",
    "map_headers",
    "normalise_header",
]

# Headers that HR and payroll exports carry beside the contract's columns. A dropped header that
# is one of them (once normalised, as aliases are) is a column's name and is listed as written in
# the summary and the ingest report; any other may be a note about a person typed in the header
# row ("Remplaçante de Mme ... 06 ..."), and is listed only by its position and length.
DROPPED_HEADERS_SHOWN = frozenset(
    normalise_header(h)
    for h in (
        "Nom",
        "Prénom",
        "Prénoms",
        "Nom de naissance",
        "Nom d'usage",
        "Nom de famille",
        "Nom marital",
        "Nom prénom",
        "Prénom nom",
        "Civilité",
        "Sexe",
        "Âge",
        "Date de naissance",
        "Lieu de naissance",
        "Nationalité",
        "NIR",
        "Clé NIR",
        "N° de sécurité sociale",
        "Numéro de sécurité sociale",
        "N° SS",
        "NSS",
        "Sécurité sociale",
        "Adresse",
        "Adresse 1",
        "Adresse 2",
        "Complément d'adresse",
        "Code postal",
        "CP",
        "Ville",
        "Commune",
        "Pays",
        "Téléphone",
        "Tél",
        "Portable",
        "Téléphone portable",
        "E-mail",
        "Email",
        "Mail",
        "Courriel",
        "Adresse e-mail",
        "Situation familiale",
        "Nombre d'enfants",
        "Nom de l'enfant",
        "Prénom de l'enfant",
        "Date de naissance enfant",
        "Personne à prévenir",
        "IBAN",
        "RIB",
        "BIC",
        "Mutuelle",
        "Commentaire",
        "Commentaires",
        "Observation",
        "Observations",
        "Remarque",
        "Remarques",
        "Note",
        "Notes",
        "Matricule",
        "Service",
        "Poste",
        "Libellé emploi",
        "Qualification",
        "Catégorie",
        "Statut",
        "Coefficient",
        "Indice",
        "Échelon",
        "Ancienneté",
        "Date d'ancienneté",
        "Convention collective",
        "Temps de travail",
        "Horaire",
        "Salaire",
        "Motif",
        "Référent",
        "Responsable",
    )
)


@dataclass(frozen=True)
class HeaderMap:
    """Which header of a file feeds which contract column, and the headers left out."""

    columns: dict[str, str]  # header as written -> contract column
    dropped: list[str]


def map_headers(
    file_name: str, headers: list[str], extract: Extract, aliases: dict, header_row: int = 1, header_why: str = ""
) -> HeaderMap:
    """Gives the header map of one file, or raises a file error that says how to fix the header.

    The header may be a row of data (a file exported without its header): the messages
    quote only the headers that name a column of the contract, never the other cells, and
    say why that row was taken as the header (`header_why`, from `files.find_header`)."""
    why = f" {header_why[:1].upper()}{header_why[1:]}." if header_why else ""
    known = known_headers(extract, aliases)
    file_name = printable(file_name)
    columns: dict[str, str] = {}
    for header in headers:
        column = known.get(normalise_header(header))
        if column is None:
            continue
        twin = next((h for h, c in columns.items() if c == column), None)
        if twin is not None:
            raise ExtractFileError(
                f"{file_name}: the headers '{printable(twin)}' and '{printable(header)}' both mean "
                f"{extract.name}.{column}; keep one of them."
            )
        columns[header] = column

    if not columns:
        raise ExtractFileError(
            f"{file_name}: no column matches the {extract.name} extract: none of the {len(headers)} cells of row "
            f"{header_row}, taken as the header, is one of its column names.{why} Expected headers such as "
            f"{', '.join(extract.column_names)}. If the header row is missing, add it; if the headers are "
            f"another software's names, add them under '{extract.name}:' in config/column_aliases.yaml."
        )
    missing = [c for c in extract.required_columns if c not in columns.values()]
    if missing:
        found = ", ".join(f"'{printable(h)}' ({c})" for h, c in columns.items())
        raise ExtractFileError(
            f"{file_name}: required column(s) missing: {', '.join(missing)}. The header (row {header_row}) has "
            f"{found}, and {len(headers) - len(columns)} other column(s).{why} "
            f"Rename the header, or add its name under '{extract.name}:' in config/column_aliases.yaml."
        )
    return HeaderMap(columns, [h for h in headers if h not in columns])


def dropped_as_listed(table: TextTable, dropped: list[str]) -> list[str]:
    """Gives the dropped headers of a table as the summary and the ingest report list them: as
    written when the header is one HR exports usually carry (Nom, NIR, Adresse, Commentaire...),
    else as its column and length ("column 14 (42 characters)")."""
    positions = dict(zip(table.headers, table.positions or range(1, len(table.headers) + 1), strict=True))
    return [listed_header(h, positions[h]) for h in dropped]


def listed_header(header: str, position: int) -> str:
    """Gives one dropped header as it may be printed and stored: a header outside the usual ones
    may be a note about a person, so only where it is and how long it is are said."""
    if normalise_header(header) in DROPPED_HEADERS_SHOWN or header == f"(no header, column {position})":
        return header
    return f"column {position} ({len(header)} characters)"


def extract_tables(tables: list[TextTable], extract: Extract, aliases: dict) -> list[TextTable]:
    """Gives the tables of a file that hold the extract: the file's one table, or every sheet of
    a workbook whose header names a column of the extract.

    A sheet whose header names none (a legend, notes, a pivot table) is not read, and the
    first table read carries a note naming it for the run's log; a sheet that names some
    columns but misses a required one fails the file (`map_headers`), naming the sheet. A
    workbook with no sheet of the extract fails, naming its sheets."""
    if len(tables) <= 1:
        return tables
    known = known_headers(extract, aliases)
    holds = [any(normalise_header(h) in known for h in t.headers) for t in tables]
    used = [t for t, ok in zip(tables, holds, strict=True) if ok]
    skipped = [t for t, ok in zip(tables, holds, strict=True) if not ok]
    file_name = printable(tables[0].path.name)
    if not used:
        names = ", ".join(f"'{printable(t.sheet)}'" for t in tables)
        raise ExtractFileError(
            f"{file_name}: no sheet of the workbook has a header of the {extract.name} extract (sheets {names}; "
            f"the header is looked for in the first 10 rows of each). Expected headers such as "
            f"{', '.join(extract.column_names)}."
        )
    notes = tuple(
        f"{file_name}: sheet '{printable(t.sheet)}' was not read: none of the "
        f"{len(t.headers)} cells of its row {t.header_row} is a column of the "
        f"{extract.name} extract. If it holds rows of the extract, give it the extract's header."
        for t in skipped
    )
    return [dataclasses.replace(used[0], notes=used[0].notes + notes), *used[1:]]
