// Opens each page of a built report in headless Debian Chromium (playwright-core, no browser
// download) and prints, per page, what a reader would see: error messages, charts drawn,
// table rows, French percentages, requests that left localhost; then moves the mouse over each
// chart and table as a director would, and records the tooltips and menus shown and any dialog a
// script opened (names are data: one that ran as markup would open one). It reads each chart's
// ECharts option and the labels it drew, measures the tables at 1280 px and again at 390 px (a
// phone: the same page, narrowed), and takes a screenshot at each width. Used by test_site.py.
//
//   node browse_pages.cjs BASE_URL SCREENSHOT_DIR PATH...
const { chromium } = require('playwright-core');
const path = require('path');

const WIDTHS = { desktop: 1280, phone: 390 };
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function inspect(page, url) {
	const consoleErrors = [];
	const offsite = [];
	const dialogs = [];
	page.on('dialog', (d) => {
		dialogs.push(d.message());
		d.dismiss().catch(() => {});
	});
	page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
	page.on('pageerror', (e) => consoleErrors.push(String(e)));
	await page.route('**/*', (route) => {
		const host = new URL(route.request().url()).hostname;
		if (host === '127.0.0.1' || host === 'localhost') return route.continue();
		offsite.push(route.request().url());
		return route.abort();
	});
	const response = await page.goto(url, { waitUntil: 'networkidle', timeout: 60000 });
	// Queries run in the browser (DuckDB WASM) after hydration: wait until the page stops changing
	// (charts, table rows, text) for a second, then for the charts' drawing animation to end.
	const state = () => page.evaluate(() =>
		[document.querySelectorAll('[_echarts_instance_]').length, document.querySelectorAll('table tr').length,
			document.body.innerText.length].join());
	let last = '';
	for (let stable = 0, i = 0; stable < 4 && i < 60; i++) {
		await page.waitForTimeout(250);
		const now = await state();
		stable = now === last ? stable + 1 : 0;
		last = now;
	}
	await page.waitForTimeout(1000);
	const tooltips = await hoverCharts(page);
	const menus = await hoverTables(page);
	const found = await page.evaluate(() => {
		const text = document.body.innerText;
		const charts = [...document.querySelectorAll('[_echarts_instance_]')];
		return {
			title: document.title,
			text_sample: text.slice(0, 300),
			// whole words: a name holding "onerror" is data, not an error message
			errors: text.split('\n').filter((l) => /\berror\b|\berreur\b|dataset is empty|no results/i.test(l)).slice(0, 10),
			h1: document.querySelector('h1')?.innerText ?? null,
			// elements a name would have made had it been read as markup
			injected: document.querySelectorAll('img[src="x"], [onerror], [onload]').length,
			charts: charts.length,
			charts_drawn: charts.filter((c) => c.querySelector('canvas, svg')).length,
			table_rows: [...document.querySelectorAll('table tr')].filter((tr) => tr.querySelector('td') && tr.innerText.trim()).length,
			french_percent: (text.match(/\d+,\d\u00a0%/g) || []).slice(0, 3),
			english_percent: (text.match(/\d+\.\d%/g) || []).slice(0, 3),
			// the Ségur page's sentence on the smallest effect the data could have shown
			visible_effect: text.split('\n').filter((l) => l.includes('aurait été visible')),
			// every word a reader can meet: the page's text, its labels for screen readers and inputs
			text,
			labels: [...new Set([...document.querySelectorAll('[aria-label], [placeholder], [title]')]
				.flatMap((e) => ['aria-label', 'placeholder', 'title'].map((a) => e.getAttribute(a)).filter(Boolean)))]
		};
	});
	return { ...found, status: response ? response.status() : 0, console_errors: consoleErrors, offsite, dialogs,
		tooltips, menus, chart_options: await readCharts(page) };
}

// What each chart drew, read from ECharts (a canvas holds no text): its title, series (type, name,
// whether filled as an area, stack, points), the categories of its category axis, and the texts
// drawn on the canvas, each with the shape it is drawn on, if any. The report exposes ECharts' getInstanceByDom as window.vivierChart
// (components/chrome.js).
async function readCharts(page) {
	return await page.evaluate(() => {
		if (typeof window.vivierChart !== 'function') return null;
		return [...document.querySelectorAll('[_echarts_instance_]')].map((el) => {
			const chart = window.vivierChart(el);
			if (!chart) return null;
			const option = chart.getOption();
			const axes = [...(option.xAxis || []), ...(option.yAxis || [])];
			const categoryAxis = axes.find((a) => a.type === 'category');
			const series = (option.series || []).map((s) => {
				const points = (s.data || []).map((d) => (d && typeof d === 'object' && !Array.isArray(d) ? d.value : d));
				return {
					type: s.type,
					name: s.name ?? null,
					stack: s.stack ?? null,
					area: Boolean(s.areaStyle) && (s.areaStyle.opacity ?? 1) > 0,
					// bars drawn: points whose value is a number (a masked value is null or marked)
					values: points.filter((p) => p !== null && p !== undefined && p !== '-').length,
					categories: [...new Set(points.map((p) => (Array.isArray(p) ? p[s.type === 'bar' && option.yAxis?.[0]?.type === 'category' ? 1 : 0] : null)).filter((v) => v !== null && v !== undefined).map(String))]
				};
			});
			// texts on the canvas (each line a span of a text): a label drawn on a bar or a point has
			// that shape as its text's host; axis names, ticks and the legend have none
			const texts = new Map();
			for (const e of chart.getZr().storage.getDisplayList()) {
				if (!e.style || typeof e.style.text !== 'string' || !e.style.text.trim()) continue;
				const text = e.parent && e.parent.type === 'text' ? e.parent : e; // a wrapped label: one span a line
				const on = (text.__hostTarget || e.__hostTarget)?.type ?? null;
				const seen = texts.get(text);
				texts.set(text, { text: seen ? `${seen.text} ${e.style.text}` : e.style.text, on });
			}
			const drawn = [...texts.values()];
			return {
				title: [].concat(option.title || []).map((t) => t.text).filter(Boolean).join(' '),
				series,
				categories: categoryAxis?.data ? categoryAxis.data.map((c) => String(c?.value ?? c)) : null,
				drawn
			};
		});
	});
}

