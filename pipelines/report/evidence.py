"""The Evidence build: source queries for the report database, `evidence sources` and
`evidence build:strict` run with the project's pinned Node packages, and the errors Evidence
prints without failing (a broken page query logs "Error in Query!" and exits 0)."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipelines.paths import REPORTS_DIR

SOURCE = "vivier"
DATABASE_FILE = "report.duckdb"
SOURCE_QUERY_HEADER = "-- Written by `vivier report` (pipelines/report/evidence.py): one source query per sql/ view.\n"

# What Evidence prints when a query or a chart fails but the build goes on.
ERROR_PATTERNS = (
    re.compile(r"(?P<query>\S+) \| Error in Query!(?P<detail>.*)"),
    re.compile(r"(?P<query>\S+)\s+✖ Error: (?P<detail>.*)"),
    re.compile(r"Error in (?P<query>[A-Z][A-Za-z ]+?): (?P<detail>.*)"),
)


# A line of Evidence's output that names an error or the file it is in (not a line of a stack trace).
ERROR_LINE = re.compile(r"^(?!\s+at )(.*(error|failed)|file: )", re.IGNORECASE)


class ReportBuildError(RuntimeError):
    """The report could not be built; the message says where and what to do."""


@dataclass(frozen=True)
class QueryError:
    query: str
    detail: str

    def __str__(self) -> str:
        return f"{self.query}: {self.detail.strip() or 'see the build log'}"


def source_dir(project: Path = REPORTS_DIR) -> Path:
    return project / "sources" / SOURCE


def write_source_queries(view_names: list[str], project: Path = REPORTS_DIR) -> None:
    """Writes one Evidence source query per report view (`select * from <view>`), removing stale ones."""
    folder = source_dir(project)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.sql"):
        if stale.stem not in view_names:
            stale.unlink()
    for name in view_names:
        (folder / f"{name}.sql").write_text(f'{SOURCE_QUERY_HEADER}select * from "{name}"\n', encoding="utf-8")


def query_errors(log: str) -> list[QueryError]:
    """Gives the failed queries Evidence reported in its output (it exits 0 on some of them)."""
    clean = re.sub(r"\x1b\[[0-9;]*m", "", log)
    return [
        QueryError(m["query"], m["detail"])
        for line in clean.splitlines()
        for pattern in ERROR_PATTERNS
        if (m := pattern.search(line))
    ]


def check_installed(project: Path = REPORTS_DIR) -> None:
    """Raises with the fix when the pinned Node packages are not installed."""
    if not (project / "node_modules" / ".bin" / "evidence").exists():
        raise ReportBuildError(
            f"Evidence is not installed in {project}/node_modules. Run `make report-deps` "
            "(npm ci from reports/package-lock.json; needs Node.js 18 or newer)."
        )


def run_evidence(args: list[str], project: Path, echo: Callable[[str], None]) -> str:
    """Runs the project's own `evidence` with `args`, echoing each line; gives the whole output."""
    # Node gets no Vivier setting: the pseudonym key has nothing to do in a site build.
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIVIER_")}
    env |= {"NO_COLOR": "1", "FORCE_COLOR": "0", "CI": "true"}
    command = [str(project / "node_modules" / ".bin" / "evidence"), *args]
    process = subprocess.Popen(
        command, cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
    )
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        echo(line.rstrip("\n"))
    output = "".join(lines)
    if process.wait() != 0:
        # The last lines are often a stack trace: the lines before them that name the error come first.
        named = [line.rstrip("\n")[:300] for line in lines[:-15] if ERROR_LINE.search(line)][:5]
        first = "its first error lines:\n" + "\n".join(named) + "\n" if named else ""
        raise ReportBuildError(
            f"`evidence {' '.join(args)}` failed (exit {process.returncode}) in {project}; "
            f"{first}its last lines:\n{''.join(lines[-15:])}"
        )
    return output


@contextmanager
def build_lock(project: Path) -> Iterator[None]:
    """Holds the project's build lock: two builds in one Evidence folder would mix their files."""
    with open(project / ".build.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    pages: int
    megabytes: float
    seconds: float


@contextmanager
def build_log(log_file: Path | None, echo: Callable[[str], None]) -> Iterator[Callable[[str], None]]:
    """Gives where Evidence's lines go: `log_file` (replaced, written as they come) if given, else `echo`.

    A failure raised in the block names the log file, whose whole output it holds."""
    if log_file is None:
        yield echo
        return
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with open(log_file, "w", encoding="utf-8") as handle:

        def write(line: str) -> None:
            handle.write(line + "\n")
            handle.flush()

        try:
            yield write
        except ReportBuildError as error:
            raise ReportBuildError(f"{error}\nThe build's whole output: {log_file}") from error


def build_site(
    out_dir: Path,
    project: Path = REPORTS_DIR,
    echo: Callable[[str], None] = print,
    log_file: Path | None = None,
) -> BuildResult:
    """Builds the static site from the source database and queries in place into `out_dir` (replaced).

    Evidence's output goes to `echo`, or with `log_file` to that file (replaced), whose path a failure's
    message then gives. Call it holding `build_lock(project)`."""
    started = time.monotonic()
    shutil.rmtree(project / "build", ignore_errors=True)  # evidence build does not clear it
    with build_log(log_file, echo) as write:
        output = ""
        for args in (["sources", "--strict"], ["build:strict"]):
            if log_file is not None:
                write(f"$ evidence {' '.join(args)}  (in {project})")
            output += run_evidence(args, project, write)
        errors = query_errors(output)
        if errors:
            raise ReportBuildError(
                "The report built, but these queries failed (their charts and tables are "
                "empty). Fix the query in reports/pages/ or the view in sql/:\n  " + "\n  ".join(map(str, errors))
            )
    replace_folder(project / "build", out_dir)
    if out_dir.resolve() != (project / "build").resolve():
        shutil.rmtree(project / "build")  # a copy of the site is enough
    pages = sum(1 for _ in out_dir.rglob("*.html"))
    size = sum(p.stat().st_size for p in out_dir.rglob("*") if p.is_file()) / 1e6
    return BuildResult(out_dir, pages, size, time.monotonic() - started)


def replace_folder(built: Path, out_dir: Path) -> None:
    """Puts the built site at `out_dir`, replacing an earlier build there (and nothing else)."""
    if built.resolve() == out_dir.resolve():
        return
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / "index.html").exists():
        raise ReportBuildError(
            f"{out_dir} is not empty and holds no earlier report (no index.html): "
            "choose an empty folder for VIVIER_REPORT_DIR."
        )
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(built, out_dir)
