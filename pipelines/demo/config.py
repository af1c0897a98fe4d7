"""Calibrated parameters of the synthetic landing folder, each with its source.

Sources are cited in short; `docs/calibration.md` gives the full table (figure,
value chosen, publication). "Assumption" marks a value for which no public
figure was found: it is chosen to be plausible and to reproduce the figures
that are published.
"""

from __future__ import annotations

import csv
import dataclasses
from dataclasses import dataclass, field
from datetime import date, timedelta

from pipelines.paths import REFERENCE_DIR

# The demo organisations are associations (private non-profit, CCN66/BASS): the
# Ségur measures apply to them as written for employer_kind ASSOCIATION or empty.
DEMO_EMPLOYER_KIND = "ASSOCIATION"

SCALES: dict[str, dict[str, int]] = {
    # territories, establishments, organisations (associations), posts at the
    # tableau des emplois at the start, foster carers around mid-window.
    "small": dict(n_territories=2, n_establishments=3, n_organisations=1, n_posts=160, n_carers=60),
    "departement": dict(n_territories=6, n_establishments=40, n_organisations=4, n_posts=2500, n_carers=700),
    # 95 fictional départements; 38,000 AF (DREES ASSFAM 2021); 350,000 staff (brief).
    "national": dict(n_territories=95, n_establishments=11000, n_organisations=1400, n_posts=335000, n_carers=38000),
}

STAFF_FAMILIES = (
    "EDUCATEUR_SPECIALISE",
    "MONITEUR_EDUCATEUR",
    "EDUCATEUR_JEUNES_ENFANTS",
    "ASSISTANT_SERVICE_SOCIAL",
    "CONSEILLER_ESF",
    "TISF",
    "AES",
    "PSYCHOLOGUE",
    "INFIRMIER",
    "SURVEILLANT_NUIT",
    "MAITRESSE_DE_MAISON",
    "ADMINISTRATIF",
    "SERVICES_GENERAUX",
    "CHEF_DE_SERVICE",
    "DIRECTION",
)
EDUCATIVE = ("EDUCATEUR_SPECIALISE", "MONITEUR_EDUCATEUR", "EDUCATEUR_JEUNES_ENFANTS", "AES", "TISF")


def _f(**values: float) -> dict[str, float]:
    """Gives a per-job-family table from short names (ES=..., ME=...)."""
    short = dict(
        ES="EDUCATEUR_SPECIALISE",
        ME="MONITEUR_EDUCATEUR",
        EJE="EDUCATEUR_JEUNES_ENFANTS",
        ASS="ASSISTANT_SERVICE_SOCIAL",
        CESF="CONSEILLER_ESF",
        TISF="TISF",
        AES="AES",
        PSY="PSYCHOLOGUE",
        INF="INFIRMIER",
        SN="SURVEILLANT_NUIT",
        MDM="MAITRESSE_DE_MAISON",
        ADM="ADMINISTRATIF",
        SG="SERVICES_GENERAUX",
        CDS="CHEF_DE_SERVICE",
        DIR="DIRECTION",
    )
    return {short[k]: v for k, v in values.items()}


