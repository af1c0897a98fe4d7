"""A tiny landing folder that loads cleanly: a handful of rows per extract, every
reference found, every date in order. Each bad input of the catalogue is this folder
with one file changed, so that what goes wrong is that one change."""

from __future__ import annotations

from pathlib import Path

EXTRACTS = {
    "territories.csv": """territory_id;name
T1;Nord
T2;Sud
""",
    "establishments.csv": """establishment_id;name;kind;territory_id;organisation
E1;Maison des Tilleuls;MECS;T1;Association A
E2;Service d'accueil familial;FOSTER_SERVICE;T2;Département
""",
    "staff.csv": """employee_id;contract_id;birth_date;sex;job_family;establishment_id;contract_type;fte;start_date;end_date;exit_reason;monthly_gross_pay
A100;C1;1980-03-02;F;EDUCATEUR_SPECIALISE;E1;CDI;1;2019-01-07;;;2300
A101;C2;1991-07-15;M;MONITEUR_EDUCATEUR;E1;CDD;0.8;2023-09-01;2024-02-29;END_OF_FIXED_TERM;2000
A101;C3;1991-07-15;M;MONITEUR_EDUCATEUR;E1;CDI;0.8;2024-03-01;;;2050
A102;C4;1975-11-30;F;PSYCHOLOGUE;E2;CDI;0.5;2020-05-04;2025-03-31;RESIGNATION;3100
A103;C5;1988-01-20;F;ASSISTANT_SERVICE_SOCIAL;E2;CDI;1;2025-04-14;;;2400
""",
    "budgeted_posts.csv": """establishment_id;job_family;valid_from;valid_to;budgeted_fte
E1;EDUCATEUR_SPECIALISE;2019-01-01;;2
E1;MONITEUR_EDUCATEUR;2019-01-01;;1
E2;PSYCHOLOGUE;2019-01-01;;0.5
E2;ASSISTANT_SERVICE_SOCIAL;2019-01-01;;1
""",
    "job_postings.csv": """posting_id;establishment_id;job_family;fte;opened_date;closed_date;outcome;contract_id
P1;E2;ASSISTANT_SERVICE_SOCIAL;1;2025-02-03;2025-03-20;FILLED;C5
P2;E1;EDUCATEUR_SPECIALISE;1;2025-05-12;;OPEN;
""",
    "applications.csv": """application_id;posting_id;applied_date;channel;stage_reached;withdrawn
AP1;P1;2025-02-10;JOB_BOARD;HIRED;non
AP2;P1;2025-02-12;SCHOOL;INTERVIEWED;oui
AP3;P2;2025-05-20;REFERRAL;APPLIED;non
""",
    "foster_carers.csv": """carer_id;birth_date;sex;territory_id;employer_kind;approval_date;approved_places;employment_start_date;end_date;end_reason;initial_training_done_date;distance_to_service_km
F1;1970-04-04;F;T1;DEPARTMENT;2015-02-01;3;2015-03-01;;;2015-09-30;12,5
F2;1965-09-09;F;T2;ASSOCIATION;2010-06-01;2;2010-09-01;2025-01-31;RETIREMENT;2011-03-31;30
""",
    "placements.csv": """placement_id;carer_id;child_id;child_birth_date;start_date;end_date;end_reason;complex_needs
PL1;F1;K1;2012-05-05;2021-09-01;;;non
PL2;F2;K2;2008-01-15;2016-02-01;2024-12-31;AGE_OF_MAJORITY;oui
PL3;F1;K3;2019-10-10;2025-06-02;;;non
""",
    "carer_events.csv": """carer_id;event_date;event_type;days
F1;2025-05-15;SUPPORT_VISIT;
F1;2025-06-30;TRAINING_DAY;1
F2;2024-11-05;RESPITE_DAY;2
""",
    "carer_enquiries.csv": """enquiry_id;enquiry_date;channel;territory_id;application_date;decision_date;decision;carer_id
Q1;2014-10-01;INFO_MEETING;T1;2014-11-15;2015-02-01;APPROVED;F1
Q2;2025-04-03;WEBSITE;T2;;;;
""",
}


def write_landing(folder: Path, changes: dict[str, str | bytes | None] | None = None) -> Path:
    """Writes the tiny landing folder with `changes`: file name -> new content (text or bytes),
    or None to leave the file out."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in (EXTRACTS | (changes or {})).items():
        if content is None:
            continue
        path = folder / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return folder


def edit(name: str, old: str, new: str) -> dict[str, str]:
    """Gives the change that replaces `old` by `new` in one file of the tiny landing folder."""
    text = EXTRACTS[name]
    assert old in text, f"{old!r} is not in {name}"
    return {name: text.replace(old, new, 1)}
