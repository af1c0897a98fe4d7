"""What each computed warehouse table holds (contract section 3 and the tables Vivier adds), and each
of its columns: the one place the Dagster UI's table and column descriptions are written.
`pipelines.tables` gives each asset its description and column schema from here, so an asset file
says how a table is computed, and this file what it is. The extracts' columns are described once
too, in `pipelines.ingest.contract`.

Descriptions carry the French words an HR analyst looks for (vacance, turnover, départs,
assistants familiaux, agrément, Ségur)."""

from typing import NamedTuple


class Column(NamedTuple):
    """A warehouse column as the Dagster UI shows it: name, DuckDB type, what it holds."""

    name: str
    type: str
    description: str


DESCRIPTIONS = {
    # Workforce (contract section 4).
    "marts.workforce_monthly": "Vacancy (vacance de postes), head count (effectif) and fte (ETP) per month, "
    "establishment and job family: month-end headcount and fte, hires (embauches), exits (départs), voluntary "
    "exits, budgeted and vacant fte, vacancy rate (taux de vacance) (contract section 4).",
    "marts.turnover_12m": "Turnover (départs, taux de rotation) per month and scope (ALL, ESTABLISHMENT, "
    "JOB_FAMILY, TERRITORY): turnover, voluntary turnover and rotation over the last 12 months, with their "
    "counts.",
    "marts.turnover_12m_by_organisation": "turnover_12m for each organisation (association) of the "
    "establishments: scope ORGANISATION, distinct employees per organisation. A table of its own because the "
    "contract fixes turnover_12m's scopes (ALL, ESTABLISHMENT, JOB_FAMILY, TERRITORY), and there 'the "
    "organisation' (scope ALL) is the whole employer.",
    "marts.exits_by_reason": "Exits (départs) per month, job family and exit reason (motif de départ; moves and "
    "renewals are not exits).",
    "marts.early_attrition": "Early departures (départs précoces) per hire cohort month and job family: hires "
    "and how many left within 3, 6 and 12 "
    "months; cohorts not yet observed that long are marked (observed_Nm false) and left null.",
    "marts.long_vacancies": "Long vacancies (vacance de poste durable): budgeted posts vacant three months or "
    "more in a row: per establishment and job "
    "family, each run of vacant months, and whether it is still going at the as-of month.",
    "marts.time_to_fill": "Time to fill (délai de recrutement), one row per job posting: days to fill (FILLED "
    "only), and the age of postings still "
    "open on the as-of date.",
    "marts.recruitment_funnel": "Recruitment (recrutement) per quarter of application, job family and channel: "
    "postings, applications, "
    "screened, interviewed, offered, hired, withdrawn, and conversion rates stage to stage.",
    # Ségur (docs/segur.md).
    "marts.segur_panel": "Per establishment, job family and month: the month the cell was covered by a Ségur "
    "measure (employer kind ASSOCIATION), months relative to it, voluntary-exit rate and vacancy rate with "
    "their counts.",
    "marts.segur_effect": "The Ségur effect on voluntary exits and vacancies: staggered difference in "
    "differences by imputation (valid when waves are covered at different dates), beside the naive two-way "
    "fixed-effects estimate; 95 % intervals clustered by establishment, relative effect, pre-trend test. See "
    "docs/segur.md.",
    "marts.segur_event_study": "The Ségur effect by month relative to coverage (-24 ... +24), with 95 % "
    "intervals, for the event-study chart.",
    "marts.segur_pay": "Per covered job family: median full-time gross pay at contract start in the 12 months "
    "before and the 12 months from its Ségur measure.",
    # Foster carers (contract section 4; docs/model-card.md).
    "marts.carer_capacity_monthly": "Foster carers (assistants familiaux) per month and territory: active carers "
    "and their approved places (agrément) at month end, occupied places (children placed), new carers and "
    "leavers (départs) (contract section 4).",
    "marts.carer_age_profile": "Assistants familiaux active on the as-of date per territory and 5-year age band "
    "(pyramide des âges), with their "
    "approved places and children placed.",
    "marts.carer_funnel": "Recruitment of new foster carers (assistants familiaux) per enquiry cohort quarter, "
    "channel and territory: enquiries, applications, approvals (agrément), median days to decision and "
    "conversion rates.",
    "marts.carer_projection": "Foster carers (assistants familiaux) projected per territory, for each of the next "
    "5 years: expected retirements (age limit), "
    "other leavers (the attrition model), recruits at the current funnel's pace, active carers and approved "
    "places, and the recruits needed each year to hold today's approved places.",
    "ml.carer_features": "What the attrition model knows of each carer active on quarterly as-of dates (back "
    "from the as-of date), with the label (left within 365 days, deaths excepted) where the 12 months are "
    "observed.",
    "ml.model_metrics": "ROC AUC, PR AUC, Brier score and the share of leavers caught in the 10 % highest "
    "risks, for every model (age rule, logistic regression, calibrated gradient boosting) on the train and "
    "test splits.",
    "ml.carer_test_predictions": "Every model's risk for the test split's carer-dates, with the outcome.",
    "ml.model_registry": "The attrition models saved with skops next to the warehouse: version, path, training "
    "range; `current` marks the one that scores.",
    "ml.model_fairness": "Fairness audit (fairlearn) of the chosen model on the test split, by sex and age band: "
    "share among the 10 % highest risks, recall of leavers there, predicted against observed leave rate.",
    "ml.carer_attrition_scores": "Risk of départ for every assistant familial active on the as-of date: "
    "calibrated risk of stopping within "
    "12 months, band, places at risk (risk x children placed), the factors weighing most on the risk and a "
    "suggested measure. The factors are associations found by a model, not proven causes.",
    "ml.model_card": "The model card of the current attrition model, rendered from this run's metrics, fairness "
    "audit and registry; also written next to the model file.",
}


