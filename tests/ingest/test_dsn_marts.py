"""Issue 16: the workforce marts built from monthly DSN files, clean or messy, equal those built from the
staff file of the same simulated careers (small scale; the département comparison is in the closing note
and benchmarks/dsn_ingest.py)."""

import shutil

import pytest

from pipelines.demo import generate_demo
from tests.conftest import query, run_pipeline, snapshot

MARTS = ("marts.workforce_monthly", "marts.turnover_12m", "marts.exits_by_reason", "marts.early_attrition")


@pytest.fixture(scope="module", params=[False, True], ids=["clean", "messy"])
def dsn_warehouse(request, tmp_path_factory):
    landing = tmp_path_factory.mktemp("dsn") / "landing"
    generate_demo(landing, scale="small", seed=7, dsn=True)  # the seed of small_demo
    if request.param:
        # The messy DSN files (corrections, a missing month, interns, a sick-leave notice, accents) beside
        # the clean other extracts: what is compared is what the DSN files give.
        messy = landing.parent / "messy"
        generate_demo(messy, scale="small", seed=7, dsn=True, messy=True)
        for path in landing.glob("dsn*"):
            path.unlink()
        for path in messy.glob("dsn*"):
            shutil.copy(path, landing / path.name)
    assert not (landing / "staff.csv").exists() and len(list(landing.glob("dsn*"))) > 100
    warehouse = landing.parent / "vivier.duckdb"
    outcome = run_pipeline(landing, warehouse)
    assert outcome.success, outcome.failures
    return warehouse


def test_the_workforce_marts_from_dsn_files_equal_those_from_the_staff_file(dsn_warehouse, small_warehouse):
    from_dsn = snapshot(dsn_warehouse)
    from_file = snapshot(small_warehouse)
    for table in MARTS:
        assert from_file[table], table  # a comparison of two empty tables would prove nothing
        assert from_dsn[table] == from_file[table], table


def test_every_contract_block_of_every_dsn_file_is_accounted_for(dsn_warehouse):
    faults = query(
        dsn_warehouse,
        "SELECT source_file, rows_read, rows_loaded + rows_quarantined + exact_duplicates + not_employment + replaced "
        "FROM quality.ingest_report WHERE extract = 'staff' AND file_format = 'dsn' "
        "AND rows_read <> rows_loaded + rows_quarantined + exact_duplicates + not_employment + replaced",
    )
    assert faults == []
    ((files, blocks),) = query(dsn_warehouse, "SELECT count(*), sum(contract_blocks) FROM quality.ingest_dsn_files")
    (read,) = query(dsn_warehouse, "SELECT sum(rows_read) FROM quality.ingest_report WHERE file_format = 'dsn'")[0]
    assert files > 100 and blocks == read > 0