// Measures, at the viewport's width, what a reader cannot see: tables (their content) wider than
// their container, table cells whose text is wider than the cell, and the page wider than the window.
async function measureLayout(page) {
	return await page.evaluate(() => {
		const tooWide = [];
		for (const table of document.querySelectorAll('#evidence-main-article table')) {
			const box = table.parentElement;
			const heading = table.closest('.table-container')?.previousElementSibling?.innerText ?? '';
			const header = [...table.querySelectorAll('th')].map((th) => th.innerText.trim()).join(' | ');
			if (table.scrollWidth > box.clientWidth + 1 || table.getBoundingClientRect().right > window.innerWidth + 1) {
				tooWide.push({ header: header.slice(0, 200), table: table.scrollWidth, container: box.clientWidth,
					before: heading.slice(0, 80) });
			}
		}
		const cut = [...document.querySelectorAll('#evidence-main-article th, #evidence-main-article td')]
			.filter((c) => c.innerText.trim() && c.scrollWidth > c.clientWidth + 1)
			.map((c) => c.innerText.trim().slice(0, 60));
		return { tables_too_wide: tooWide, cells_cut: cut.slice(0, 10),
			page_too_wide: document.documentElement.scrollWidth > window.innerWidth + 1 };
	});
}

// Moves the mouse along each chart's diagonal (twelve points: every category of a chart of up to
// twelve bars, upright or lying, and a line's months); gives the distinct tooltip texts shown. ECharts
// puts its tooltip, as HTML, inside the chart's element (the canvas holds no text): an observer
// records each one as it is set, so the mouse moves without a round trip to read it.
async function hoverCharts(page) {
	await page.evaluate(() => {
		window.__tooltips = new Set();
		new MutationObserver(() => {
			for (const chart of document.querySelectorAll('[_echarts_instance_]')) {
				const text = chart.innerText.trim();
				if (text) window.__tooltips.add(text);
			}
		}).observe(document.body, { subtree: true, childList: true, characterData: true });
	});
	for (const chart of await page.$$('[_echarts_instance_]')) {
		await chart.scrollIntoViewIfNeeded().catch(() => {});
		const box = await chart.boundingBox();
		if (!box) continue;
		for (let i = 0; i < 12; i++) {
			const along = (i + 0.5) / 12;
			await page.mouse.move(box.x + box.width * (0.06 + 0.9 * along), box.y + box.height * (0.12 + 0.8 * along));
		}
	}
	await page.mouse.move(0, 0);
	await page.waitForTimeout(100);
	return await page.evaluate(() => [...window.__tooltips]);
}

// Moves the mouse over each table and chart (their menus show only then); gives the texts of the
// menus shown (Evidence's download and full-screen buttons, pagination).
async function hoverTables(page) {
	const menus = new Set();
	for (const box of await page.$$('.table-container, .chart-container')) {
		// each table has a hidden copy in its closed full-screen dialog: hovering it would wait
		if (!(await box.isVisible())) continue;
		await box.scrollIntoViewIfNeeded().catch(() => {});
		await box.hover({ timeout: 2000 }).catch(() => {});
		await page.waitForTimeout(50);
		const texts = await box.$$eval('.table-footer, .pagination, .chart-footer, .noresults',
			(els) => els.map((e) => e.innerText.trim())).catch(() => []);
		texts.filter(Boolean).forEach((t) => menus.add(t));
	}
	await page.mouse.move(0, 0);
	return [...menus];
}

(async () => {
	const [base, shots, ...paths] = process.argv.slice(2);
	const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
	const context = await browser.newContext({ viewport: { width: WIDTHS.desktop, height: 900 }, locale: 'fr-FR' });
	const results = {};
	const queue = [...paths];
	// Two tabs at a time: most of a page's time is spent waiting for its queries.
	const worker = async () => {
		for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
			const page = await context.newPage();
			try {
				results[p] = await inspect(page, base + p);
				const name = p.replace(/^\/|\/$/g, '').replace(/\//g, '_') || 'index';
				results[p].layout = {};
				results[p].screenshots = [];
				// The same page, narrowed: Evidence's charts and tables follow the window's width.
				for (const [device, width] of Object.entries(WIDTHS)) {
					if (width !== page.viewportSize().width) {
						await page.setViewportSize({ width, height: 900 });
						await page.waitForTimeout(600);
					}
					results[p].layout[device] = await measureLayout(page);
					// from the top: the page's header is fixed and would be drawn where the mouse left it
					await page.evaluate(() => window.scrollTo(0, 0));
					const file = `${name}-${width}.png`;
					await page.screenshot({ path: path.join(shots, file), fullPage: true });
					results[p].screenshots.push(file);
				}
			} catch (error) {
				results[p] = { failure: String(error) };
			}
			await page.close();
		}
	};
	await Promise.all([worker(), worker()]);
	await browser.close();
	process.stdout.write(JSON.stringify(results));
})();
