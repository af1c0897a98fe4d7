"""The clean small landing folder follows the contract (section 2) and the generator's own rules."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest

from pipelines.demo import EXTRACTS, generate_demo

AS_OF = date(2026, 6, 30)
DATES = (
    "birth_date",
    "start_date",
    "end_date",
    "valid_from",
    "valid_to",
    "opened_date",
    "closed_date",
    "applied_date",
    "approval_date",
    "employment_start_date",
    "initial_training_done_date",
    "child_birth_date",
    "event_date",
    "enquiry_date",
    "application_date",
    "decision_date",
)
NUMBERS = ("fte", "budgeted_fte", "monthly_gross_pay", "approved_places", "distance_to_service_km", "days")
CODES = {
    ("establishments", "kind"): {
        "MECS",
        "EMERGENCY_SHELTER",
        "AEMO_SERVICE",
        "FOSTER_SERVICE",
        "DAY_SERVICE",
        "HEADQUARTERS",
        "OTHER",
    },
    ("staff", "sex"): {"F", "M"},
    ("staff", "contract_type"): {"CDI", "CDD", "INTERIM", "APPRENTICE", "CIVIL_SERVANT"},
    ("staff", "exit_reason"): {
        "RESIGNATION",
        "MUTUAL_AGREEMENT",
        "END_OF_FIXED_TERM",
        "END_OF_TRIAL",
        "RETIREMENT",
        "DISMISSAL",
        "INTERNAL_TRANSFER",
        "DEATH",
        "OTHER",
    },
    ("job_postings", "outcome"): {"FILLED", "CANCELLED", "OPEN"},
    ("applications", "channel"): {
        "FRANCE_TRAVAIL",
        "JOB_BOARD",
        "SCHOOL",
        "REFERRAL",
        "SOCIAL_MEDIA",
        "SPONTANEOUS",
        "OTHER",
    },
    ("applications", "stage_reached"): {"APPLIED", "SCREENED", "INTERVIEWED", "OFFERED", "HIRED"},
    ("foster_carers", "employer_kind"): {"DEPARTMENT", "ASSOCIATION"},
    ("foster_carers", "end_reason"): {
        "RETIREMENT",
        "RESIGNATION",
        "DISMISSAL",
        "APPROVAL_WITHDRAWN",
        "APPROVAL_NOT_RENEWED",
        "DEATH",
        "OTHER",
    },
    ("placements", "end_reason"): {"RETURN_HOME", "PLANNED_MOVE", "BREAKDOWN", "AGE_OF_MAJORITY", "ADOPTION", "OTHER"},
    ("carer_events", "event_type"): {
        "SUPPORT_VISIT",
        "TRAINING_DAY",
        "RESPITE_DAY",
        "PEER_GROUP",
        "ALLEGATION",
        "COMPLAINT",
    },
    ("carer_enquiries", "channel"): {"WEBSITE", "INFO_MEETING", "CAMPAIGN", "WORD_OF_MOUTH", "SOCIAL_MEDIA", "OTHER"},
    ("carer_enquiries", "decision"): {"APPROVED", "REFUSED", "WITHDRAWN"},
}
REQUIRED = {
    "territories": ("territory_id", "name"),
    "establishments": ("establishment_id", "name", "kind", "territory_id", "organisation"),
    "staff": (
        "employee_id",
        "contract_id",
        "birth_date",
        "job_family",
        "establishment_id",
        "contract_type",
        "fte",
        "start_date",
    ),
    "budgeted_posts": ("establishment_id", "job_family", "valid_from", "budgeted_fte"),
    "job_postings": ("posting_id", "establishment_id", "job_family", "fte", "opened_date", "outcome"),
    "applications": ("application_id", "posting_id", "applied_date", "channel", "stage_reached"),
    "foster_carers": (
        "carer_id",
        "birth_date",
        "territory_id",
        "employer_kind",
        "approval_date",
        "approved_places",
        "employment_start_date",
    ),
    "placements": ("placement_id", "carer_id", "child_id", "child_birth_date", "start_date"),
    "carer_events": ("carer_id", "event_date", "event_type"),
    "carer_enquiries": ("enquiry_id", "enquiry_date", "channel", "territory_id"),
}


def read(folder: Path, extract: str) -> pl.DataFrame:
    """Gives a clean extract with dates and numbers typed, ids kept as text."""
    frame = pl.read_csv(folder / f"{extract}.csv", infer_schema=False)
    return frame.with_columns(
        [pl.col(c).str.to_date("%Y-%m-%d") for c in frame.columns if c in DATES]
        + [pl.col(c).cast(pl.Float64) for c in frame.columns if c in NUMBERS]
    )


def active_on(day: date, start: str = "employment_start_date") -> pl.Expr:
    return (pl.col(start) <= day) & (pl.col("end_date").is_null() | (pl.col("end_date") >= day))


def test_every_extract_is_written_with_its_truth(clean):
    names = sorted(p.name for p in clean.iterdir() if p.is_file())
    assert names == sorted(f"{e}.csv" for e in EXTRACTS)
    assert sorted(p.name for p in (clean / "_truth").iterdir()) == ["carer_risk.csv", "defects.csv", "truth.json"]
    for extract in EXTRACTS:
        assert read(clean, extract).height > 0, extract


def test_reference_data_is_not_written(clean):
    assert not list(clean.glob("job_families*")) and not list(clean.glob("segur_measures*"))


def test_same_seed_gives_identical_bytes_and_another_seed_differs(clean, tmp_path):
    again = tmp_path / "again"
    generate_demo(again, scale="small", seed=42)
    for path in sorted(clean.rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (again / path.relative_to(clean)).read_bytes(), path.name
    other = tmp_path / "other"
    generate_demo(other, scale="small", seed=7)
    assert (other / "staff.csv").read_bytes() != (clean / "staff.csv").read_bytes()
    assert (other / "foster_carers.csv").read_bytes() != (clean / "foster_carers.csv").read_bytes()


@pytest.mark.parametrize(
    "extract, key",
    [
        ("territories", ["territory_id"]),
        ("establishments", ["establishment_id"]),
        ("staff", ["contract_id"]),
        ("budgeted_posts", ["establishment_id", "job_family", "valid_from"]),
        ("job_postings", ["posting_id"]),
        ("applications", ["application_id"]),
        ("foster_carers", ["carer_id"]),
        ("placements", ["placement_id"]),
        ("carer_enquiries", ["enquiry_id"]),
    ],
)
def test_keys_are_unique(clean, extract, key):
    frame = read(clean, extract)
    assert frame.select(key).is_duplicated().sum() == 0


def test_carer_events_have_no_exact_duplicate(clean):
    assert read(clean, "carer_events").is_duplicated().sum() == 0


@pytest.mark.parametrize("extract", list(REQUIRED))
def test_required_values_are_filled(clean, extract):
    frame = read(clean, extract)
    for column in REQUIRED[extract]:
        assert frame[column].null_count() == 0, column


@pytest.mark.parametrize("extract, column", list(CODES))
def test_codes_come_from_the_contract_lists(clean, extract, column):
    values = set(read(clean, extract)[column].drop_nulls().unique())
    assert values <= CODES[extract, column]


def test_numbers_are_in_range(clean):
    staff, postings, carers = read(clean, "staff"), read(clean, "job_postings"), read(clean, "foster_carers")
    assert staff["fte"].min() > 0 and staff["fte"].max() <= 1
    assert postings["fte"].min() > 0 and postings["fte"].max() <= 1
    assert carers["approved_places"].min() >= 1 and carers["approved_places"].max() <= 6
    assert read(clean, "budgeted_posts")["budgeted_fte"].min() >= 0
    assert staff["monthly_gross_pay"].min() >= 1400
    assert read(clean, "carer_events").filter(pl.col("event_type") == "RESPITE_DAY")["days"].min() > 0


@pytest.mark.parametrize(
    "extract, earlier, later",
    [
        ("staff", "start_date", "end_date"),
        ("staff", "birth_date", "start_date"),
        ("budgeted_posts", "valid_from", "valid_to"),
        ("job_postings", "opened_date", "closed_date"),
        ("foster_carers", "approval_date", "employment_start_date"),
        ("foster_carers", "employment_start_date", "end_date"),
        ("foster_carers", "employment_start_date", "initial_training_done_date"),
        ("placements", "child_birth_date", "start_date"),
        ("placements", "start_date", "end_date"),
        ("carer_enquiries", "enquiry_date", "application_date"),
        ("carer_enquiries", "application_date", "decision_date"),
    ],
)
def test_dates_are_in_order(clean, extract, earlier, later):
    frame = read(clean, extract).filter(pl.col(earlier).is_not_null() & pl.col(later).is_not_null())
    assert frame.filter(pl.col(later) < pl.col(earlier)).height == 0


def test_no_event_after_the_as_of_date_and_one_on_it(clean):
    truth = json.loads((clean / "_truth" / "truth.json").read_text())
    assert truth["as_of_date"] == AS_OF.isoformat()
    latest = [
        read(clean, e)[c].max()
        for e, c in [
            ("staff", "start_date"),
            ("placements", "start_date"),
            ("applications", "applied_date"),
            ("job_postings", "opened_date"),
            ("carer_enquiries", "enquiry_date"),
            ("carer_events", "event_date"),
        ]
    ]
    assert max(latest) == AS_OF
    enquiries = read(clean, "carer_enquiries")
    for column in ("application_date", "decision_date"):
        assert enquiries[column].max() <= AS_OF
    assert read(clean, "job_postings")["closed_date"].max() <= AS_OF


def test_references_point_to_rows_that_exist(clean):
    establishments = read(clean, "establishments")["establishment_id"]
    territories = read(clean, "territories")["territory_id"]
    carers = read(clean, "foster_carers")["carer_id"]
    for extract in ("staff", "budgeted_posts", "job_postings"):
        assert read(clean, extract)["establishment_id"].is_in(establishments.implode()).all(), extract
    for extract in ("establishments", "foster_carers", "carer_enquiries"):
        assert read(clean, extract)["territory_id"].is_in(territories.implode()).all(), extract
    for extract in ("placements", "carer_events"):
        assert read(clean, extract)["carer_id"].is_in(carers.implode()).all(), extract
    approved = read(clean, "carer_enquiries").filter(pl.col("decision") == "APPROVED")
    assert approved["carer_id"].null_count() == 0 and approved["carer_id"].is_in(carers.implode()).all()
    postings = read(clean, "job_postings")["posting_id"]
    assert read(clean, "applications")["posting_id"].is_in(postings.implode()).all()


def test_placements_and_events_fall_within_the_carers_employment(clean):
    carers = read(clean, "foster_carers").select(
        "carer_id", pl.col("employment_start_date").alias("hired"), pl.col("end_date").alias("left")
    )
    within = pl.col("day") >= pl.col("hired")
    within &= pl.col("left").is_null() | (pl.col("day") <= pl.col("left"))
    events = read(clean, "carer_events").rename({"event_date": "day"}).join(carers, on="carer_id")
    assert events.filter(~within).height == 0
    placements = read(clean, "placements").rename({"start_date": "day"}).join(carers, on="carer_id")
    assert placements.filter(~within).height == 0


def test_each_filled_posting_has_one_hire_who_starts_on_the_closing_day(clean):
    postings, applications, staff = read(clean, "job_postings"), read(clean, "applications"), read(clean, "staff")
    hired = applications.filter(pl.col("stage_reached") == "HIRED").group_by("posting_id").len()
    filled = postings.filter(pl.col("outcome") == "FILLED")
    assert filled.join(hired, on="posting_id", how="left")["len"].to_list() == [1] * filled.height
    others = postings.filter(pl.col("outcome") != "FILLED")
    assert others.join(hired, on="posting_id", how="semi").height == 0
    assert others["contract_id"].null_count() == others.height
    assert (
        postings.filter(pl.col("outcome") == "OPEN")["closed_date"].null_count()
        == postings.filter(pl.col("outcome") == "OPEN").height
    )
    hires = filled.join(staff, on="contract_id", suffix="_staff")
    assert hires.height == filled.height
    assert (hires["start_date"] == hires["closed_date"]).all()
    assert (hires["job_family"] == hires["job_family_staff"]).all()
    assert (hires["establishment_id"] == hires["establishment_id_staff"]).all()


def test_careers_include_renewals_transfers_and_concurrent_contracts(clean):
    staff = read(clean, "staff").sort("employee_id", "start_date")
    following = staff.with_columns(
        next_start=pl.col("start_date").shift(-1).over("employee_id"),
        next_establishment=pl.col("establishment_id").shift(-1).over("employee_id"),
        next_type=pl.col("contract_type").shift(-1).over("employee_id"),
    )
    back_to_back = following.filter(pl.col("next_start") == pl.col("end_date") + timedelta(days=1))
    assert back_to_back.filter((pl.col("contract_type") == "CDD") & (pl.col("next_type") == "CDD")).height > 0
    assert back_to_back.filter((pl.col("contract_type") == "CDD") & (pl.col("next_type") == "CDI")).height > 0
    moves = back_to_back.filter(pl.col("exit_reason") == "INTERNAL_TRANSFER")
    assert moves.height > 0 and (moves["establishment_id"] != moves["next_establishment"]).all()
    concurrent = following.filter(
        pl.col("next_start").is_not_null()
        & (pl.col("end_date").is_null() | (pl.col("next_start") <= pl.col("end_date")))
    )
    assert concurrent.height > 0 and concurrent["fte"].max() <= 0.5
    assert set(staff["exit_reason"].drop_nulls()) >= {
        "RESIGNATION",
        "MUTUAL_AGREEMENT",
        "END_OF_FIXED_TERM",
        "RETIREMENT",
        "INTERNAL_TRANSFER",
    }
    assert staff.filter(pl.col("start_date") < date(2016, 7, 1)).height > 0  # seniority before the window


def test_planned_ends_after_the_as_of_date_are_fixed_term_only(clean):
    later = read(clean, "staff").filter(pl.col("end_date") > AS_OF)
    assert later.height > 0
    assert set(later["contract_type"]) <= {"CDD", "INTERIM", "APPRENTICE"}
    assert set(later["exit_reason"]) == {"END_OF_FIXED_TERM"}
    carers = read(clean, "foster_carers")
    assert carers["end_date"].max() <= AS_OF


def test_carer_risk_covers_exactly_the_carers_active_on_the_as_of_date(clean):
    risk = pl.read_csv(clean / "_truth" / "carer_risk.csv")
    active = read(clean, "foster_carers").filter(active_on(AS_OF))
    assert sorted(risk["carer_id"]) == sorted(active["carer_id"])
    assert risk["true_risk_12m"].min() >= 0 and risk["true_risk_12m"].max() <= 1
    assert risk["true_risk_12m"].n_unique() > risk.height // 2  # carers differ


def test_old_carers_are_at_higher_risk(clean):
    risk = pl.read_csv(clean / "_truth" / "carer_risk.csv")
    carers = read(clean, "foster_carers").join(risk, on="carer_id")
    age = (pl.lit(AS_OF) - pl.col("birth_date")).dt.total_days() / 365.25
    by_age = carers.group_by(age >= 63).agg(pl.col("true_risk_12m").mean()).sort("literal")
    assert by_age["true_risk_12m"][1] > 2 * by_age["true_risk_12m"][0]


def test_truth_json_describes_the_planted_segur_effect(clean):
    truth = json.loads((clean / "_truth" / "truth.json").read_text())
    assert truth["segur_relative_effect_voluntary_exits"] == -0.2
    assert set(truth["segur_relative_effect_by_group"]) == {"SOCIO_EDUCATIF_2022", "SOIN_2022", "SEGUR_POUR_TOUS_2024"}
    assert truth["segur_employer_kind"] == "ASSOCIATION"
    assert truth["seed"] == 42 and truth["scale"] == "small"


def test_overrides_set_the_planted_effects(tmp_path):
    summary = generate_demo(
        tmp_path, scale="small", seed=3, segur_effect_by_group={"SOCIO_EDUCATIF_2022": -0.4, "SOIN_2022": -0.1}
    )
    truth = json.loads((tmp_path / "_truth" / "truth.json").read_text())
    assert truth["segur_relative_effect_by_group"]["SOCIO_EDUCATIF_2022"] == -0.4
    assert truth["segur_relative_effect_by_group"]["SEGUR_POUR_TOUS_2024"] == -0.2
    # Not a common effect: the exposure-weighted mean lies between the groups' effects.
    assert -0.4 < truth["segur_relative_effect_voluntary_exits"] < -0.1
    assert summary.files["staff.csv"] == read(tmp_path, "staff").height


def test_growing_effect_is_reported_as_its_exposure_weighted_mean(tmp_path):
    generate_demo(tmp_path, scale="small", seed=3, segur_effect=-0.1, segur_effect_growth_per_year=0.5)
    truth = json.loads((tmp_path / "_truth" / "truth.json").read_text())
    # Effect at k months = -0.1 * (1 + 0.5 k / 12): larger than -0.1 in size once time has passed.
    assert truth["segur_relative_effect_voluntary_exits"] < -0.1
    assert (
        truth["segur_relative_effect_by_group"]["SEGUR_POUR_TOUS_2024"]
        > truth["segur_relative_effect_by_group"]["SOCIO_EDUCATIF_2022"]
    )  # covered later, so less grown


def test_as_of_date_can_be_overridden(tmp_path):
    summary = generate_demo(tmp_path, scale="small", seed=5, as_of=date(2024, 12, 31))
    assert summary.as_of_date == date(2024, 12, 31)
    assert read(tmp_path, "carer_events")["event_date"].max() == date(2024, 12, 31)
    assert read(tmp_path, "staff")["start_date"].max() <= date(2024, 12, 31)


def test_unknown_settings_are_refused(tmp_path):
    with pytest.raises(TypeError, match="segur_efect"):
        generate_demo(tmp_path, scale="small", segur_efect=-0.3)
    with pytest.raises(ValueError, match="scale"):
        generate_demo(tmp_path, scale="huge")


def test_as_of_date_must_end_a_month(tmp_path):
    with pytest.raises(ValueError, match="last day of a month"):
        generate_demo(tmp_path, scale="small", as_of=date(2025, 12, 15))


def test_summary_counts_the_rows_written(clean, tmp_path):
    summary = generate_demo(tmp_path, scale="small", seed=42)
    assert summary.as_of_date == AS_OF and summary.seconds > 0
    assert summary.files == {f"{e}.csv": read(tmp_path, e).height for e in EXTRACTS}