# The subjects an analyst filters the Dagster asset catalogue by, as tags (Dagster's search box
# matches asset keys only; its catalogue filter suggests tags: typing "vacance" offers
# tag:vacance). Tags are ASCII: the accents are in the descriptions.
TOPICS = {
    "vacance": ("marts.workforce_monthly", "marts.long_vacancies", "marts.segur_panel", "marts.segur_effect"),
    "turnover": ("marts.turnover_12m", "marts.turnover_12m_by_organisation", "marts.segur_effect"),
    "departs": (
        "marts.turnover_12m",
        "marts.turnover_12m_by_organisation",
        "marts.exits_by_reason",
        "marts.early_attrition",
        "marts.workforce_monthly",
    ),
    "recrutement": ("marts.time_to_fill", "marts.recruitment_funnel", "marts.carer_funnel"),
    "assistants_familiaux": (
        "marts.carer_capacity_monthly",
        "marts.carer_age_profile",
        "marts.carer_funnel",
        "marts.carer_projection",
        "ml.carer_attrition_scores",
    ),
    "agrement": ("marts.carer_capacity_monthly", "marts.carer_funnel", "marts.carer_projection"),
    "segur": ("marts.segur_panel", "marts.segur_effect", "marts.segur_event_study", "marts.segur_pay"),
}

