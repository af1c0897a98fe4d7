// What the report's charts share (issue 17): colours a reader tells apart, every bar with its
// value written on it, a figure hidden by the statistical secret written "< 5" where its bar would
// be (never an empty bar that reads as zero), and the Ségur event study drawn as its estimate inside
// its 95 % interval. Imported by the pages that draw charts; names are data: tooltips receive them
// HTML-escaped (safe.js), labels are drawn on a canvas (text, never markup).
import { fmt } from '@evidence-dev/component-utilities/formatting';
import { escapeHtml } from './safe.js';

// Okabe and Ito's colours, told apart with the usual colour blindnesses (and in grey, by their
// lightness): Evidence's default palette starts with three close blues.
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#7F7F7F', '#332288'];

// What a hidden figure reads on its bar: a count of 1 to 4 people; a rate over fewer than 5 people,
// or whose numerator is 1 to 4 (the pages' tables print "-" and say why).
export const HIDDEN_COUNT = '< 5';
export const HIDDEN_RATE = 'masqué';

function keyOf(category, series) {
	return `${series ?? ''}\u0000${category}`;
}

/**
 * Gives a bar chart's `seriesOptions` and `echartsOptions` (spread them on <BarChart>) that write
 * every bar's value on it, "0" included, and, on a bar whose figure is hidden, `hidden` with no bar.
 * The page's query gives each row the drawn value (0 where hidden) in the chart's `y` and `masque`
 * true where the figure is hidden; `x` and `series` name the query's columns, as on the chart.
 */
export function bars(rows, { x, series = undefined, format, swapXY = false, hidden = HIDDEN_COUNT }) {
	const masked = new Set();
	const escaped = new Set();
	for (const row of rows ?? []) {
		if (row.masque) {
			masked.add(keyOf(row[x], series ? row[series] : undefined));
			escaped.add(keyOf(escapeHtml(String(row[x])), series ? escapeHtml(String(row[series])) : undefined));
		}
	}
	const category = (params) => params.value[swapXY ? 1 : 0];
	const amount = (params) => params.value[swapXY ? 0 : 1];
	const text = (params, keys) =>
		keys.has(keyOf(String(category(params)), series ? String(params.seriesName) : undefined))
			? hidden
			: fmt(amount(params) ?? 0, format);
	return {
		seriesOptions: {
			label: { show: true, formatter: (params) => text(params, masked) },
			labelLayout: { hideOverlap: false }
		},
		echartsOptions: {
			// a long category (a job family, a reason) wraps on two lines instead of leaving the chart
			// (with room on the left: ECharts measures a label a little narrower than it draws it)
			...(swapXY ? { grid: { left: 24 }, yAxis: { axisLabel: { width: 180, overflow: 'break', interval: 0 } } } : {}),
			tooltip: {
				trigger: 'axis',
				confine: true,
				formatter: (params) => {
					const list = Array.isArray(params) ? params : [params];
					if (!list.length) return '';
					const lines = list
						.filter((p) => p.seriesName !== 'stackTotal')
						.map((p) => `${p.marker} ${series ? `${p.seriesName} : ` : ''}${text(p, escaped)}`);
					return [`<span style="font-weight: 600">${category(list[0])}</span>`, ...lines].join('<br>');
				}
			}
		}
	};
}

const percent = (value) => fmt(value, '+#,##0%;-#,##0%;0%');

/**
 * Gives the ECharts option of the Ségur event study: per month from the measure, the estimated
 * change against what was expected without it (a line), inside its 95 % interval (a band: the low
 * bound, then the interval's width stacked on it, filled). The axis runs from -100 % (no departure
 * at all) to a little above the highest estimate; an interval that goes further leaves the chart at
 * its top edge, and the tooltip gives its bounds. A month without an estimate is a gap.
 */
export function eventStudy(rows) {
	const months = [...(rows ?? [])].filter((r) => r.mois !== null && r.mois !== undefined);
	months.sort((a, b) => a.mois - b.mois);
	const estimates = months.map((r) => r.ecart).filter((v) => v !== null && v !== undefined);
	const top = Math.min(3, Math.max(1, Math.ceil((Math.max(0, ...estimates) + 0.25) * 2) / 2));
	const bottom = -1;
	const clip = (v) => Math.min(top, Math.max(bottom, v));
	const has = (r) => r.ecart !== null && r.ecart !== undefined;
	const byMonth = new Map(months.map((r) => [r.mois, r]));
	const monthLabel = (m) => (m === 0 ? 'mois de la revalorisation' : `${m > 0 ? '+' : '−'}${Math.abs(m)} mois`);
	return {
		color: [PALETTE[0]],
		grid: { left: 56, right: 24, top: 40, bottom: 56 },
		legend: { top: 0, data: ['Écart estimé', 'Intervalle à 95 %'], selectedMode: false },
		tooltip: {
			trigger: 'axis',
			confine: true,
			formatter: (params) => {
				const list = Array.isArray(params) ? params : [params];
				const row = list.length ? byMonth.get(Number(list[0].axisValue)) : undefined;
				if (!row) return '';
				const head = `<span style="font-weight: 600">${monthLabel(row.mois)}</span>`;
				if (!has(row)) return `${head}<br>pas d'estimation ce mois-ci (trop peu de départs attendus)`;
				return `${head}<br>écart estimé : ${percent(row.ecart)}<br>intervalle à 95 % : de ${percent(
					row.borne_basse
				)} à ${percent(row.borne_haute)}`;
			}
		},
		// months as categories: ECharts stacks the band's two series along the value axis, which with
		// two value axes would be the months
		xAxis: {
			type: 'category',
			data: months.map((r) => String(r.mois)),
			boundaryGap: false,
			name: 'mois depuis la revalorisation',
			nameLocation: 'middle',
			nameGap: 30,
			axisTick: { alignWithLabel: true, interval: (i, m) => Number(m) % 6 === 0 },
			axisLabel: {
				interval: (i, m) => Number(m) % 6 === 0,
				formatter: (m) => (Number(m) > 0 ? `+${m}` : Number(m) < 0 ? `−${Math.abs(Number(m))}` : '0')
			}
		},
		yAxis: {
			type: 'value',
			min: bottom,
			max: top,
			interval: 0.5,
			axisLabel: { formatter: percent }
		},
		series: [
			{
				name: 'Borne basse',
				type: 'line',
				stack: 'intervalle',
				data: months.map((r) => (has(r) ? clip(r.borne_basse) : null)),
				lineStyle: { opacity: 0 },
				symbol: 'none',
				silent: true,
				tooltip: { show: false }
			},
			{
				name: 'Intervalle à 95 %',
				type: 'line',
				stack: 'intervalle',
				data: months.map((r) => (has(r) ? clip(r.borne_haute) - clip(r.borne_basse) : null)),
				lineStyle: { opacity: 0 },
				areaStyle: { color: '#9ecae1', opacity: 0.55 },
				itemStyle: { color: '#9ecae1' },
				symbol: 'none',
				silent: true
			},
			{
				name: 'Écart estimé',
				type: 'line',
				data: months.map((r) => (has(r) ? r.ecart : null)),
				lineStyle: { width: 2.5, color: '#08306b' },
				itemStyle: { color: '#08306b' },
				symbol: 'circle',
				symbolSize: 5,
				z: 3,
				markLine: {
					silent: true,
					symbol: 'none',
					label: { show: false },
					lineStyle: { color: '#444', type: 'solid', width: 1 },
					data: [{ yAxis: 0 }, { xAxis: '0', lineStyle: { type: 'dashed' } }]
				}
			}
		]
	};
}
