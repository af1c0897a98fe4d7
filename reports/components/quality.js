// The data-quality page in a director's words: each table checked and each check by what it
// verifies, in French, and what a failed check means for the figures. The names are those of
// pipelines/quality/suites.py (a check unknown here is shown by its name, its words spaced).

const TABLES = {
	applications: 'candidatures',
	budgeted_posts: 'postes budgétés',
	carer_enquiries: 'demandes d’agrément',
	carer_events: 'événements des assistants familiaux',
	establishments: 'établissements',
	foster_carers: 'assistants familiaux',
	job_families: 'métiers',
	job_postings: 'offres d’emploi',
	pcs_job_families: 'correspondance PCS-métiers',
	placements: 'accueils d’enfants',
	reporting_period: 'période du rapport',
	segur_measures: 'mesures Ségur',
	staff: 'personnel',
	territories: 'territoires',
	carer_age_profile: 'pyramide des âges des assistants familiaux',
	carer_capacity_monthly: 'places d’accueil familial par mois',
	carer_funnel: 'agréments : demandes, candidatures, décisions',
	carer_projection: 'projection des assistants familiaux',
	early_attrition: 'départs dans la première année',
	exits_by_reason: 'départs par motif',
	long_vacancies: 'postes vacants depuis longtemps',
	recruitment_funnel: 'recrutement par canal',
	segur_effect: 'effet du Ségur',
	segur_event_study: 'effet du Ségur mois par mois',
	segur_panel: 'données mensuelles du Ségur',
	segur_pay: 'salaires et mesures Ségur',
	time_to_fill: 'délais de recrutement',
	turnover_12m: 'turnover sur 12 mois',
	turnover_12m_by_organisation: 'turnover sur 12 mois par organisme',
	workforce_monthly: 'effectifs et postes par mois',
	carer_attrition_scores: 'risques de départ des assistants familiaux',
	model_metrics: 'qualité du modèle de risque'
};

const COLUMNS = {
	contract_id: 'contrat',
	carer_id: 'assistant familial',
	posting_id: 'offre d’emploi',
	establishment_id: 'établissement',
	territory_id: 'territoire',
	job_family: 'métier'
};

const CHECKS = {
	age_at_employment_start_date_is_plausible: 'l’âge à l’embauche est plausible',
	age_at_start_date_is_plausible: 'l’âge à l’entrée est plausible',
	applied_date_is_not_before_posting_opened_date: 'une candidature ne précède pas l’ouverture de son offre',
	approved_enquiries_name_their_carer: 'une demande agréée désigne son assistant familial',
	as_of_month_has_rows: 'le mois du rapport a des lignes',
	bands_add_up_to_the_territory: 'les tranches d’âge font le total du territoire',
	bands_and_measures_follow_the_risk: 'les niveaux de risque et les mesures suivent le risque calculé',
	budgeted_fte_is_plausible: 'les ETP budgétés sont plausibles',
	codes_and_quarters_are_known: 'les codes et les trimestres sont connus',
	codes_are_known: 'les codes sont connus',
	cohorts_are_observed_as_of_the_as_of_date: 'les promotions d’embauche sont observées à la date du rapport',
	contract_job_families_are_all_there: 'chaque métier des contrats est dans la liste des métiers',
	counts_are_within_bounds: 'les effectifs sont dans des bornes plausibles',
	coverage_follows_the_cover_month: 'la couverture suit le mois d’entrée dans le Ségur',
	dates_are_in_order: 'les dates se suivent dans le bon ordre',
	dates_are_plausible: 'les dates sont plausibles',
	days_to_decision_are_plausible: 'les délais de décision sont plausibles',
	days_to_fill_is_plausible: 'les délais de recrutement sont plausibles',
	decision_date_is_not_before_application_date: 'une décision ne précède pas sa demande',
	each_code_or_title_is_mapped_once: 'chaque code ou intitulé a une seule correspondance',
	employee_fte_is_at_most_full_time: 'une personne ne dépasse pas un temps plein',
	employee_has_one_birth_date: 'une personne a une seule date de naissance',
	employment_start_date_is_not_before_approval_date: 'l’embauche ne précède pas l’agrément',
	estimates_are_within_their_intervals: 'chaque estimation est dans son intervalle',
	event_date_is_within_carer_employment: 'chaque événement tombe pendant l’emploi de l’assistant familial',
	every_outcome_has_its_estimates: 'chaque indicateur a ses estimations',
	exits_are_counted_by_known_reason: 'chaque départ a un motif connu',
	exits_match_workforce_monthly: 'les départs concordent avec les effectifs mensuels',
	figures_are_within_bounds: 'les chiffres sont dans des bornes plausibles',
	filled_postings_name_their_hire: 'une offre pourvue désigne la personne embauchée',
	has_rows: 'la table n’est pas vide',
	job_families_are_known: 'les métiers sont connus',
	keys_are_filled: 'les identifiants sont renseignés',
	keys_are_unique: 'les identifiants ne sont pas en double',
	leavers_are_counted_within_the_hires: 'les partants sont comptés parmi les embauchés',
	measures_are_known_and_paid: 'les mesures sont connues et versées',
	median_pay_is_plausible: 'le salaire médian est plausible',
	metrics_are_within_bounds: 'les mesures de qualité sont dans leurs bornes',
	months_and_estimates_are_within_bounds: 'les mois et les estimations sont dans des bornes plausibles',
	months_are_in_the_reporting_window: 'les mois sont dans la période du rapport',
	numbers_are_within_bounds: 'les nombres sont dans des bornes plausibles',
	one_model_is_chosen_and_tested_on_later_dates: 'un seul modèle est retenu, testé sur des dates postérieures',
	organisation_has_an_as_of_month_row: 'chaque organisme a une ligne au mois du rapport',
	organisations_and_months_are_known: 'les organismes et les mois sont connus',
	outcome_codes_are_known: 'les codes d’issue sont connus',
	period_has_one_row: 'la période du rapport tient en une ligne',
	projected_figures_are_within_bounds: 'les projections sont dans des bornes plausibles',
	rates_are_the_exits_over_the_headcount: 'chaque taux est le nombre de départs rapporté à l’effectif',
	rates_are_their_counts_ratios: 'chaque taux est le rapport de ses effectifs',
	rates_are_within_bounds: 'les taux sont entre 0 et 100 %',
	reasons_are_given: 'chaque motif est renseigné',
	references_are_found: 'les références sont retrouvées',
	required_fields_are_filled: 'les champs obligatoires sont renseignés',
	risks_are_probabilities_on_the_as_of_date: 'les risques sont des probabilités à la date du rapport',
	row_count_is_stable: 'le nombre de lignes est stable d’un chargement à l’autre',
	scope_codes_are_known: 'les périmètres sont connus',
	stages_narrow_down: 'chaque étape compte au plus autant que la précédente',
	start_date_is_not_after_carer_end_date: 'un accueil ne commence pas après la fin d’activité de l’assistant familial',
	start_date_is_not_before_carer_employment_start_date: 'un accueil ne commence pas avant l’embauche de l’assistant familial',
	vacancies_last_three_months_within_the_window: 'les vacances durent au moins trois mois dans la période',
	vacant_fte_is_within_the_budget: 'les ETP vacants ne dépassent pas le budget',
	window_is_consistent: 'la période est cohérente',
	years_and_territories_are_known: 'les années et les territoires sont connus'
};

