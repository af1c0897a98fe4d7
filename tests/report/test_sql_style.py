"""Every sql/ view passes sqlfluff in DuckDB's dialect with the repository's .sqlfluff (what `make lint`
runs): it parses whole, in the house style. A failure names the file, the line and the rule."""

from sqlfluff.core import FluffConfig, Linter

from pipelines.paths import ROOT, SQL_DIR


def test_every_view_passes_sqlfluff_with_the_repository_config():
    config = FluffConfig.from_path(str(ROOT))
    assert config.get("dialect") == "duckdb", "the repository's .sqlfluff was not read"
    result = Linter(config=config).lint_paths((str(SQL_DIR),))
    linted = {lf.path for lf in result.paths[0].files}
    assert len(linted) == len(list(SQL_DIR.glob("*.sql"))), "sqlfluff did not lint every sql/*.sql file"
    problems = [
        f"sql/{file.path.rsplit('/', 1)[-1]}, line {v.line_no}: {v.rule_code()} {v.desc()}"
        for file in result.paths[0].files
        for v in file.get_violations()
    ]
    assert not problems, (
        "sqlfluff finds, in sql/ (`sqlfluff fix sql/` mends most; PRS means DuckDB's dialect could not parse it):\n"
        + "\n".join(problems)
    )