# What a column holds wherever it appears, unless its table says otherwise below.
SHARED = {
    "month": "The month (first day of the month; figures at its last day).",
    "as_of_date": "The as-of date (date d'arrêté): last day reported.",
    "establishment_id": "The establishment or service (établissement).",
    "job_family": "The job family (métier).",
    "territory_id": "The territory (circonscription).",
    "segur_group": "The Ségur group of the job family.",
    "carer_id": "The foster carer (assistant familial), pseudonymised.",
    "headcount": "Head count (effectif): distinct employees with a contract active on the month's last day.",
    "hires": "Hires (embauches): contracts that start when the person had none the day before.",
    "exits": "Exits (départs, sorties): contracts that end when the person has none the day after.",
    "voluntary_exits": "Voluntary exits (départs volontaires): exits by resignation or rupture conventionnelle.",
    "budgeted_fte": "Budgeted full-time equivalents (ETP budgétés) in force at month end.",
    "vacant_fte": "Vacant fte (ETP vacants): budgeted fte not covered, max(budgeted - fte, 0).",
    "vacancy_rate": "Vacancy rate (taux de vacance): vacant fte / budgeted fte, a share (0.175 = 17.5 %); "
    "null without budget.",
    "scope": "What the row covers: ALL (the whole employer), ESTABLISHMENT, JOB_FAMILY, TERRITORY "
    "(turnover_12m) or ORGANISATION (turnover_12m_by_organisation: an association).",
    "scope_id": "Which establishment, job family, territory or organisation (empty for ALL).",
    "avg_headcount": "Average of the 12 month-end head counts, months m-11 to m.",
    "hires_12m": "Hires over months m-11 to m.",
    "exits_12m": "Exits (départs) over months m-11 to m.",
    "voluntary_exits_12m": "Voluntary exits (départs volontaires) over months m-11 to m.",
    "headcount_12m_ago": "Head count at the end of month m-12.",
    "turnover_rate": "Turnover (taux de départ) over 12 months: exits / average head count, a share (0.175 = 17.5 %).",
    "voluntary_turnover_rate": "Voluntary turnover over 12 months: voluntary exits / average head count, a share.",
    "rotation_rate": "Taux de rotation: (hires + exits) / 2 over 12 months, divided by the head count of m-12; "
    "a share.",
    "channel": "How the candidate came (canal).",
    "outcome": "What is measured.",
    "estimator": "How it is estimated.",
    "estimate": "The effect, in the outcome's units.",
    "ci_low": "Low end of the 95 % interval.",
    "ci_high": "High end of the 95 % interval.",
    "relative_estimate": "The effect relative to the covered groups' expected level without the measure "
    "(-0.15: 15 % lower).",
    "relative_ci_low": "Low end of the relative effect's 95 % interval.",
    "relative_ci_high": "High end of the relative effect's 95 % interval.",
    "note": "Why a figure is missing or weak, if so.",
    "rel_month": "Months since the cell was covered by a Ségur measure (0: the first covered month).",
    "approved_places": "Approved places (places agréées) of the agrément.",
    "model": "The model: age_rule, logistic_regression or gradient_boosting.",
    "split": "train or test.",
    "n": "Carer-dates counted.",
    "leavers": "Of them, carers who left (départs) within 12 months.",
    "sex": "F or M.",
    "age": "Age in years on the as-of date.",
    "left_12m": "Left (départ) within 365 days of the as-of date, deaths excepted: the label.",
    "first_month": "First month.",
    "last_month": "Last month.",
    "version": "The model's version.",
}

