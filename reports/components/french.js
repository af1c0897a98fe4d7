// French formats for the whole report: Evidence formats every number and date with SheetJS's
// `ssf` (English separators and month names) and draws charts with ECharts (English month
// names). Loaded once by pages/+layout.svelte, before any page renders.
import ssf from 'ssf';
import { registerLocale } from 'echarts';

const NBSP = '\u00a0';
const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre',
	'octobre', 'novembre', 'décembre'];
const MONTHS_SHORT = ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.',
	'nov.', 'déc.'];
const DAYS = ['dimanche', 'lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi'];
const DAYS_SHORT = ['dim.', 'lun.', 'mar.', 'mer.', 'jeu.', 'ven.', 'sam.'];
const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
	'October', 'November', 'December'];
const EN_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** "1,234.5" -> "1 234,5"; "12.5%" -> "12,5 %" (non-breaking spaces). */
export function frenchNumber(text) {
	return text
		.replace(/,/g, '\u0000')
		.replace(/\./g, ',')
		.replace(/\u0000/g, NBSP)
		.replace(/\s?%/g, `${NBSP}%`);
}

/** English month and day names (full, then three-letter) -> French. */
export function frenchDate(text) {
	let out = text;
	EN_MONTHS.forEach((m, i) => (out = out.replace(new RegExp(`\\b${m}\\b`, 'g'), MONTHS[i])));
	EN_MONTHS.forEach((m, i) => (out = out.replace(new RegExp(`\\b${m.slice(0, 3)}\\b`, 'g'), MONTHS_SHORT[i])));
	EN_DAYS.forEach((d, i) => (out = out.replace(new RegExp(`\\b${d}\\b`, 'g'), DAYS[i])));
	EN_DAYS.forEach((d, i) => (out = out.replace(new RegExp(`\\b${d.slice(0, 3)}\\b`, 'g'), DAYS_SHORT[i])));
	return out;
}

if (!ssf.vivierFrench) {
	const format = ssf.format;
	ssf.format = (code, value, options) => {
		const text = format(code, value, options);
		if (typeof text !== 'string') return text;
		const isDate = value instanceof Date || (typeof code === 'string' && ssf.is_date(code));
		if (isDate) return frenchDate(text);
		return typeof value === 'number' ? frenchNumber(text) : text;
	};
	ssf.vivierFrench = true;
}

// Evidence's charts use ECharts' default locale: give it French words under that name.
registerLocale('EN', {
	time: { month: MONTHS, monthAbbr: MONTHS_SHORT, dayOfWeek: DAYS, dayOfWeekAbbr: DAYS_SHORT },
	legend: { selector: { all: 'Tout', inverse: 'Inverser' } },
	toolbox: {
		brush: { title: { rect: 'Sélection rectangulaire', polygon: 'Sélection au lasso', lineX: 'Sélection horizontale',
			lineY: 'Sélection verticale', keep: 'Conserver la sélection', clear: 'Effacer la sélection' } },
		dataView: { title: 'Données', lang: ['Données', 'Fermer', 'Rafraîchir'] },
		dataZoom: { title: { zoom: 'Zoom', back: 'Réinitialiser le zoom' } },
		magicType: { title: { line: 'Courbe', bar: 'Barres', stack: 'Empilé', tiled: 'Côte à côte' } },
		restore: { title: 'Restaurer' },
		saveAsImage: { title: 'Enregistrer l’image', lang: ['Clic droit pour enregistrer l’image'] }
	},
	series: { typeNames: {} },
	aria: {}
});

// Chart tooltips, as a director reads them. Evidence writes a single series' name in Title Case
// ("Taux De Vacance": its formatTitle, English casing, no setting) and a date without a format as
// ISO ("2023-08-01"). safe.js's wrapper of every tooltip formatter passes what it gives through
// frenchTooltip: a series name is given back as written and a date as "août 2023" (every date the
// report charts is a month; another day is written "12 août 2023"). A series named by its column
// alone ("vacancy_rate") has no written form: name it with a `series` column holding the label.
const ISO_DATE = /\b(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00:00(?:\.000)?Z?)?\b/g;

/** Gives `name` as Evidence's formatTitle writes it (every word capitalised, underscores as spaces). */
export function evidenceTitle(name) {
	return String(name)
		.replace(/"/g, '')
		.replace(/_/g, ' ')
		.replace(/\S*/g, (w) =>
			['id', 'gdp'].includes(w)
				? w.toUpperCase()
				: ['of', 'the', 'and', 'in', 'on'].includes(w)
					? w.toLowerCase()
					: w.charAt(0).toUpperCase() + w.substr(1).toLowerCase()
		);
}

/** "2023-08-01" -> "août 2023"; "2023-08-12" -> "12 août 2023" (in any text). */
export function frenchIsoDates(text) {
	return text.replace(ISO_DATE, (_, y, m, d) =>
		d === '01' ? `${MONTHS[Number(m) - 1]} ${y}` : `${Number(d)} ${MONTHS[Number(m) - 1]} ${y}`);
}

/** Gives Evidence's tooltip `html` with the series names of `params` as written and dates in French. */
export function frenchTooltip(html, params) {
	if (typeof html !== 'string') return html;
	let out = html;
	for (const p of Array.isArray(params) ? params : [params]) {
		const name = p?.seriesName;
		if (typeof name !== 'string' || !name) continue;
		const titled = evidenceTitle(name);
		if (titled !== name) out = out.split(`>${titled}: <`).join(`>${name}: <`);
	}
	return frenchIsoDates(out);
}
