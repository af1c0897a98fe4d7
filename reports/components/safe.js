// Names are data, never markup nor SQL (issue 13). Territory, establishment and organisation names
// come from HR extracts: whoever typed them may have typed `<img src=x onerror=...>` or an
// apostrophe (Val-d'Oise). Two places would read them as code:
//
// - chart tooltips: Evidence's charts build each tooltip as an HTML string from the series names
//   and the x values (core-components' _Chart.svelte), and ECharts shows that string as HTML. A
//   global ECharts preprocessor (registered once, below) wraps every tooltip formatter function so
//   that it receives its names and values HTML-escaped (and gives its text in French: french.js's
//   frenchTooltip). Nothing else is escaped: tables, titles and
//   page text are Svelte text (escaped by Svelte) and axis labels and legends are drawn on a canvas,
//   so escaping the data itself would show "&lt;" there.
// - page queries: `[territoire].md` and `[etablissement].md` put the URL's id into their SQL; they
//   write it with `sqlString(params.x)`, a quoted SQL literal, never between bare quotes.
import { registerPreprocessor } from 'echarts';
import { frenchTooltip } from './french.js';

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Gives `text` with the characters HTML gives a meaning to written as entities; other values as they are. */
export function escapeHtml(text) {
	return typeof text === 'string' ? text.replace(/[&<>"'`]/g, (c) => ENTITIES[c]) : text;
}

/** Gives `value` as an SQL string literal: between single quotes, each single quote doubled. */
export function sqlString(value) {
	return `'${String(value).replaceAll("'", "''")}'`;
}

function escapeValue(value) {
	if (Array.isArray(value)) return value.map(escapeHtml);
	if (value && typeof value === 'object' && !(value instanceof Date)) {
		return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeValue(v)]));
	}
	return escapeHtml(value);
}

// The text fields of ECharts' tooltip parameters (`marker` is ECharts' own HTML: kept as it is).
const TEXT_FIELDS = ['seriesName', 'name', 'axisValue', 'axisValueLabel', 'value', 'data'];

/** Gives ECharts' tooltip parameters (one object, or one per series) with their text HTML-escaped. */
export function escapeTooltipParams(params) {
	if (Array.isArray(params)) return params.map(escapeTooltipParams);
	if (!params || typeof params !== 'object') return escapeHtml(params);
	const safe = { ...params };
	for (const field of TEXT_FIELDS) if (field in safe) safe[field] = escapeValue(safe[field]);
	return safe;
}

const SAFE = Symbol.for('vivier.safeTooltip');

function safeTooltip(tooltip) {
	const formatter = tooltip?.formatter;
	// Evidence re-applies an option read back from the chart: a formatter is wrapped only once.
	if (typeof formatter !== 'function' || formatter[SAFE]) return tooltip;
	const wrapped = function (params, ...rest) {
		const safe = escapeTooltipParams(params);
		return frenchTooltip(formatter.call(this, safe, ...rest), safe);
	};
	wrapped[SAFE] = true;
	return { ...tooltip, formatter: wrapped };
}

function eachTooltip(holder) {
	if (!holder || typeof holder !== 'object' || !('tooltip' in holder)) return;
	holder.tooltip = Array.isArray(holder.tooltip) ? holder.tooltip.map(safeTooltip) : safeTooltip(holder.tooltip);
}

/** ECharts option preprocessor: every tooltip formatter function of `option` gets escaped parameters.
 * ECharts calls it on its own copy of each option given to setOption. */
export function safeTooltips(option) {
	eachTooltip(option);
	const series = option?.series;
	for (const s of Array.isArray(series) ? series : series ? [series] : []) {
		eachTooltip(s);
		if (Array.isArray(s?.data)) s.data.forEach(eachTooltip);
	}
}

if (!globalThis[SAFE]) {
	registerPreprocessor(safeTooltips);
	globalThis[SAFE] = true;
}