# Every computed table's columns, as `name TYPE -- description` lines (the DuckDB type of the
# column as written); a line without a description takes the shared one above.
_TABLES = {
    "staging.reporting_period": """
        as_of_date DATE
        as_of_month DATE -- The as-of month (first day): the last month every mart reports.
        first_month DATE -- The first month of the window reported.
        history_months BIGINT -- Months reported (VIVIER_HISTORY_MONTHS).
        latest_event_date DATE -- The latest event date of the extracts, which sets the as-of date.
        as_of_source VARCHAR -- Where the as-of date comes from: the extracts, or VIVIER_AS_OF.
        extracts_not_loaded VARCHAR -- Event extracts not loaded in this run (their last load's dates count).
    """,
    "marts.workforce_monthly": """
        month DATE
        establishment_id VARCHAR
        job_family VARCHAR
        headcount BIGINT
        fte DOUBLE -- Full-time equivalents (ETP) of the contracts active at month end.
        hires BIGINT
        exits BIGINT
        voluntary_exits BIGINT
        budgeted_fte DOUBLE
        vacant_fte DOUBLE
        vacancy_rate DOUBLE
    """,
    "marts.turnover_12m": """
        month DATE
        scope VARCHAR
        scope_id VARCHAR
        headcount BIGINT
        hires BIGINT -- Hires (embauches) in the month.
        exits BIGINT -- Exits (départs) in the month.
        avg_headcount DOUBLE
        hires_12m BIGINT
        exits_12m BIGINT
        voluntary_exits_12m BIGINT
        headcount_12m_ago BIGINT
        turnover_rate DOUBLE
        voluntary_turnover_rate DOUBLE
        rotation_rate DOUBLE
    """,
    "marts.exits_by_reason": """
        month DATE
        job_family VARCHAR
        exit_reason VARCHAR -- Why they left (motif de départ).
        exits BIGINT -- Exits (départs) for that reason.
        voluntary BOOLEAN -- A voluntary exit (démission, rupture conventionnelle).
    """,
    "marts.early_attrition": """
        cohort_month DATE -- The month of the hires (embauches).
        job_family VARCHAR
        hires BIGINT -- Hires (embauches) that month.
        observed_3m BOOLEAN -- Observed 3 months yet: else the 3-month figures are null.
        left_within_3m BIGINT -- Hires who left (départs précoces) within 3 months.
        attrition_rate_3m DOUBLE -- left_within_3m / hires, a share.
        fixed_term_ends_within_3m BIGINT -- Of them, hires whose fixed-term contract (CDD) ended within 3 months.
        observed_6m BOOLEAN -- Observed 6 months yet.
        left_within_6m BIGINT -- Hires who left within 6 months.
        attrition_rate_6m DOUBLE -- left_within_6m / hires, a share.
        fixed_term_ends_within_6m BIGINT -- Of them, hires whose fixed-term contract (CDD) ended within 6 months.
        observed_12m BOOLEAN -- Observed 12 months yet.
        left_within_12m BIGINT -- Hires who left within 12 months.
        attrition_rate_12m DOUBLE -- left_within_12m / hires, a share.
        fixed_term_ends_within_12m BIGINT -- Of them, hires whose fixed-term contract (CDD) ended within 12 months.
    """,
    "marts.long_vacancies": """
        establishment_id VARCHAR
        job_family VARCHAR
        first_month DATE -- First month of the run of vacant months (vacance).
        last_month DATE -- Last month of the run.
        months_vacant BIGINT -- Months in a row with vacant fte.
        mean_vacant_fte DOUBLE -- Average vacant fte (ETP vacants) over the run.
        max_vacant_fte DOUBLE -- Highest vacant fte in the run.
        last_vacant_fte DOUBLE -- Vacant fte in the run's last month.
        last_budgeted_fte DOUBLE -- Budgeted fte in the run's last month.
        ongoing BOOLEAN -- Still vacant in the as-of month.
    """,
    "marts.time_to_fill": """
        posting_id VARCHAR -- The job posting (offre d'emploi), pseudonymised.
        job_family VARCHAR
        establishment_id VARCHAR
        fte DOUBLE -- Full-time equivalent of the post.
        opened_date DATE -- The day it opened.
        closed_date DATE -- The day it closed.
        outcome VARCHAR -- FILLED, CANCELLED or OPEN.
        days_to_fill BIGINT -- Days from opening to closing (délai de recrutement), FILLED only.
        still_open BOOLEAN -- Still open on the as-of date.
        open_days BIGINT -- Days open on the as-of date, if still open.
    """,
    "marts.recruitment_funnel": """
        quarter DATE -- The quarter of application (first day).
        job_family VARCHAR
        channel VARCHAR
        postings BIGINT -- Job postings (offres) applied to.
        applications BIGINT -- Applications (candidatures).
        screened BIGINT -- Applications screened (présélection) or further.
        interviewed BIGINT -- Interviewed (entretien) or further.
        offered BIGINT -- Offered the job or further.
        hired BIGINT -- Hired (embauchés).
        withdrawn BIGINT -- Candidates who withdrew (désistements).
        screened_rate DOUBLE -- screened / applications, a share.
        interview_rate DOUBLE -- interviewed / screened, a share.
        offer_rate DOUBLE -- offered / interviewed, a share.
        acceptance_rate DOUBLE -- hired / offered, a share.
        hire_rate DOUBLE -- hired / applications, a share.
    """,
    "marts.segur_panel": """
        month DATE
        establishment_id VARCHAR
        job_family VARCHAR
        segur_group VARCHAR
        cover_month DATE -- The month the cell was first covered by a Ségur measure; null: never.
        covered BOOLEAN -- Covered by a Ségur measure that month.
        rel_month INTEGER
        headcount BIGINT
        voluntary_exits BIGINT
        voluntary_exit_rate DOUBLE -- Voluntary exits / head count that month, a share.
        budgeted_fte DOUBLE
        vacant_fte DOUBLE
        vacancy_rate DOUBLE
    """,
    "marts.segur_effect": """
        outcome VARCHAR -- The outcome: voluntary_exit_rate (départs volontaires) or vacancy_rate (vacance).
        estimator VARCHAR -- imputation (staggered difference in differences) or the naive two-way fixed effects.
        estimate DOUBLE
        ci_low DOUBLE
        ci_high DOUBLE
        relative_estimate DOUBLE
        relative_ci_low DOUBLE
        relative_ci_high DOUBLE
        n_units BIGINT -- Establishment x job family cells in the estimate.
        pre_trend_p_value DOUBLE -- p-value of the test of no effect before coverage (high: no pre-trend seen).
        counterfactual_level DOUBLE -- The covered cells' expected level without the measure.
        relative_minimum_detectable_effect DOUBLE -- Smallest relative fall the data could detect.
        n_establishments BIGINT -- Establishments in the estimate.
        n_covered_cell_months BIGINT -- Covered cell-months the effect is measured on.
        n_covered_cell_months_left_out BIGINT -- Covered cell-months that could not be used.
        first_month DATE -- First month of the panel used.
        last_month DATE -- Last month of the panel used.
        note VARCHAR
    """,
    "marts.segur_event_study": """
        outcome VARCHAR -- voluntary_exit_rate (départs volontaires) or vacancy_rate (vacance).
        estimator VARCHAR
        rel_month INTEGER
        estimate DOUBLE
        ci_low DOUBLE
        ci_high DOUBLE
        relative_estimate DOUBLE
        relative_ci_low DOUBLE
        relative_ci_high DOUBLE
        n_cell_months BIGINT -- Cell-months at that distance from coverage.
        note VARCHAR
    """,
    "marts.segur_pay": """
        job_family VARCHAR
        segur_group VARCHAR
        effective_date DATE -- The day its Ségur measure took effect.
        monthly_net_eur DOUBLE -- The measure's monthly rise, net, in euros.
        contracts_before BIGINT -- Contracts starting in the window before.
        median_gross_pay_before DOUBLE -- Their median full-time monthly gross pay (salaire brut), euros.
        contracts_after BIGINT -- Contracts starting in the window from the measure.
        median_gross_pay_after DOUBLE -- Their median full-time monthly gross pay, euros.
        window_months INTEGER -- Months in each window.
        median_difference DOUBLE -- After minus before, euros.
    """,
    "marts.carer_capacity_monthly": """
        month DATE
        territory_id VARCHAR
        active_carers BIGINT -- Assistants familiaux employed at month end.
        approved_places BIGINT -- Their approved places (places agréées, agrément).
        occupied_places BIGINT -- Children placed with them at month end.
        new_carers BIGINT -- Carers who started in the month.
        leavers BIGINT -- Carers who left (départs) in the month.
    """,
    "marts.carer_age_profile": """
        as_of_date DATE
        territory_id VARCHAR
        age_band VARCHAR -- 5-year age band (60-64).
        age_band_start INTEGER -- The band's first age.
        carers UINTEGER -- Assistants familiaux active on the as-of date in the band.
        approved_places BIGINT -- Their approved places (agrément).
        children_placed BIGINT -- Children placed with them on the as-of date.
        share_of_carers DOUBLE -- Share of the territory's carers in the band.
    """,
    "marts.carer_funnel": """
        cohort_quarter DATE -- The quarter of the enquiry (first day).
        channel VARCHAR -- How the person came (canal).
        territory_id VARCHAR
        enquiries BIGINT -- Enquiries (demandes d'information).
        applications BIGINT -- Applications for an agrément.
        approvals BIGINT -- Agréments granted.
        refusals BIGINT -- Agréments refused.
        withdrawals BIGINT -- Candidates who withdrew.
        median_days_to_decision DOUBLE -- Median days from enquiry to decision.
        application_rate DOUBLE -- applications / enquiries, a share.
        approval_rate DOUBLE -- approvals / applications, a share.
        conversion_rate DOUBLE -- approvals / enquiries, a share.
        complete_quarter BOOLEAN -- The quarter is over (the latest ones are still moving).
    """,
    "marts.carer_projection": """
        territory_id VARCHAR
        year INTEGER -- Years after the as-of date (1 to 5).
        year_end DATE -- The year's last day.
        expected_retirements DOUBLE -- Carers expected to retire (age limit) in the year.
        expected_other_leavers DOUBLE -- Other expected leavers (départs), from the attrition model.
        expected_recruits DOUBLE -- Recruits at the current pace of agréments.
        expected_active_carers DOUBLE -- Assistants familiaux expected at the year's end.
        expected_approved_places DOUBLE -- Their approved places (agrément).
        expected_active_carers_without_recruitment DOUBLE -- The same without any recruit.
        expected_approved_places_without_recruitment DOUBLE -- The same without any recruit.
        active_carers_today BIGINT -- Carers active on the as-of date.
        approved_places_today BIGINT -- Their approved places.
        places_per_recruit DOUBLE -- Approved places a recruit brings.
        recruits_needed DOUBLE -- Recruits needed in the year to hold today's approved places.
    """,
    "ml.carer_features": """
        carer_id VARCHAR
        as_of_date DATE -- The date the carer is described at.
        sex VARCHAR
        territory_id VARCHAR
        age DOUBLE
        tenure_years DOUBLE -- Years employed as assistant familial.
        approved_places DOUBLE
        occupied_places DOUBLE -- Children placed on the date.
        empty_places DOUBLE -- Approved places not occupied.
        empty_months_12m DOUBLE -- Months with an empty place over the last 12.
        placements_12m DOUBLE -- Placements started over the last 12 months.
        breakdowns_12m DOUBLE -- Placement breakdowns (ruptures) over the last 12 months.
        complex_needs_children DOUBLE -- Children placed with complex needs.
        children_turning_18_12m DOUBLE -- Children placed turning 18 within 12 months.
        support_visits_6m DOUBLE -- Support visits over the last 6 months.
        support_visits_12m DOUBLE -- Support visits over the last 12 months.
        respite_days_6m DOUBLE -- Respite days (répit) over the last 6 months.
        respite_days_12m DOUBLE -- Respite days over the last 12 months.
        training_days_12m DOUBLE -- Training days over the last 12 months.
        initial_training_done DOUBLE -- 1 if the initial training is done.
        peer_groups_12m DOUBLE -- Peer groups attended over the last 12 months.
        allegations_24m DOUBLE -- Allegations over the last 24 months.
        months_since_allegation DOUBLE -- Months since the last allegation.
        complaints_12m DOUBLE -- Complaints over the last 12 months.
        distance_km DOUBLE -- Distance from home to the service, km.
        association DOUBLE -- 1 if employed by an association.
        months_to_agrement_renewal DOUBLE -- Months until the agrément is due for renewal.
        left_12m BOOLEAN
        observed BOOLEAN -- The 12 months after the date are observed: the label is known.
    """,
    "ml.model_metrics": """
        model VARCHAR
        split VARCHAR
        roc_auc DOUBLE -- ROC AUC (0.5: chance, 1: perfect).
        pr_auc DOUBLE -- Precision-recall AUC.
        brier DOUBLE -- Brier score (lower is better).
        top_decile_recall DOUBLE -- Share of leavers among the 10 % highest risks.
        mean_risk DOUBLE -- Mean predicted risk.
        leave_rate DOUBLE -- Observed share of leavers.
        n BIGINT
        leavers BIGINT
        as_of_from DATE -- First as-of date of the split.
        as_of_to DATE -- Last as-of date of the split.
        chosen BOOLEAN -- The model chosen to score.
    """,
    "ml.carer_test_predictions": """
        carer_id VARCHAR
        as_of_date DATE
        sex VARCHAR
        age DOUBLE
        left_12m BOOLEAN
        age_rule DOUBLE -- Risk by the age rule.
        logistic_regression DOUBLE -- Risk by the logistic regression.
        gradient_boosting DOUBLE -- Risk by the calibrated gradient boosting.
    """,
    "ml.model_registry": """
        model_name VARCHAR -- The registered model's name.
        version VARCHAR
        model VARCHAR
        path VARCHAR -- The model file (skops).
        trained_at TIMESTAMP -- When it was trained.
        as_of_date DATE
        train_from DATE -- First as-of date trained on.
        train_to DATE -- Last as-of date trained on.
        training_rows BIGINT -- Carer-dates of the training split.
        fitted_rows BIGINT -- Carer-dates the final model is fitted on.
        leavers BIGINT -- Leavers among them.
        features VARCHAR -- The features it reads.
        features_version VARCHAR -- Fingerprint of models/ (features, training): a new one retrains.
        test_roc_auc DOUBLE -- ROC AUC on the test split.
        sklearn_version VARCHAR -- scikit-learn version it was saved with.
        current BOOLEAN -- The model that scores.
    """,
    "ml.model_fairness": """
        model VARCHAR
        split VARCHAR
        attribute VARCHAR -- sex or age_band.
        group VARCHAR -- The group (F, M, an age band).
        n BIGINT
        leavers BIGINT
        selection_rate DOUBLE -- Share of the group among the 10 % highest risks.
        recall DOUBLE -- Share of the group's leavers caught there.
        mean_predicted_risk DOUBLE -- Mean predicted risk.
        observed_leave_rate DOUBLE -- Observed share of leavers.
        calibration_ratio DOUBLE -- Predicted / observed.
    """,
    "ml.carer_attrition_scores": """
        carer_id VARCHAR
        as_of_date DATE
        risk_12m DOUBLE -- Calibrated risk of stopping (départ) within 12 months, 0 to 1.
        risk_band VARCHAR -- HIGH, MEDIUM or LOW.
        places_at_risk DOUBLE -- risk_12m x children placed.
        top_factors VARCHAR -- What weighs most on the risk (associations, not proven causes).
        suggested_measure VARCHAR -- A measure to consider (support, respite, training...).
        top_factor_effect DOUBLE -- How much the first factor moves the risk.
        children_placed BIGINT -- Children placed on the as-of date.
        approved_places BIGINT
        territory_id VARCHAR
        risk_source VARCHAR -- model, or a recorded end date.
        model_version VARCHAR -- The model that scored.
    """,
    "ml.model_card": """
        version VARCHAR
        markdown VARCHAR -- The model card, in Markdown.
    """,
}


def _columns(lines: str) -> tuple[Column, ...]:
    """Gives the columns of `name TYPE -- description` lines, shared descriptions filled in."""
    columns = []
    for line in filter(None, (line.strip() for line in lines.splitlines())):
        declared, _, description = line.partition(" -- ")
        name, type_ = declared.split()
        columns.append(Column(name, type_, description or SHARED[name]))
    return tuple(columns)


# turnover_12m for each organisation: the same columns, scope ORGANISATION.
_TABLES["marts.turnover_12m_by_organisation"] = _TABLES["marts.turnover_12m"]
COLUMNS = {table: _columns(lines) for table, lines in _TABLES.items()}


def topics(table: str) -> list[str]:
    """Gives the subjects (TOPICS) a table is about."""
    return [topic for topic, tables in TOPICS.items() if table in tables]