function spaced(name) {
	return String(name).replace(/_/g, ' ');
}

/** Gives a checked table in French: "extraction « offres d’emploi »" or "table « turnover sur 12 mois »". */
export function tableLabel(suite) {
	const [schema, name] = String(suite).split('.');
	const label = TABLES[name] ?? spaced(name ?? suite);
	return schema === 'staging' ? `extraction « ${label} »` : `table « ${label} »`;
}

/** Gives what a check verifies, in French ("chaque contrat renvoie à une ligne de personnel (contrats)"). */
export function checkLabel(expectation) {
	if (Object.hasOwn(CHECKS, expectation)) return CHECKS[expectation];
	const found = /^(\w+?)_is_found_in_(\w+)$/.exec(expectation);
	if (found) {
		const column = COLUMNS[found[1]] ?? spaced(found[1]);
		return `le ${column} cité figure dans l’extraction ${TABLES[found[2]] ?? spaced(found[2])}`;
	}
	const recent = /^last_12_months_of_(\w+)_have_rows$/.exec(expectation);
	if (recent) return 'les douze derniers mois ont des lignes';
	return spaced(expectation);
}

/** Gives a check's severity in French. */
export function severityLabel(severity) {
	return severity === 'blocking' ? 'bloquant' : severity === 'warning' ? 'avertissement' : String(severity ?? '');
}

/** Gives, for a failed check, what it means and whether it matters for the report's figures. */
export function failureMeaning(row) {
	const rows = row.unexpected_count;
	const table = tableLabel(row.checked_table);
	const where = table.startsWith('extraction') ? `dans l’${table}` : `dans la ${table}`;
	const rule = `la règle « ${checkLabel(row.expectation)} »`;
	const what =
		rows === null || rows === undefined || rows === 0
			? `${rule.charAt(0).toUpperCase()}${rule.slice(1)} n’est pas respectée ${where}.`
			: `${rows.toLocaleString('fr-FR')} ligne${rows > 1 ? 's' : ''} ${where} ne respecte${rows > 1 ? 'nt' : ''} pas ${rule}.`;
	const matters =
		row.severity === 'blocking'
			? 'Cela compte : les chiffres calculés à partir de cette table ne sont pas mis à jour, les pages qui en dépendent montrent ceux du dernier chargement réussi. À corriger à la source avant le prochain chargement.'
			: 'Cela n’arrête rien : tous les chiffres sont calculés, ces lignes comprises ; quand elles sont peu nombreuses, les taux du rapport n’en changent pas. À corriger à la source pour le prochain chargement.';
	return `${what} ${matters}`;
}
