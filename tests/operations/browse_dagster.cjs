// Opens the Dagster UI in headless Debian Chromium (playwright-core, no browser download) as an HR
// analyst would after a run, and prints in JSON what each page shows: the workforce mart's
// metadata (its figures, and every table behind a "Show" link), a check that only warned, the
// search for a French word, the runs list. Screenshots go to SCREENSHOT_DIR. Used by test_dagster_ui.py.
//
//   node browse_dagster.cjs BASE_URL SCREENSHOT_DIR CONFIG_JSON
//
// CONFIG_JSON: {"mart": "/assets/marts/workforce_monthly", "check": "/assets/...?view=checks&checkDetail=...",
//               "check_name": "...", "catalogue": "/assets?asset-selection=...", "search": "vacance"}
const { chromium } = require('playwright-core');
const path = require('path');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];
// The UI loads its definitions from a code server started with the webserver: slow on a busy machine.
const WAIT = 180000;

async function open(page, url, text) {
	await page.goto(url, { waitUntil: 'networkidle', timeout: WAIT });
	await page.getByText(text).first().waitFor({ timeout: WAIT });
	await page.waitForTimeout(2000);
}

const bodyText = (page) => page.evaluate(() => document.body.innerText);

// Rows of every table on the page (or in a dialog), as text, one array of cells per row.
const tables = (page, selector) => page.evaluate((selector) =>
	[...document.querySelectorAll(selector)].map((table) =>
		[...table.querySelectorAll('tr')].map((tr) => [...tr.querySelectorAll('td, th')].map((c) => c.innerText.trim()))),
selector);

async function mart(page, url, out) {
	await open(page, url, 'Latest materialization');
	await page.getByText('Metadata', { exact: true }).first().waitFor({ timeout: WAIT });
	await page.waitForTimeout(1000);
	// The Metadata section is the table whose header reads Key, Timestamp, Value: its rows' key and value.
	const metadata = await page.evaluate(() => {
		const table = [...document.querySelectorAll('table')].find((t) => /Timestamp/.test(t.querySelector('tr')?.innerText ?? ''));
		return table ? [...table.querySelectorAll(':scope > tbody > tr')].map((tr) => {
			const cells = [...tr.children].map((c) => c.innerText.trim());
			return [cells[0], cells[cells.length - 1]];
		}) : [];
	});
	await page.screenshot({ path: path.join(out, 'workforce_monthly.png'), fullPage: true });
	// A Markdown or table value is shown behind a link ("[Show Markdown]", "[Show Table]"): open each.
	const shown = [];
	const links = page.getByText(/^\[?Show (Markdown|Table)\]?$/);
	for (let i = 0; i < await links.count(); i++) {
		await links.nth(i).click();
		const dialog = page.getByRole('dialog').last();
		await dialog.waitFor({ timeout: 30000 });
		await page.waitForTimeout(1000);
		shown.push({ text: await dialog.innerText(), tables: await tables(page, '[role="dialog"] table') });
		await page.screenshot({ path: path.join(out, `workforce_monthly_value_${i + 1}.png`) });
		await page.keyboard.press('Escape');
		await page.waitForTimeout(500);
	}
	return { metadata, shown, inline_tables: await tables(page, 'table'), text: await bodyText(page) };
}

async function check(page, url, name, out) {
	await open(page, url, 'Latest execution');
	await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
	return { text: await bodyText(page) };
}

async function catalogue(page, url, out) {
	await open(page, url, 'Materialized');
	await page.screenshot({ path: path.join(out, 'catalogue_warned_asset.png') });
	return { text: await bodyText(page) };
}

async function overview(page, url, out) {
	await open(page, url, 'Latest check results');
	await page.screenshot({ path: path.join(out, 'warned_asset_overview.png') });
	return { text: await bodyText(page) };
}

async function search(page, base, word, out) {
	await open(page, `${base}/assets`, 'Search');
	// The navigation's Search: a search of every asset, job and check by name.
	await page.getByText('Search', { exact: true }).first().click();
	await page.waitForTimeout(1000);
	await page.keyboard.type(word, { delay: 50 });
	await page.waitForTimeout(4000);
	await page.screenshot({ path: path.join(out, `search_${word}.png`) });
	// The results: the search box's container, not the catalogue behind it.
	const text = await page.evaluate(() => document.querySelector('[class*="SearchDialog_container"]')?.innerText ?? null);
	if (text === null) throw new Error('no search dialog opened');
	return { text };
}

async function runs(page, base, out) {
	await open(page, `${base}/runs`, 'nightly_refresh');
	await page.screenshot({ path: path.join(out, 'runs.png') });
	return { text: await bodyText(page) };
}

(async () => {
	const [base, out, configJson] = process.argv.slice(2);
	const config = JSON.parse(configJson);
	const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
	// Tall, so that a screenshot holds a page's sections (the UI scrolls inside its own panes).
	const page = await browser.newPage({ viewport: { width: 1400, height: 2200 } });
	const offsite = [];
	await page.route('**/*', (route) => {
		const host = new URL(route.request().url()).hostname;
		if (host === '127.0.0.1' || host === 'localhost') return route.continue();
		offsite.push(route.request().url());
		return route.abort();
	});
	const result = {};
	const steps = {
		mart: () => mart(page, base + config.mart, out),
		check: () => check(page, base + config.check, config.check_name, out),
		catalogue: () => catalogue(page, base + config.catalogue, out),
		overview: () => overview(page, base + config.overview, out),
		search: () => search(page, base, config.search, out),
		runs: () => runs(page, base, out),
	};
	for (const [name, step] of Object.entries(steps)) {
		try {
			result[name] = await step();
		} catch (error) {
			result[name] = { failure: String(error).split('\n')[0] };
			await page.screenshot({ path: path.join(out, `${name}_failure.png`) }).catch(() => {});
		}
	}
	result.offsite = offsite;
	await browser.close();
	console.log(JSON.stringify(result));
})();