@dataclass
class GeneratorConfig:
    """Every parameter of the generator; `generate_demo(**overrides)` sets any field."""

    scale: str = "small"
    seed: int = 42
    # Fixed so that runs are reproducible; the window is the 120 months ending here.
    as_of: date = date(2026, 6, 30)
    history_months: int = 120
    # Simulated before the window so that 12-month look-backs have data.
    burn_in_months: int = 12

    n_territories: int = 2
    n_establishments: int = 3
    n_organisations: int = 1
    n_posts: int = 160
    n_carers: int = 60

    # ---------------------------------------------------------------- establishments
    # Share of establishments and relative size (posts) by kind. Assumption: no
    # national census of child-protection establishments by kind and size was found;
    # MECS (children's homes) dominate residential care, AEMO services are large teams.
    establishment_kinds: dict[str, tuple[float, float]] = field(
        default_factory=lambda: {
            "MECS": (0.40, 1.45),
            "EMERGENCY_SHELTER": (0.08, 1.1),
            "AEMO_SERVICE": (0.16, 1.0),
            "FOSTER_SERVICE": (0.06, 0.55),
            "DAY_SERVICE": (0.18, 0.6),
            "HEADQUARTERS": (0.06, 0.7),
            "OTHER": (0.06, 0.5),
        }
    )
    # Share of establishments that open during the window (new places, e.g. for
    # unaccompanied minors). Assumption.
    share_opening_in_window: float = 0.05
    # Job-family mix of the posts by establishment kind. Assumption, in line with
    # the brief ("many éducateurs spécialisés and moniteurs-éducateurs") and the
    # DREES figure of ~116,000 ES in 2022 (the largest social-work occupation).
    family_mix: dict[str, dict[str, float]] = field(
        default_factory=lambda: {
            "MECS": _f(
                ES=0.22,
                ME=0.18,
                AES=0.07,
                EJE=0.03,
                ASS=0.01,
                CESF=0.02,
                TISF=0.01,
                PSY=0.03,
                INF=0.02,
                SN=0.08,
                MDM=0.08,
                ADM=0.06,
                SG=0.07,
                CDS=0.04,
                DIR=0.02,
            ),
            "EMERGENCY_SHELTER": _f(
                ES=0.20,
                ME=0.20,
                AES=0.10,
                EJE=0.04,
                PSY=0.03,
                INF=0.03,
                SN=0.12,
                MDM=0.08,
                ADM=0.05,
                SG=0.07,
                CDS=0.05,
                DIR=0.03,
            ),
            "AEMO_SERVICE": _f(ES=0.45, ASS=0.15, CESF=0.05, TISF=0.05, PSY=0.10, ADM=0.10, CDS=0.07, DIR=0.03),
            "FOSTER_SERVICE": _f(
                ES=0.25, ASS=0.20, PSY=0.12, ME=0.05, ADM=0.15, CDS=0.10, DIR=0.05, INF=0.03, TISF=0.05
            ),
            "DAY_SERVICE": _f(
                ES=0.30, ME=0.20, EJE=0.08, TISF=0.08, CESF=0.06, PSY=0.06, ADM=0.08, SG=0.04, CDS=0.06, DIR=0.04
            ),
            "HEADQUARTERS": _f(ADM=0.55, DIR=0.15, SG=0.10, CDS=0.05, PSY=0.05, ASS=0.05, INF=0.05),
            "OTHER": _f(ES=0.25, ME=0.15, AES=0.10, TISF=0.10, ADM=0.15, SG=0.10, CDS=0.08, DIR=0.07),
        }
    )
    # FTE of a post (value: probability). Assumption: psychologists and nurses are
    # often part-time across services; night and management posts full-time.
    fte_default: dict[float, float] = field(
        default_factory=lambda: {1.0: 0.72, 0.8: 0.10, 0.75: 0.05, 0.5: 0.10, 0.6: 0.03}
    )
    fte_by_family: dict[str, dict[float, float]] = field(
        default_factory=lambda: {
            "PSYCHOLOGUE": {1.0: 0.30, 0.8: 0.15, 0.5: 0.45, 0.3: 0.10},
            "INFIRMIER": {1.0: 0.50, 0.8: 0.20, 0.5: 0.30},
            "SURVEILLANT_NUIT": {1.0: 0.85, 0.8: 0.10, 0.5: 0.05},
            "MAITRESSE_DE_MAISON": {1.0: 0.60, 0.8: 0.15, 0.5: 0.25},
            "ADMINISTRATIF": {1.0: 0.60, 0.8: 0.15, 0.5: 0.25},
            "SERVICES_GENERAUX": {1.0: 0.60, 0.75: 0.10, 0.5: 0.30},
            "CHEF_DE_SERVICE": {1.0: 0.95, 0.8: 0.05},
            "DIRECTION": {1.0: 0.95, 0.8: 0.05},
        }
    )
    # Budget (tableau des emplois) changes per establishment x job family over the
    # 11 simulated years, and the share that add a post. Assumption: slow growth
    # of child-protection capacity (Uniopss: 60 % of services above capacity).
    budget_changes_per_cell: float = 0.9
    budget_increase_share: float = 0.58

    # ---------------------------------------------------------------- contracts
    # Contract type at hire. Assumption (CDI dominant; Uniopss: 40 % of services
    # use agency staff, so some interim; apprentices in educative families only).
    hire_contract_mix: dict[str, float] = field(
        default_factory=lambda: {"CDI": 0.38, "CDD": 0.48, "INTERIM": 0.10, "APPRENTICE": 0.04}
    )
    # Contract type of the people in post at the start of the simulation. Assumption.
    initial_contract_mix: dict[str, float] = field(
        default_factory=lambda: {"CDI": 0.87, "CDD": 0.10, "INTERIM": 0.01, "APPRENTICE": 0.02}
    )
    cdd_months: tuple[int, int] = (1, 7)  # CDD length, uniform in months. Assumption.
    interim_months: tuple[int, int] = (1, 3)
    apprentice_months: tuple[int, int] = (24, 36)  # 2-3 year diplomas (ME, ES, AES).
    # What happens at a CDD's planned end: renewed back to back, converted to a CDI
    # the next day, or ended. Assumption (CDD de remplacement chains are common).
    cdd_renew: float = 0.22
    cdd_convert: float = 0.13
    apprentice_convert: float = 0.45
    # Chance that a post of fte <= 0.5 is filled by someone already holding one
    # such post (two concurrent part-time contracts). Assumption.
    concurrent_part_time: float = 0.25
    # Monthly chance that a CDI holder (tenure >= 1 year) moves to a vacant post of
    # the same family in another establishment of the association. Assumption.
    transfer_per_year: float = 0.03

    # ---------------------------------------------------------------- exits
    # Annual voluntary-exit hazard (resignation + mutual agreement) of a CDI holder,
    # tenure 3-10 years, age 30-49, calendar year factor 1. Tuned so that (a) the
    # all-reason departure rate in 2022 is about 21.4 % (Axess barometer, 2023) and
    # (b) éducateurs spécialisés hired on a CDI keep about 72 % after 3 years
    # (DREES Études et Résultats 1329, 2025, retention in the occupation).
    voluntary_per_year: dict[str, float] = field(
        default_factory=lambda: _f(
            ES=0.062,
            ME=0.08,
            EJE=0.09,
            ASS=0.08,
            CESF=0.08,
            TISF=0.09,
            AES=0.10,
            PSY=0.08,
            INF=0.11,
            SN=0.075,
            MDM=0.065,
            ADM=0.065,
            SG=0.06,
            CDS=0.065,
            DIR=0.05,
        )
    )
    # Multiplier of the voluntary hazard by tenure (from N years). Assumption,
    # shaped on DREES 1329 (72 % after 3 years, 60 % after 6, ~50 % after 9: most
    # leave early).
    tenure_factor: tuple[tuple[float, float], ...] = ((0, 1.3), (1, 1.15), (2, 1.05), (3, 1.0), (10, 0.7))
    age_factor: tuple[tuple[float, float], ...] = ((0, 1.15), (30, 1.0), (50, 0.6))  # from age N
    contract_factor: dict[str, float] = field(
        default_factory=lambda: {"CDI": 1.0, "CDD": 0.5, "INTERIM": 0.4, "APPRENTICE": 0.5}
    )
    # Common calendar factor (all job families alike, so it does not bias the
    # Ségur comparison): Covid lull in 2020, then "resignations rising" (Axess).
    year_factor: dict[int, float] = field(
        default_factory=lambda: {
            2014: 0.95,
            2015: 0.95,
            2016: 0.95,
            2017: 1.0,
            2018: 1.0,
            2019: 1.05,
            2020: 0.85,
            2021: 1.2,
            2022: 1.5,
            2023: 1.45,
            2024: 1.3,
            2025: 1.2,
            2026: 1.15,
        }
    )
    mutual_agreement_share: float = 0.22  # of voluntary exits of CDI holders. Assumption.
    trial_exit_per_month: float = 0.015  # first 3 months of a new employment. Assumption.
    dismissal_per_year: float = 0.012  # Assumption.
    other_exit_per_year: float = 0.004  # Assumption.
    # Retirement: monthly hazard from 62, higher from 64, certain at 67 (legal
    # bounds of the pension age). Assumption for the hazards.
    retirement_per_month: tuple[tuple[float, float], ...] = ((0, 0.0), (62, 0.025), (64, 0.06))
    retirement_age_max: int = 67

    # ---------------------------------------------------------------- Ségur
    # Planted relative change of the monthly voluntary-exit hazard of a covered job
    # family from the month of its measure. Default -0.20 for every wave.
    segur_effect: float = -0.20
    # Optional per-group effect (segur_group -> effect) for waves that differ.
    segur_effect_by_group: dict[str, float] | None = None
    # Effect k months after coverage = effect * (1 + growth * k / 12).
    segur_effect_growth_per_year: float = 0.0
    # Ségur amount added to pay at contract start once covered: 183 net = 238 gross
    # (Nexem; BASS accord "Ségur pour tous", 2024).
    segur_gross_eur: float = 238.0
    # Planted relative change of time-to-fill for covered families. Default none.
    segur_effect_time_to_fill: float = 0.0

    # ---------------------------------------------------------------- recruitment
    # Median days from opening to filling a posting (2019 level). Assumption: no
    # published time-to-fill for social work; early-childhood centres report 3-6
    # months; 67 % of ES hires are "difficult" (France Travail BMO). Tuned so the
    # vacancy rate sits between Axess (4.4 %) and Uniopss (9 %).
    fill_median_days: dict[str, float] = field(
        default_factory=lambda: _f(
            ES=90,
            ME=75,
            EJE=70,
            ASS=80,
            CESF=55,
            TISF=65,
            AES=50,
            PSY=50,
            INF=90,
            SN=45,
            MDM=40,
            ADM=40,
            SG=35,
            CDS=80,
            DIR=100,
        )
    )
    fill_sigma: float = 0.7
    # Recruitment tension by year (common to all families). Vacancies rose from
    # ~30,000 (2021) to ~35,000 (2023) (Fehap/Nexem; Axess).
    fill_year_factor: dict[int, float] = field(
        default_factory=lambda: {
            2014: 0.85,
            2015: 0.85,
            2016: 0.85,
            2017: 0.9,
            2018: 0.9,
            2019: 1.0,
            2020: 1.0,
            2021: 1.15,
            2022: 1.3,
            2023: 1.35,
            2024: 1.3,
            2025: 1.3,
            2026: 1.3,
        }
    )
    posting_cancel_share: float = 0.08  # Assumption.
    # Mean applications per posting (2019), falling with tension. Assumption.
    applications_mean: dict[str, float] = field(
        default_factory=lambda: _f(
            ES=5, ME=6, EJE=5, ASS=5, CESF=6, TISF=5, AES=7, PSY=10, INF=4, SN=8, MDM=9, ADM=15, SG=10, CDS=7, DIR=10
        )
    )
    # Channel mix of applications (educative vs other families). Assumption.
    channels_educative: dict[str, float] = field(
        default_factory=lambda: {
            "FRANCE_TRAVAIL": 0.20,
            "JOB_BOARD": 0.30,
            "SCHOOL": 0.14,
            "REFERRAL": 0.10,
            "SOCIAL_MEDIA": 0.11,
            "SPONTANEOUS": 0.12,
            "OTHER": 0.03,
        }
    )
    channels_other: dict[str, float] = field(
        default_factory=lambda: {
            "FRANCE_TRAVAIL": 0.28,
            "JOB_BOARD": 0.34,
            "SCHOOL": 0.03,
            "REFERRAL": 0.12,
            "SOCIAL_MEDIA": 0.10,
            "SPONTANEOUS": 0.10,
            "OTHER": 0.03,
        }
    )
    # Furthest stage of an unsuccessful application. Assumption.
    stage_mix: dict[str, float] = field(
        default_factory=lambda: {"APPLIED": 0.45, "SCREENED": 0.30, "INTERVIEWED": 0.18, "OFFERED": 0.07}
    )
    withdrawn_share: float = 0.12
    withdrawn_share_offered: float = 0.45  # declined offers

    # ---------------------------------------------------------------- people and pay
    # Mean age at hire and in post at the start. Assumption.
    hire_age: dict[str, float] = field(
        default_factory=lambda: _f(
            ES=32,
            ME=31,
            EJE=30,
            ASS=32,
            CESF=30,
            TISF=34,
            AES=33,
            PSY=33,
            INF=35,
            SN=38,
            MDM=40,
            ADM=36,
            SG=38,
            CDS=40,
            DIR=47,
        )
    )
    stock_age_shift: float = 9.0  # people in post are older than hires (years).
    initial_tenure_mean_years: float = 8.0
    # Share of women. Assumption (social work is ~3/4 female).
    female_share: dict[str, float] = field(
        default_factory=lambda: _f(
            ES=0.75,
            ME=0.70,
            EJE=0.95,
            ASS=0.90,
            CESF=0.95,
            TISF=0.95,
            AES=0.85,
            PSY=0.88,
            INF=0.85,
            SN=0.35,
            MDM=0.90,
            ADM=0.80,
            SG=0.30,
            CDS=0.60,
            DIR=0.50,
        )
    )
    # Full-time monthly gross pay at hire, 2016, CCN66-like grid incl. usual
    # seniority. Assumption (grid levels, not a published average).
    pay_2016: dict[str, float] = field(
        default_factory=lambda: _f(
            ES=2050,
            ME=1850,
            EJE=2000,
            ASS=2050,
            CESF=1950,
            TISF=1750,
            AES=1620,
            PSY=2700,
            INF=2250,
            SN=1650,
            MDM=1600,
            ADM=1850,
            SG=1620,
            CDS=2900,
            DIR=4200,
        )
    )
    # Yearly rise of the grid (value of the point). Assumption: ~1 %/year, more
    # after the 2022-2023 inflation.
    pay_growth: dict[int, float] = field(
        default_factory=lambda: {2022: 0.03, 2023: 0.03, 2024: 0.02, 2025: 0.015, 2026: 0.015}
    )
    pay_growth_default: float = 0.01
    # Gross monthly SMIC (35 h), the floor of any pay (public decrees; 2024 value
    # 1,766.92 as quoted in domain-facts).
    smic: dict[int, float] = field(
        default_factory=lambda: {
            2014: 1445.38,
            2015: 1457.52,
            2016: 1466.62,
            2017: 1480.27,
            2018: 1498.47,
            2019: 1521.22,
            2020: 1539.42,
            2021: 1554.58,
            2022: 1645.58,
            2023: 1747.20,
            2024: 1766.92,
            2025: 1801.80,
            2026: 1823.03,
        }
    )

    # ================================================================ foster carers
    # Employer: 88 % départements, 10 % associations, 2 % both (DREES ASSFAM 2021,
    # via Banque des Territoires); "both" counted as DEPARTMENT here.
    carer_association_share: float = 0.10
    carer_male_share: float = 0.12  # DREES 2023: 12 % men.
    # Age at the start of the simulation (bins [lo, hi), share). Chosen so that at
    # the as-of date the population matches DREES ER 1291: mean ~54, 50 % 55+,
    # 25 % 60+, 75 % 50+, 10 % under 44.
    carer_initial_age_bins: tuple[tuple[float, float, float], ...] = (
        (28, 40, 0.06),
        (40, 45, 0.10),
        (45, 50, 0.18),
        (50, 55, 0.26),
        (55, 60, 0.22),
        (60, 66.9, 0.18),
    )
    # Age of new carers at employment: median ~49 (DREES ER 1291, recent entrants).
    carer_entry_age_mean: float = 48.5
    carer_entry_age_sd: float = 7.5
    # Approved places: 48 % of agréments are for 3 children (ash.tm.fr); 1-4 mostly.
    places_stock: dict[int, float] = field(default_factory=lambda: {1: 0.10, 2: 0.26, 3: 0.55, 4: 0.08, 5: 0.01})
    # New carers start with fewer places: 77 % of first-year AF host one child.
    places_entrant: dict[int, float] = field(default_factory=lambda: {1: 0.20, 2: 0.32, 3: 0.43, 4: 0.05})
    carer_tenure_mean_years: float = 11.0  # initial stock. Assumption.
    carer_distance_median_km: float = 14.0  # Assumption (rural départements).
    initial_training_share: float = 0.92  # done within ~2 years of start (240 h). Assumption.

    # Placements. Chance that an empty place is filled in a month, so that children
    # per carer is ~1.9 (DREES 2021: 71,000 children / 38,000 AF).
    place_fill_per_month: float = 0.2
    # First year: 77 % of first-year AF host one child (ash.tm.fr).
    place_fill_first_child: float = 0.45
    place_fill_first_year: float = 0.03
    complex_needs_share: float = 0.30  # Assumption.
    # Monthly end hazards of a placement by reason. Assumption: mean stay ~3 years.
    placement_end_per_month: dict[str, float] = field(
        default_factory=lambda: {
            "RETURN_HOME": 0.010,
            "PLANNED_MOVE": 0.007,
            "BREAKDOWN": 0.0045,
            "ADOPTION": 0.0,
            "OTHER": 0.002,
        }
    )
    breakdown_complex_factor: float = 2.2
    breakdown_teen_factor: float = 1.6  # child aged 12+
    adoption_per_month_under_4: float = 0.004

    # Events (monthly rates). Assumption: no French figure on support frequency.
    visit_rate: float = 0.45  # SUPPORT_VISIT per month, before factors
    visit_association_factor: float = 1.4
    visit_per_child: float = 0.15
    visit_distance_per_km: float = -0.012
    training_rate: float = 0.06
    training_rate_new: float = 0.30  # first 2 years: initial training days
    respite_rate: float = 0.12  # RESPITE_DAY event (1-6 days) per month when hosting
    respite_association_factor: float = 1.5
    peer_group_rate: float = 0.10
    allegation_per_child_month: float = 0.0012
    allegation_complex_factor: float = 1.8
    allegation_suspension_share: float = 0.5  # children removed (4-month suspension)
    suspension_months: int = 4
    complaint_per_month: float = 0.003

    # Carer attrition: monthly hazard = exp(linear predictor). Log-linear in what
    # the extracts show (contract section 5). Calibrated so that ~12 % leave a year
    # (Fostering Network; Ofsted 1 in 8) and the population declines slowly
    # (DREES: -6.2 % in 2016-2020).
    hazard_base: float = -5.5
    # Added to the log-hazard from age N: younger carers have other job options
    # (ASPE: income or employment predicts quitting), the rise is from 60 and
    # retirement is certain at carer_retirement_age.
    hazard_age: tuple[tuple[float, float], ...] = ((0, 0.6), (45, 0.1), (55, 0.0), (60, 0.2), (62, 0.6), (65, 0.9))
    hazard_per_visit_6m: float = -0.14  # per visit, capped at 6
    hazard_per_breakdown_12m: float = 0.55  # capped at 3
    hazard_allegation_24m: float = 1.5  # any allegation
    hazard_per_empty_month_12m: float = 0.07
    hazard_per_respite_day_12m: float = -0.035  # capped at 15 days
    hazard_per_complaint_12m: float = 0.3  # capped at 3
    hazard_first_2_years: float = 0.35
    hazard_per_km: float = 0.008  # capped at 60 km
    # In the month of each 5-yearly agrément renewal: chance of non-renewal.
    non_renewal_base: float = 0.02
    non_renewal_allegation: float = 1.5
    non_renewal_age_60: float = 1.0
    carer_retirement_age: int = 67
    # Recruitment: enquiries per year as a share of the carers at mid-window,
    # derived from the wanted inflow (~10.4 %/year: 12 % leave, -1.6 %/year net).
    carer_inflow_per_year: float = 0.10
    # Enquiry -> application: 6 % in England overall, 12 % for local authorities
    # (Ofsted 2022-23). Départements recruit directly like English local
    # authorities, hence 12 %.
    enquiry_to_application: float = 0.12
    # Application -> decision: about half approved (Ofsted, ~51 %, computed).
    decision_mix: dict[str, float] = field(
        default_factory=lambda: {"APPROVED": 0.50, "REFUSED": 0.18, "WITHDRAWN": 0.32}
    )
    enquiry_channels: dict[str, tuple[float, float]] = field(
        default_factory=lambda: {
            # share of enquiries, relative chance of applying. Assumption.
            "WEBSITE": (0.34, 0.8),
            "INFO_MEETING": (0.14, 1.9),
            "CAMPAIGN": (0.16, 0.7),
            "WORD_OF_MOUTH": (0.20, 1.4),
            "SOCIAL_MEDIA": (0.13, 0.55),
            "OTHER": (0.03, 1.0),
        }
    )
    # Days enquiry -> application, application -> decision (medians): ~8 months to
    # decision (BASW: 75 % of approvals took ~8 months; French law: 4 months after
    # a complete application).
    days_to_application: float = 75.0
    days_to_decision: float = 150.0
    days_to_employment: tuple[int, int] = (7, 90)

    # ---------------------------------------------------------------- truth
    truth_paths: int = 256  # simulated futures per carer for true_risk_12m

    def __post_init__(self) -> None:
        if self.scale not in SCALES:
            raise ValueError(f"scale must be one of {', '.join(SCALES)}, not {self.scale!r}")
        if (self.as_of + timedelta(days=1)).day != 1:
            raise ValueError(
                f"as_of must be the last day of a month (the pipeline reports whole months), "
                f"not {self.as_of.isoformat()}"
            )


