// Opens each page of a built report in headless Debian Chromium (playwright-core, no browser
// download) and prints, per page, what a reader would see: error messages, charts drawn,
// table rows, French percentages, requests that left localhost; then moves the mouse over each
// chart as a director would, and records the tooltips shown and any dialog a script opened
// (names are data: one that ran as markup would open one). Used by test_site.py.
//
//   node browse_pages.cjs BASE_URL SCREENSHOT_DIR PATH...
const { chromium } = require('playwright-core');
const path = require('path');

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
	return await page.evaluate(() => {
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
			visible_effect: text.split('\n').filter((l) => l.includes('aurait été visible'))
		};
	}).then((found) => ({ ...found, status: response ? response.status() : 0, console_errors: consoleErrors, offsite,
		dialogs, tooltips }));
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

(async () => {
	const [base, shots, ...paths] = process.argv.slice(2);
	const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
	const results = {};
	const queue = [...paths];
	// Two tabs at a time: most of a page's time is spent waiting for its queries.
	const worker = async () => {
		for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
			const page = await context.newPage();
			try {
				results[p] = await inspect(page, base + p);
				const file = (p.replace(/^\/|\/$/g, '').replace(/\//g, '_') || 'index') + '.png';
				await page.screenshot({ path: path.join(shots, file), fullPage: true });
				results[p].screenshot = file;
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
