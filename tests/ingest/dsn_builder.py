"""Hand-built DSN files for tests: a few lines each, written the way payroll software writes them
(norme NEODeS, contract section 2b): one `RUBRIC,'value'` a line, dates JJMMAAAA, ISO-8859-1.

The builders only save typing the lines every file needs (the S10 header, a declaration's
S20/S21.G00.06/S21.G00.11 lines, the S90 count); what a test expects is written in the test.
"""

from __future__ import annotations

from pathlib import Path

# Two establishments of one association (SIREN 123456789), as establishments.siret holds them.
SIREN = "123456789"
SIRET_E1 = SIREN + "00011"  # E1, a MECS
SIRET_E2 = SIREN + "00029"  # E2, a foster service
SIRET_HQ = SIREN + "00037"  # E3, the head office
SIRET_UNKNOWN = SIREN + "00099"  # in no establishment's siret column

# A person as a DSN names them: NIR, family name, first names. Tests check that none is stored.
NIR = "2800375123456"
SURNAME = "Lefèvre"
FIRST_NAMES = "Marie-Hélène"


def rub(code: str, value: str) -> str:
    return f"{code},'{value}'"


def header(siren: str = SIREN) -> list[str]:
    """The S10 block: the software, the sender."""
    return [
        rub("S10.G00.00.001", "Logiciel de paie"),
        rub("S10.G00.00.002", "Éditeur"),
        rub("S10.G00.00.003", "4.2"),
        rub("S10.G00.00.005", "01"),
        rub("S10.G00.00.006", "P26V01"),
        rub("S10.G00.00.008", "01"),
        rub("S10.G00.01.001", siren),
        rub("S10.G00.01.002", "00037"),
        rub("S10.G00.01.003", "Association A"),
        rub("S10.G00.02.002", "Service paie"),
    ]


def declaration(siret: str, month: str, *people: list[str], kind: str = "01", nature: str = "01") -> list[str]:
    """One declaration of `siret` for `month` (MMAAAA): type `kind` (01 normale, 03 annule et remplace,
    04 annule intégrale...), nature `nature` (01 DSN mensuelle)."""
    lines = [
        rub("S20.G00.05.001", nature),
        rub("S20.G00.05.002", kind),
        rub("S20.G00.05.003", "11"),
        rub("S20.G00.05.004", "1"),
        rub("S20.G00.05.005", "01" + month),
        rub("S21.G00.06.001", siret[:9]),
        rub("S21.G00.06.015", "0413"),
        rub("S21.G00.11.001", siret[9:]),
        rub("S21.G00.11.002", "8790A"),
    ]
    for person in people:
        lines += person
    return lines


def person(
    matricule: str | None,
    *parts: list[str],
    nir: str | None = NIR,
    surname: str = SURNAME,
    first_names: str = FIRST_NAMES,
    sex: str = "02",
    birth: str = "02031980",
    ntt: str | None = None,
) -> list[str]:
    """An individual (S21.G00.30) and what follows it: its contracts (`contract`) and then its pay
    lines (`pay`), under one S21.G00.50 payment when there are any."""
    lines = [
        *([rub("S21.G00.30.001", nir)] if nir else []),
        rub("S21.G00.30.002", surname),
        rub("S21.G00.30.004", first_names),
        rub("S21.G00.30.005", sex),
        rub("S21.G00.30.006", birth),
        rub("S21.G00.30.008", "12 rue des Lilas"),
        rub("S21.G00.30.009", "59000"),
        rub("S21.G00.30.010", "Lille"),
        *([rub("S21.G00.30.019", matricule)] if matricule else []),
        *([rub("S21.G00.30.020", ntt)] if ntt else []),
    ]
    contracts = [p for p in parts if p[0].startswith("S21.G00.40")]
    pays = [p for p in parts if p[0].startswith("S21.G00.51")]
    for c in contracts:
        lines += c
    if pays:
        lines += [rub("S21.G00.50.001", "31012024"), rub("S21.G00.50.002", "1800.00"), rub("S21.G00.50.004", "1800.00")]
        for p in pays:
            lines += p
    return lines


def contract(
    number: str,
    start: str,
    pcs: str = "434d",
    title: str = "Educatrice spécialisée",
    nature: str = "01",
    dispositif: str = "99",
    modalite: str = "10",
    quotite: str = "35.00",
    reference: str = "35.00",
    workplace: str | None = None,
    end: tuple[str, str] | None = None,
) -> list[str]:
    """A contract (S21.G00.40) and, with `end` = (date, motif de rupture), its end (S21.G00.62)."""
    lines = [
        rub("S21.G00.40.001", start),
        rub("S21.G00.40.002", "04"),
        rub("S21.G00.40.004", pcs),
        rub("S21.G00.40.006", title),
        rub("S21.G00.40.007", nature),
        rub("S21.G00.40.008", dispositif),
        rub("S21.G00.40.009", number),
        rub("S21.G00.40.011", "10"),
        rub("S21.G00.40.012", reference),
        rub("S21.G00.40.013", quotite),
        rub("S21.G00.40.014", modalite),
        rub("S21.G00.40.017", "0413"),
        *([rub("S21.G00.40.019", workplace)] if workplace else []),
    ]
    if end:
        lines += [rub("S21.G00.62.001", end[0]), rub("S21.G00.62.002", end[1]), rub("S21.G00.62.006", "01")]
    return lines


def pay(number: str, start: str, end: str, amount: str, kind: str = "001") -> list[str]:
    """A pay line (S21.G00.51) of contract `number` for the period `start`-`end`."""
    return [
        rub("S21.G00.51.001", start),
        rub("S21.G00.51.002", end),
        rub("S21.G00.51.010", number),
        rub("S21.G00.51.011", kind),
        rub("S21.G00.51.013", amount),
    ]


def dsn(*declarations: list[str], count: int | None = None, siren: str = SIREN) -> str:
    """A whole file: the header, the declarations, and the S90 block counting the file's lines (its
    own two included) and declarations; `count` writes another line count (a file cut or edited)."""
    lines = header(siren)
    for d in declarations:
        lines += d
    total = len(lines) + 2
    lines += [
        rub("S90.G00.90.001", str(total if count is None else count)),
        rub("S90.G00.90.002", str(len(declarations))),
    ]
    return "\n".join(lines) + "\n"


def write(folder: Path, files: dict[str, str | bytes]) -> list[Path]:
    """Writes DSN files (text in ISO-8859-1, as the norm has it) and gives their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in files.items():
        path = folder / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode("iso-8859-1"))
        paths.append(path)
    return paths
