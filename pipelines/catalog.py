"""What each computed warehouse table holds (contract section 3 and the tables Vivier adds): the one
place the Dagster UI's table descriptions are written. `pipelines.tables` gives each asset its
description from here, so an asset file says how a table is computed, and this file what it is."""

DESCRIPTIONS = {
    # Workforce (contract section 4).
    "marts.workforce_monthly": "Per month, establishment and job family: month-end headcount and fte, hires, "
    "exits, voluntary exits, budgeted and vacant fte, vacancy rate (contract section 4).",
    "marts.turnover_12m": "Per month and scope (ALL, ESTABLISHMENT, JOB_FAMILY, TERRITORY): turnover, voluntary "
    "turnover and rotation (taux de rotation) over the last 12 months, with their counts.",
    "marts.turnover_12m_by_organisation": "turnover_12m for each organisation (association) of the "
    "establishments: scope ORGANISATION, distinct employees per organisation. A table of its own because the "
    "contract fixes turnover_12m's scopes (ALL, ESTABLISHMENT, JOB_FAMILY, TERRITORY), and there 'the "
    "organisation' (scope ALL) is the whole employer.",
    "marts.exits_by_reason": "Exits per month, job family and exit reason (moves and renewals are not exits).",
    "marts.early_attrition": "Per hire cohort month and job family: hires and how many left within 3, 6 and 12 "
    "months; cohorts not yet observed that long are marked (observed_Nm false) and left null.",
    "marts.long_vacancies": "Budgeted posts vacant three months or more in a row: per establishment and job "
    "family, each run of vacant months, and whether it is still going at the as-of month.",
    "marts.time_to_fill": "One row per job posting: days to fill (FILLED only), and the age of postings still "
    "open on the as-of date.",
    "marts.recruitment_funnel": "Per quarter of application, job family and channel: postings, applications, "
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
    "marts.carer_capacity_monthly": "Per month and territory: active foster carers and their approved places at "
    "month end, occupied places (children placed), new carers and leavers (contract section 4).",
    "marts.carer_age_profile": "Carers active on the as-of date per territory and 5-year age band, with their "
    "approved places and children placed.",
    "marts.carer_funnel": "Recruitment of new foster carers per enquiry cohort quarter, channel and territory: "
    "enquiries, applications, approvals, median days to decision and conversion rates.",
    "marts.carer_projection": "Per territory, for each of the next 5 years: expected retirements (age limit), "
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
    "ml.carer_attrition_scores": "For every carer active on the as-of date: calibrated risk of stopping within "
    "12 months, band, places at risk (risk x children placed), the factors weighing most on the risk and a "
    "suggested measure. The factors are associations found by a model, not proven causes.",
    "ml.model_card": "The model card of the current attrition model, rendered from this run's metrics, fairness "
    "audit and registry; also written next to the model file.",
}
