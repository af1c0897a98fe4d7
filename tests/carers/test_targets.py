"""`vivier targets`: real ids back from pseudonyms, for the HR officer holding the key, outside the data."""

from __future__ import annotations

import datetime as dt
import stat
import zipfile

import duckdb
import polars as pl
from click.testing import CliRunner

from models.explanation import FACTORS
from models.scoring import SCORE_SCHEMA
from pipelines.carers.targets import FACTOR_LABELS, MEASURE_LABELS, no_lever_reason, targets
from pipelines.ingest.pseudonym import pseudonym
from pipelines.paths import SQL_DIR
from pipelines.report.disclosure import create_macros
from pipelines.warehouse import Warehouse
from tests.conftest import vivier_env

KEY = "a-secret-key-for-tests"


def setup(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse" / "vivier.duckdb"
    landing.mkdir()
    (landing / "foster_carers.csv").write_text(
        "Matricule;Date de naissance;territory_id;employer_kind;approval_date;approved_places;employment_start_date\n"
        " AF001 ;1960-01-01;T1;DEPARTMENT;2000-01-01;2;2000-02-01\n"
        "AF002;1980-01-01;T1;DEPARTMENT;2010-01-01;1;2010-02-01\n"
        "AF003;1985-01-01;T2;DEPARTMENT;2015-01-01;3;2015-02-01\n",
        encoding="utf-8",
    )
    scores = (
        pl.DataFrame(
            {
                "carer_id": [pseudonym(i, KEY) for i in ("AF001", "AF002", "AF003", "AF999")],
                "as_of_date": [dt.date(2024, 6, 30)] * 4,
                "risk_12m": [0.9, 0.2, 0.05, 0.5],
                "risk_band": ["HIGH", "MEDIUM", "LOW", "HIGH"],
                "places_at_risk": [1.8, 0.2, 0.0, 0.5],
                "top_factors": ["approaching_retirement", "support_visits", None, None],
                "suggested_measure": ["mentoring of new carers", "more référent visits", None, None],
                "children_placed": [2, 1, 0, 1],
                "territory_id": ["T1", "T1", "T2", "T2"],
            },
        )
        .with_columns(
            pl.lit(None).alias(c)
            for c in SCORE_SCHEMA
            if c
            not in (
                "carer_id",
                "as_of_date",
                "risk_12m",
                "risk_band",
                "places_at_risk",
                "top_factors",
                "suggested_measure",
                "children_placed",
                "territory_id",
            )
        )
        .cast(SCORE_SCHEMA)
    )
    Warehouse(path=str(warehouse)).replace("ml.carer_attrition_scores", scores)
    # T2 has no name in the extract: the list shows its code.
    territories = pl.DataFrame({"territory_id": ["T1"], "name": ["Territoire Nord"]})
    Warehouse(path=str(warehouse)).replace("staging.territories", territories)
    return landing, warehouse


def run(landing, warehouse, *args):
    with vivier_env(VIVIER_LANDING_DIR=str(landing), VIVIER_WAREHOUSE=str(warehouse), VIVIER_PSEUDONYM_KEY=KEY):
        return CliRunner().invoke(targets, ["--extract", str(landing / "foster_carers.csv"), *args])


def test_targets_lists_real_ids_of_medium_and_high_risks(tmp_path):
    landing, warehouse = setup(tmp_path)
    out = tmp_path / "hr" / "to_contact.csv"
    result = run(landing, warehouse, "--out", str(out))
    assert result.exit_code == 0, result.output
    table = pl.read_csv(out, separator=";")
    assert table.select("Identifiant", "Niveau de risque").rows() == [("AF001", "élevé"), ("AF002", "moyen")]
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "1 scored carer(s) are not in foster_carers.csv" in result.output


def test_targets_never_writes_next_to_the_data(tmp_path):
    landing, warehouse = setup(tmp_path)
    for inside in (landing / "targets.csv", warehouse.parent / "targets.csv"):
        result = run(landing, warehouse, "--out", str(inside))
        assert result.exit_code != 0 and "must not sit next to the data" in result.output
        assert not inside.exists()
    # The warehouse holds no real id.
    stored = Warehouse(path=str(warehouse)).read("ml.carer_attrition_scores")["carer_id"].to_list()
    assert not {"AF001", "AF002", "AF003"} & set(stored)


def test_targets_never_writes_into_the_report(tmp_path, monkeypatch):
    from pipelines import paths

    landing, warehouse = setup(tmp_path)
    project = tmp_path / "reports"
    monkeypatch.setattr(paths, "REPORTS_DIR", project)  # the Evidence project: its static/ folder is published
    site = tmp_path / "site"
    for inside in (site / "targets.csv", project / "static" / "targets.csv"):
        with vivier_env(VIVIER_REPORT_DIR=str(site)):
            result = run(landing, warehouse, "--out", str(inside))
        assert result.exit_code != 0 and "must not sit next to the data" in result.output
        assert "report" in result.output
        assert not inside.exists()


def test_cells_a_spreadsheet_would_run_as_formulas_are_written_as_text(tmp_path):
    # OWASP, CSV injection: a cell beginning with =, +, -, @, a tab or a carriage return is prefixed
    # with a single quote. Ids and territory codes come from extracts anyone may have typed in.
    landing, warehouse = setup(tmp_path)
    with (landing / "foster_carers.csv").open("a", encoding="utf-8") as extract:
        extract.write('"=HYPERLINK(""http://x.test"";""AF"")";1970-01-01;T1;DEPARTMENT;2000-01-01;2;2000-02-01\n')
        extract.write("-2+3;1971-01-01;T1;DEPARTMENT;2000-01-01;2;2000-02-01\n")
    scores = Warehouse(path=str(warehouse)).read("ml.carer_attrition_scores")
    extra = scores.head(2).with_columns(
        carer_id=pl.Series([pseudonym('=HYPERLINK("http://x.test";"AF")', KEY), pseudonym("-2+3", KEY)]),
        territory_id=pl.Series(["@T1", "+T2"]),
        risk_12m=pl.Series([0.95, 0.94]),
        risk_band=pl.Series(["HIGH", "HIGH"]),
        suggested_measure=pl.Series(["\tfoo", "\rbar"]),
    )
    Warehouse(path=str(warehouse)).replace("ml.carer_attrition_scores", pl.concat([scores, extra]))
    out = tmp_path / "hr" / "to_contact.csv"
    assert run(landing, warehouse, "--out", str(out)).exit_code == 0
    rows = pl.read_csv(out, separator=";").head(2).select("Identifiant", "Territoire", "Mesure suggérée").rows()
    assert rows == [('\'=HYPERLINK("http://x.test";"AF")', "'@T1", "'\tfoo"), ("'-2+3", "'+T2", "'\rbar")]
    risks = pl.read_csv(out, separator=";", decimal_comma=True)["Risque de départ à 12 mois (%)"]
    assert risks.to_list()[:2] == [95.0, 94.0]  # numbers stay numbers

    xlsx = tmp_path / "hr" / "to_contact.xlsx"
    assert run(landing, warehouse, "--out", str(xlsx)).exit_code == 0
    assert pl.read_excel(xlsx)["Identifiant"].to_list()[:2] == ['\'=HYPERLINK("http://x.test";"AF")', "'-2+3"]
    with zipfile.ZipFile(xlsx) as book:
        assert "<f>" not in book.read("xl/worksheets/sheet1.xml").decode()  # no cell is a formula


def test_two_spellings_of_one_id_give_one_line(tmp_path):
    # Ingest normalises ids before pseudonymising them (contract section 2): "af002" and "AF002" are
    # one carer, listed once.
    landing, warehouse = setup(tmp_path)
    with (landing / "foster_carers.csv").open("a", encoding="utf-8") as extract:
        extract.write("af002;1980-01-01;T1;DEPARTMENT;2010-01-01;1;2010-02-01\n")
    out = tmp_path / "hr" / "to_contact.csv"
    assert run(landing, warehouse, "--out", str(out)).exit_code == 0
    assert pl.read_csv(out, separator=";")["Identifiant"].to_list() == ["AF001", "AF002"]


def test_an_existing_list_is_rewritten_readable_by_its_owner_only(tmp_path):
    landing, warehouse = setup(tmp_path)
    out = tmp_path / "to_contact.csv"
    out.write_text("old list")
    out.chmod(0o644)
    assert run(landing, warehouse, "--out", str(out)).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600 and "old list" not in out.read_text()


def test_a_workbook_of_carers_over_two_sheets_is_read_whole(tmp_path):
    # Ingest reads every sheet whose header is the extract's (issue 13): so does the list.
    import xlsxwriter

    landing, warehouse = setup(tmp_path)
    header, *rows = [line.split(";") for line in (landing / "foster_carers.csv").read_text().splitlines()]
    book_path = tmp_path / "foster_carers_2025.xlsx"
    with xlsxwriter.Workbook(book_path) as book:
        for name, part in (("2000-2010", rows[:1]), ("2011-2026", rows[1:])):
            sheet = book.add_worksheet(name)
            for r, row in enumerate([header, *part]):
                sheet.write_row(r, 0, row)
    with vivier_env(VIVIER_LANDING_DIR=str(landing), VIVIER_WAREHOUSE=str(warehouse), VIVIER_PSEUDONYM_KEY=KEY):
        result = CliRunner().invoke(targets, ["--extract", str(book_path), "--out", str(tmp_path / "hr" / "list.csv")])
    assert result.exit_code == 0, result.output
    assert pl.read_csv(tmp_path / "hr" / "list.csv", separator=";")["Identifiant"].to_list() == ["AF001", "AF002"]


def test_the_list_is_in_french_in_the_report_s_words(tmp_path):
    # What the HR officer opens: French headers, the factors and measures as the report names them,
    # territories by name, the risk in %, decimal commas and French dates in the `;` CSV.
    landing, warehouse = setup(tmp_path)
    out = tmp_path / "hr" / "to_contact.csv"
    assert run(landing, warehouse, "--out", str(out)).exit_code == 0
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")  # a spreadsheet reads the accents as UTF-8
    header, af001, af002 = text.removeprefix("\ufeff").splitlines()
    assert header.split(";") == [
        "Identifiant",
        "Territoire",
        "Risque de départ à 12 mois (%)",
        "Niveau de risque",
        "Places en jeu",
        "Enfants accueillis",
        "Facteurs principaux",
        "Mesure suggérée",
        "Sans facteur modifiable : pourquoi",
        "Situation au",
    ]
    assert af001.split(";") == [
        "AF001",
        "Territoire Nord",
        "90,0",
        "élevé",
        "1,8",
        "2",
        "départ en retraite proche",
        "Préparer la relève (départ en retraite) : tutorat de nouveaux assistants familiaux",
        "départ en retraite proche : une situation que le service ne peut pas changer, "
        "la mesure suggérée prépare la relève",
        "30/06/2024",
    ]
    assert af002.split(";") == [
        "AF002",
        "Territoire Nord",
        "20,0",
        "moyen",
        "0,2",
        "1",
        "visites du référent",
        "Visites plus fréquentes du référent",
        "",
        "30/06/2024",
    ]


def test_a_carer_without_a_modifiable_factor_is_told_why(tmp_path):
    landing, warehouse = setup(tmp_path)
    out = tmp_path / "hr" / "everyone.csv"
    result = run(landing, warehouse, "--out", str(out), "--band", "LOW")
    assert result.exit_code == 0, result.output
    assert "2 of them have no factor the service can change" in result.output
    assert "« Sans facteur modifiable : pourquoi » says why" in result.output
    af003 = pl.read_csv(out, separator=";").row(2, named=True)
    # AF003's territory, T2, has no name in the extract: its code is shown.
    assert (af003["Identifiant"], af003["Territoire"], af003["Facteurs principaux"]) == ("AF003", "T2", None)
    assert af003["Sans facteur modifiable : pourquoi"] == (
        "aucun facteur ne baisse son risque d'au moins 1 point : il tient à l'ensemble de sa situation, "
        "à voir avec le référent"
    )


def test_no_lever_only_when_no_top_factor_can_be_changed():
    assert no_lever_reason("support_visits") is None
    assert no_lever_reason("approaching_retirement, empty_places") is None  # places can be offered
    assert no_lever_reason("approaching_retirement").startswith("départ en retraite proche : une situation")
    assert "1 point" in no_lever_reason(None)


def test_every_factor_and_measure_has_the_report_s_words():
    assert set(FACTOR_LABELS) == {f.name for f in FACTORS}
    assert set(MEASURE_LABELS) == {f.measure for f in FACTORS}
    # The Fidélisation page's labels: the view run on one high-risk carer per measure.
    scores = pl.DataFrame(
        {
            "carer_id": [f"c{i}" for i in range(len(MEASURE_LABELS))],
            "territory_id": "T1",
            "risk_band": "HIGH",
            "suggested_measure": list(MEASURE_LABELS),
            "places_at_risk": 1.0,
        }
    )
    territories = pl.DataFrame({"territory_id": ["T1"], "name": ["Territoire Nord"]})
    with duckdb.connect() as con:
        create_macros(con)
        con.sql("CREATE SCHEMA ml; CREATE SCHEMA staging")
        con.register("scores", scores)
        con.register("territories", territories)
        con.sql("CREATE TABLE ml.carer_attrition_scores AS SELECT * FROM scores")
        con.sql("CREATE TABLE staging.territories AS SELECT * FROM territories")
        shown = con.sql((SQL_DIR / "carer_suggested_measures.sql").read_text()).pl()
    labels = dict(shown.filter(pl.col("is_total")).select("suggested_measure", "measure_label").iter_rows())
    assert labels == MEASURE_LABELS