def build_config(scale: str = "small", seed: int = 42, **overrides) -> GeneratorConfig:
    """Gives the configuration of a scale with `overrides` applied (unknown names are an error)."""
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}, not {scale!r}")
    names = {f.name for f in dataclasses.fields(GeneratorConfig)}
    unknown = sorted(set(overrides) - names)
    if unknown:
        raise TypeError(f"unknown generator setting(s): {', '.join(unknown)}; known: {', '.join(sorted(names))}")
    return GeneratorConfig(scale=scale, seed=seed, **{**SCALES[scale], **overrides})


@dataclass(frozen=True)
class Reference:
    """The shipped job families and Ségur measures, as the generator uses them."""

    segur_group: dict[str, str]  # job_family -> segur_group
    coverage: dict[str, date]  # job_family -> effective date for the demo employers


def load_reference(employer_kind: str = DEMO_EMPLOYER_KIND) -> Reference:
    """Gives job families' Ségur groups and the date each family is covered for `employer_kind`."""
    with open(REFERENCE_DIR / "job_families.csv", encoding="utf-8") as f:
        groups = {row["job_family"]: row["segur_group"] for row in csv.DictReader(f)}
    coverage: dict[str, date] = {}
    with open(REFERENCE_DIR / "segur_measures.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["employer_kind"] in ("", employer_kind):
                day = date.fromisoformat(row["effective_date"])
                coverage[row["job_family"]] = min(day, coverage.get(row["job_family"], day))
    return Reference(groups, coverage)


def segur_effect_of(config: GeneratorConfig, group: str) -> float:
    """Gives the planted relative change of the voluntary-exit hazard for a Ségur group."""
    by_group = config.segur_effect_by_group or {}
    return float(by_group.get(group, config.segur_effect))
