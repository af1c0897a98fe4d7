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


def _id(name: str, required: bool = True, **kw) -> Column:
    """An identifier: pseudonymised, unless it names an establishment or a territory (organisation data)."""
    return Column(name, "id", required=required, pseudonymised=name not in ORGANISATION_IDS, **kw)


def _date(name: str, required: bool = False) -> Column:
    return Column(name, "date", required=required)


def _code(name: str, codes: tuple[str, ...], required: bool = False) -> Column:
    return Column(name, "code", required=required, codes=codes)


ESTABLISHMENT = dict(references="establishments.establishment_id")
JOB_FAMILY = dict(references="job_families.job_family")
TERRITORY = dict(references="territories.territory_id")
CARER = dict(references="foster_carers.carer_id")

EXTRACTS: dict[str, Extract] = {
    e.name: e
    for e in (
        Extract(
            "territories",
            (_id("territory_id"), Column("name", "text", required=True)),
            key=("territory_id",),
            description="Territories (circonscriptions) of the organisation.",
        ),
        Extract(
            "establishments",
            (
                _id("establishment_id"),
                Column("name", "text", required=True),
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
                    required=True,
                ),
                _id("territory_id", **TERRITORY),
                Column("organisation", "text", required=True),
                # SIRET (14 digits): links the declarations of DSN files to the establishment (section 2b).
                Column("siret", "text"),
            ),
            key=("establishment_id",),
            description="Establishments and services, each in one territory.",
        ),
        Extract(
            "job_families",
            (_code("job_family", (), required=True), Column("label_fr", "text"), Column("segur_group", "text")),
            key=("job_family",),
            reference_data=True,
            description="Job families (métiers) and the Ségur group each belongs to.",
        ),
        Extract(
            "pcs_job_families",
            (
                Column("pcs_ese", "code", required=True),
                Column("emploi_label", "text"),
                # Not checked against job_families here: a DSN contract whose job family is not in the list
                # is quarantined with the staff rows, and the staff files need no DSN mapping at all.
                Column("job_family", "code", required=True),
                Column("source", "text"),
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
                _code("employer_kind", EMPLOYER_KINDS),
                _date("effective_date", required=True),
                Column("monthly_net_eur", "decimal", required=True, **NON_NEGATIVE),
                Column("source", "text", required=True),
            ),
            reference_data=True,
            description="Ségur pay measures: who, from when, how much, and the public source.",
        ),
        Extract(
            "staff",
            (
                _id("employee_id"),
                _id("contract_id"),
                _date("birth_date", required=True),
                _code("sex", SEX),
                Column("job_family", "code", required=True, **JOB_FAMILY),
                _id("establishment_id", **ESTABLISHMENT),
                _code("contract_type", ("CDI", "CDD", "INTERIM", "APPRENTICE", "CIVIL_SERVANT"), required=True),
                Column("fte", "decimal", required=True, **FTE),
                _date("start_date", required=True),
                _date("end_date"),
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
                ),
                Column("monthly_gross_pay", "decimal", **NON_NEGATIVE),
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
                _date("valid_from", required=True),
                _date("valid_to"),
                Column("budgeted_fte", "decimal", required=True, **NON_NEGATIVE),
            ),
            key=("establishment_id", "job_family", "valid_from"),
            date_order=(("valid_from", "valid_to"),),
            description="Authorised posts (tableau des emplois).",
        ),
        Extract(
            "job_postings",
            (
                _id("posting_id"),
                _id("establishment_id", **ESTABLISHMENT),
                Column("job_family", "code", required=True, **JOB_FAMILY),
                Column("fte", "decimal", required=True, **FTE),
                _date("opened_date", required=True),
                _date("closed_date"),
                _code("outcome", ("FILLED", "CANCELLED", "OPEN"), required=True),
                _id("contract_id", required=False),
            ),
            key=("posting_id",),
            date_order=(("opened_date", "closed_date"),),
            description="Job postings and how they ended.",
        ),
        Extract(
            "applications",
            (
                _id("application_id"),
                _id("posting_id", references="job_postings.posting_id"),
                _date("applied_date", required=True),
                _code(
                    "channel",
                    ("FRANCE_TRAVAIL", "JOB_BOARD", "SCHOOL", "REFERRAL", "SOCIAL_MEDIA", "SPONTANEOUS", "OTHER"),
                    required=True,
                ),
                _code("stage_reached", ("APPLIED", "SCREENED", "INTERVIEWED", "OFFERED", "HIRED"), required=True),
                Column("withdrawn", "boolean"),
            ),
            key=("application_id",),
            description="Applications to job postings.",
        ),
        Extract(
            "foster_carers",
            (
                _id("carer_id"),
                _date("birth_date", required=True),
                _code("sex", SEX),
                _id("territory_id", **TERRITORY),
                _code("employer_kind", EMPLOYER_KINDS, required=True),
                _date("approval_date", required=True),
                Column("approved_places", "integer", required=True, low=1, high=6),
                _date("employment_start_date", required=True),
                _date("end_date"),
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
                ),
                _date("initial_training_done_date"),
                Column("distance_to_service_km", "decimal", **NON_NEGATIVE),
            ),
            key=("carer_id",),
            date_order=(("employment_start_date", "end_date"),),
            reason_required=(("end_date", "end_reason"),),
            description="One row per assistant familial.",
        ),
        Extract(
            "placements",
            (
                _id("placement_id"),
                _id("carer_id", **CARER),
                _id("child_id"),
                _date("child_birth_date", required=True),
                _date("start_date", required=True),
                _date("end_date"),
                _code(
                    "end_reason", ("RETURN_HOME", "PLANNED_MOVE", "BREAKDOWN", "AGE_OF_MAJORITY", "ADOPTION", "OTHER")
                ),
                Column("complex_needs", "boolean"),
            ),
            key=("placement_id",),
            date_order=(("start_date", "end_date"),),
            description="One row per child placed with a foster carer.",
        ),
        Extract(
            "carer_events",
            (
                _id("carer_id", **CARER),
                _date("event_date", required=True),
                _code(
                    "event_type",
                    ("SUPPORT_VISIT", "TRAINING_DAY", "RESPITE_DAY", "PEER_GROUP", "ALLEGATION", "COMPLAINT"),
                    required=True,
                ),
                Column("days", "decimal", **NON_NEGATIVE),
            ),
            description="Support, training, respite and incidents of foster carers.",
        ),
        Extract(
            "carer_enquiries",
            (
                _id("enquiry_id"),
                _date("enquiry_date", required=True),
                _code(
                    "channel",
                    ("WEBSITE", "INFO_MEETING", "CAMPAIGN", "WORD_OF_MOUTH", "SOCIAL_MEDIA", "OTHER"),
                    required=True,
                ),
                _id("territory_id", **TERRITORY),
                _date("application_date"),
                _date("decision_date"),
                _code("decision", ("APPROVED", "REFUSED", "WITHDRAWN")),
                _id("carer_id", required=False),
            ),
            key=("enquiry_id",),
            date_order=(("enquiry_date", "application_date"), ("enquiry_date", "decision_date")),
            description="Recruitment funnel of new foster carers.",
        ),
    )
}

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
