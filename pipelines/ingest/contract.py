"""The extracts Vivier accepts, as data: columns, types, codes, keys and rules.

This module is `contract.md` section 2 written out for the code. Every other
ingest module reads it; nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["id", "text", "code", "date", "decimal", "integer", "boolean"]

# Quarantine rule names, in the order a row is checked. A row that breaks
# several rules is quarantined once, under the first; `detail` lists them all.
RULES = (
    "required",
    "invalid_date",
    "invalid_number",
    "invalid_boolean",
    "unknown_code",
    "out_of_range",
    "date_order",
    "reason_required",
    "duplicate_key",
    "unknown_reference",
)


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    codes: tuple[str, ...] = ()
    # Bounds of a number column; `low_open` means the low bound is excluded (0 < fte).
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    # Replaced at ingest by an HMAC pseudonym: every identifier but establishment_id and territory_id,
    # since a contract or placement number is often built from a matricule or a child's number.
    pseudonymised: bool = False
    # "extract.column" whose loaded values this column must be found among.
    references: str | None = None
    # What the column holds, in the words an HR analyst searches for: shown in the Dagster UI.
    description: str = ""


@dataclass(frozen=True)
class Extract:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    # (earlier, later): the later date, when set, may not come before the earlier one.
    date_order: tuple[tuple[str, str], ...] = ()
    # (end date, reason): a reason is required once the end date is set.
    reason_required: tuple[tuple[str, str], ...] = ()
    # Shipped with the project; a landing file of the same name overrides it.
    reference_data: bool = False
    description: str = ""
    # Extracts whose loaded rows this one reads beyond its columns' references (staff read from DSN
    # files takes its job families from pcs_job_families): Dagster upstreams too.
    reads: tuple[str, ...] = ()
    column_names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_names", tuple(c.name for c in self.columns))

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def references(self) -> tuple[str, ...]:
        """Extracts this one must be checked against (its Dagster upstreams)."""
        return tuple(dict.fromkeys([*(c.references.split(".")[0] for c in self.columns if c.references), *self.reads]))


# The codes the shipped job_families must hold at least; a landing job_families
# file may add others, so other extracts check job_family against the loaded list.
JOB_FAMILIES = (
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
    "ASSISTANT_FAMILIAL",
)
SEX = ("F", "M")
EMPLOYER_KINDS = ("DEPARTMENT", "ASSOCIATION")

# Identifiers of the organisation, not of people: kept as they are (contract section 2).
ORGANISATION_IDS = ("establishment_id", "territory_id")

FTE = dict(low=0.0, high=1.0, low_open=True)
NON_NEGATIVE = dict(low=0.0)


def _id(name: str, description: str = "", required: bool = True, **kw) -> Column:
    """An identifier: pseudonymised, unless it names an establishment or a territory (organisation data)."""
    return Column(
        name, "id", required=required, pseudonymised=name not in ORGANISATION_IDS, description=description, **kw
    )


def _date(name: str, description: str, required: bool = False) -> Column:
    return Column(name, "date", required=required, description=description)


def _code(name: str, codes: tuple[str, ...], description: str, required: bool = False) -> Column:
    return Column(name, "code", required=required, codes=codes, description=description)


# A column another extract's rows must be found in, with what it is.
ESTABLISHMENT = dict(
    references="establishments.establishment_id", description="The establishment or service (établissement)."
)
JOB_FAMILY = dict(references="job_families.job_family", description="The job family (métier), a code of job_families.")
TERRITORY = dict(references="territories.territory_id", description="The territory (circonscription).")
CARER = dict(references="foster_carers.carer_id", description="The foster carer (assistant familial), pseudonymised.")
PSEUDONYM = " Replaced at ingest by a pseudonym."

EXTRACTS: dict[str, Extract] = {
    e.name: e
    for e in (
        Extract(
            "territories",
            (
                _id("territory_id", "The territory's code (circonscription)."),
                Column("name", "text", required=True, description="The territory's name."),
            ),
            key=("territory_id",),
            description="Territories (circonscriptions) of the organisation.",
        ),
        Extract(
            "establishments",
            (
                _id("establishment_id", "The establishment's or service's code (établissement)."),
                Column("name", "text", required=True, description="The establishment's name."),
                _code(
                    "kind",
                    (
                        "MECS",
                        "EMERGENCY_SHELTER",
                        "AEMO_SERVICE",
                        "FOSTER_SERVICE",
                        "DAY_SERVICE",
                        "HEADQUARTERS",
                        "OTHER",
                    ),
                    "What it is: MECS, EMERGENCY_SHELTER (accueil d'urgence), AEMO_SERVICE, FOSTER_SERVICE "
                    "(placement familial), DAY_SERVICE (accueil de jour), HEADQUARTERS (siège), OTHER.",
                    required=True,
                ),
                _id("territory_id", **TERRITORY),
                Column(
                    "organisation",
                    "text",
                    required=True,
                    description="The organisation running it (association, or the département).",
                ),
                # SIRET (14 digits): links the declarations of DSN files to the establishment (section 2b).
                Column(
                    "siret",
                    "text",
                    description="SIRET (14 digits: SIREN + NIC): links the DSN declarations to the establishment.",
                ),
            ),
            key=("establishment_id",),
            description="Establishments and services, each in one territory.",
        ),
        Extract(
            "job_families",
            (
                _code("job_family", (), "The job family's code (métier).", required=True),
                Column("label_fr", "text", description="Its name in French, as the report shows it."),
                Column("segur_group", "text", description="The Ségur group it belongs to (who got which measure)."),
            ),
            key=("job_family",),
            reference_data=True,
            description="Job families (métiers) and the Ségur group each belongs to.",
        ),
        Extract(
            "pcs_job_families",
            (
                Column("pcs_ese", "code", required=True, description="PCS-ESE code of the DSN (S21.G00.40.004)."),
                Column(
                    "emploi_label",
                    "text",
                    description="Job title (libellé d'emploi, S21.G00.40.006) where one code covers several job "
                    "families; empty: the whole code.",
                ),
                # Not checked against job_families here: a DSN contract whose job family is not in the list
                # is quarantined with the staff rows, and the staff files need no DSN mapping at all.
                Column("job_family", "code", required=True, description="The job family (métier) it maps to."),
                Column("source", "text", description="Where the mapping comes from."),
            ),
            # No key: most lines map a whole code and leave emploi_label empty. Each code or title mapped
            # once is a warning of its suite; the first line read is used.
            reference_data=True,
            description="PCS-ESE codes, and job titles where one code covers several job families, to job "
            "families: how staff read from DSN files get theirs (section 2b).",
        ),
        Extract(
            "segur_measures",
            (
                Column("job_family", "code", required=True, **JOB_FAMILY),
                _code(
                    "employer_kind",
                    EMPLOYER_KINDS,
                    "The employers it covers: DEPARTMENT, ASSOCIATION, or empty for all.",
                ),
                _date("effective_date", "The day the measure took effect.", required=True),
                Column(
                    "monthly_net_eur",
                    "decimal",
                    required=True,
                    **NON_NEGATIVE,
                    description="The monthly rise, net, in euros (Ségur).",
                ),
                Column("source", "text", required=True, description="The public text it comes from."),
            ),
            reference_data=True,
            description="Ségur pay measures: who, from when, how much, and the public source.",
        ),
        Extract(
            "staff",
            (
                _id("employee_id", "The employee's number (matricule)." + PSEUDONYM),
                _id("contract_id", "The employment contract's number, unique." + PSEUDONYM),
                _date("birth_date", "Date of birth.", required=True),
                _code("sex", SEX, "F or M."),
                Column("job_family", "code", required=True, **JOB_FAMILY),
                _id("establishment_id", **ESTABLISHMENT),
                _code(
                    "contract_type",
                    ("CDI", "CDD", "INTERIM", "APPRENTICE", "CIVIL_SERVANT"),
                    "CDI, CDD, INTERIM, APPRENTICE (apprenti) or CIVIL_SERVANT (fonctionnaire).",
                    required=True,
                ),
                Column("fte", "decimal", required=True, **FTE, description="Full-time equivalent (ETP), 0 < fte <= 1."),
                _date("start_date", "First day of the contract (date d'entrée).", required=True),
                _date("end_date", "Last day worked (date de sortie); empty while the contract goes on."),
                _code(
                    "exit_reason",
                    (
                        "RESIGNATION",
                        "MUTUAL_AGREEMENT",
                        "END_OF_FIXED_TERM",
                        "END_OF_TRIAL",
                        "RETIREMENT",
                        "DISMISSAL",
                        "INTERNAL_TRANSFER",
                        "DEATH",
                        "OTHER",
                    ),
                    "Why the contract ended (motif de départ), required with end_date: RESIGNATION (démission), "
                    "MUTUAL_AGREEMENT (rupture conventionnelle), END_OF_FIXED_TERM, END_OF_TRIAL, RETIREMENT, "
                    "DISMISSAL, INTERNAL_TRANSFER, DEATH, OTHER.",
                ),
                Column(
                    "monthly_gross_pay",
                    "decimal",
                    **NON_NEGATIVE,
                    description="Monthly gross pay in euros, full-time base, at the contract's start.",
                ),
            ),
            key=("contract_id",),
            date_order=(("start_date", "end_date"),),
            reason_required=(("end_date", "exit_reason"),),
            reads=("pcs_job_families",),
            description="One row per employment contract, from staff files or monthly DSN files (section 2b).",
        ),
        Extract(
            "budgeted_posts",
            (
                _id("establishment_id", **ESTABLISHMENT),
                Column("job_family", "code", required=True, **JOB_FAMILY),
                _date("valid_from", "First day the budget is in force.", required=True),
                _date("valid_to", "Last day it is in force; empty: until a later row replaces it."),
                Column(
                    "budgeted_fte",
                    "decimal",
                    required=True,
                    **NON_NEGATIVE,
                    description="Authorised full-time equivalents (ETP budgétés).",
                ),
            ),
            key=("establishment_id", "job_family", "valid_from"),
            date_order=(("valid_from", "valid_to"),),
            description="Authorised posts (tableau des emplois).",
        ),
        Extract(
            "job_postings",
            (
                _id("posting_id", "The job posting's number (offre d'emploi)." + PSEUDONYM),
                _id("establishment_id", **ESTABLISHMENT),
                Column("job_family", "code", required=True, **JOB_FAMILY),
                Column("fte", "decimal", required=True, **FTE, description="Full-time equivalent of the post."),
                _date("opened_date", "The day the posting opened.", required=True),
                _date("closed_date", "The day it was filled or cancelled; empty while open."),
                _code("outcome", ("FILLED", "CANCELLED", "OPEN"), "FILLED, CANCELLED or OPEN.", required=True),
                _id("contract_id", "The hire's contract, when FILLED." + PSEUDONYM, required=False),
            ),
            key=("posting_id",),
            date_order=(("opened_date", "closed_date"),),
            description="Job postings and how they ended.",
        ),
        Extract(
            "applications",
            (
                _id("application_id", "The application's number (candidature)." + PSEUDONYM),
                _id(
                    "posting_id",
                    "The job posting applied to." + PSEUDONYM,
                    references="job_postings.posting_id",
                ),
                _date("applied_date", "The day of the application.", required=True),
                _code(
                    "channel",
                    ("FRANCE_TRAVAIL", "JOB_BOARD", "SCHOOL", "REFERRAL", "SOCIAL_MEDIA", "SPONTANEOUS", "OTHER"),
                    "How the candidate came: FRANCE_TRAVAIL, JOB_BOARD, SCHOOL, REFERRAL (cooptation), "
                    "SOCIAL_MEDIA, SPONTANEOUS, OTHER.",
                    required=True,
                ),
                _code(
                    "stage_reached",
                    ("APPLIED", "SCREENED", "INTERVIEWED", "OFFERED", "HIRED"),
                    "The furthest stage: APPLIED, SCREENED, INTERVIEWED, OFFERED, HIRED.",
                    required=True,
                ),
                Column("withdrawn", "boolean", description="The candidate withdrew (désistement)."),
            ),
            key=("application_id",),
            description="Applications to job postings.",
        ),
        Extract(
            "foster_carers",
            (
                _id("carer_id", "The foster carer's number (assistant familial)." + PSEUDONYM),
                _date("birth_date", "Date of birth.", required=True),
                _code("sex", SEX, "F or M."),
                _id("territory_id", **TERRITORY),
                _code(
                    "employer_kind",
                    EMPLOYER_KINDS,
                    "Employed by the DEPARTMENT or an ASSOCIATION.",
                    required=True,
                ),
                _date("approval_date", "Date of the agrément (approval) in force.", required=True),
                Column(
                    "approved_places",
                    "integer",
                    required=True,
                    low=1,
                    high=6,
                    description="Children the agrément allows (places agréées), 1 to 6.",
                ),
                _date("employment_start_date", "First day employed as assistant familial.", required=True),
                _date("end_date", "Last day employed (départ); empty while active."),
                _code(
                    "end_reason",
                    (
                        "RETIREMENT",
                        "RESIGNATION",
                        "DISMISSAL",
                        "APPROVAL_WITHDRAWN",
                        "APPROVAL_NOT_RENEWED",
                        "DEATH",
                        "OTHER",
                    ),
                    "Why the carer left, required with end_date: RETIREMENT, RESIGNATION, DISMISSAL, "
                    "APPROVAL_WITHDRAWN (retrait d'agrément), APPROVAL_NOT_RENEWED, DEATH, OTHER.",
                ),
                _date("initial_training_done_date", "The day the initial training (formation initiale) ended."),
                Column(
                    "distance_to_service_km",
                    "decimal",
                    **NON_NEGATIVE,
                    description="Distance from home to the placement service, in km.",
                ),
            ),
            key=("carer_id",),
            date_order=(("employment_start_date", "end_date"),),
            reason_required=(("end_date", "end_reason"),),
            description="One row per assistant familial.",
        ),
        Extract(
            "placements",
            (
                _id("placement_id", "The placement's number." + PSEUDONYM),
                _id("carer_id", **CARER),
                _id("child_id", "The child's number." + PSEUDONYM),
                _date("child_birth_date", "The child's date of birth.", required=True),
                _date("start_date", "First day of the placement (accueil).", required=True),
                _date("end_date", "Last day of the placement; empty while it goes on."),
                _code(
                    "end_reason",
                    ("RETURN_HOME", "PLANNED_MOVE", "BREAKDOWN", "AGE_OF_MAJORITY", "ADOPTION", "OTHER"),
                    "Why it ended: RETURN_HOME, PLANNED_MOVE, BREAKDOWN (rupture), AGE_OF_MAJORITY, ADOPTION, OTHER.",
                ),
                Column("complex_needs", "boolean", description="The child has complex needs (besoins complexes)."),
            ),
            key=("placement_id",),
            date_order=(("start_date", "end_date"),),
            description="One row per child placed with a foster carer.",
        ),
        Extract(
            "carer_events",
            (
                _id("carer_id", **CARER),
                _date("event_date", "The day of the event.", required=True),
                _code(
                    "event_type",
                    ("SUPPORT_VISIT", "TRAINING_DAY", "RESPITE_DAY", "PEER_GROUP", "ALLEGATION", "COMPLAINT"),
                    "SUPPORT_VISIT (visite d'accompagnement), TRAINING_DAY, RESPITE_DAY (répit), PEER_GROUP, "
                    "ALLEGATION, COMPLAINT.",
                    required=True,
                ),
                Column("days", "decimal", **NON_NEGATIVE, description="Days it lasted (training, respite)."),
            ),
            description="Support, training, respite and incidents of foster carers.",
        ),
        Extract(
            "carer_enquiries",
            (
                _id("enquiry_id", "The enquiry's number (demande d'information)." + PSEUDONYM),
                _date("enquiry_date", "The day of the first enquiry.", required=True),
                _code(
                    "channel",
                    ("WEBSITE", "INFO_MEETING", "CAMPAIGN", "WORD_OF_MOUTH", "SOCIAL_MEDIA", "OTHER"),
                    "How the person came: WEBSITE, INFO_MEETING (réunion d'information), CAMPAIGN, WORD_OF_MOUTH, "
                    "SOCIAL_MEDIA, OTHER.",
                    required=True,
                ),
                _id("territory_id", **TERRITORY),
                _date("application_date", "The day of the application for an agrément; empty: none."),
                _date("decision_date", "The day of the decision on the agrément."),
                _code(
                    "decision",
                    ("APPROVED", "REFUSED", "WITHDRAWN"),
                    "APPROVED (agréé), REFUSED or WITHDRAWN; empty while pending.",
                ),
                _id(
                    "carer_id",
                    "The carer it became, once employed (foster_carers)." + PSEUDONYM,
                    required=False,
                ),
            ),
            key=("enquiry_id",),
            date_order=(("enquiry_date", "application_date"), ("enquiry_date", "decision_date")),
            description="Recruitment funnel of new foster carers (assistants familiaux).",
        ),
    )
}

# The DuckDB type of each kind of column once typed (staging); raw keeps every value as read, as text.
DUCKDB_TYPES = {
    "id": "VARCHAR",
    "text": "VARCHAR",
    "code": "VARCHAR",
    "date": "DATE",
    "decimal": "DOUBLE",
    "integer": "BIGINT",
    "boolean": "BOOLEAN",
}
# What ingest adds to the contract's columns: where each row comes from, and in raw, what broke a rule.
SOURCE_COLUMNS = (
    ("source_file", "VARCHAR", "The landing file the row was read from (file.xlsx [sheet] for a sheet)."),
    ("source_row", "BIGINT", "Its row number as a spreadsheet shows it (the header is row 1)."),
)
INVALID_VALUES = (
    "invalid_values",
    "VARCHAR",
    "The columns whose value broke their rule, with the rule; such a value is kept only as its length and kinds "
    "of characters.",
)


def table_columns(extract: Extract, layer: Literal["raw", "staging"]) -> tuple[tuple[str, str, str], ...]:
    """Gives the columns of an extract's raw table (every value as text) or staging table (typed): name,
    DuckDB type and description."""
    typed = layer == "staging"
    columns = tuple((c.name, DUCKDB_TYPES[c.kind] if typed else "VARCHAR", c.description) for c in extract.columns)
    return columns + SOURCE_COLUMNS + (() if typed else (INVALID_VALUES,))


# Reference extracts come first so that checks against them can run.
LOAD_ORDER = (
    "territories",
    "job_families",
    "pcs_job_families",
    "segur_measures",
    "establishments",
    "staff",
    "budgeted_posts",
    "job_postings",
    "applications",
    "foster_carers",
    "placements",
    "carer_events",
    "carer_enquiries",
)
assert set(LOAD_ORDER) == set(EXTRACTS)
