// Prints pages of a built report to A4 PDF files, one per page, through headless Debian Chromium
// (playwright-core, no browser download), as Evidence prints them from its own "Print PDF" menu:
// sidebar and table of contents hidden, charts redrawn as images at the paper's width, and
// components/print.css for the tables. Every
// printed page carries the as-of date in its header and the section's title in its footer;
// `pipelines/report/pdf.py` joins the files into one and numbers the pages across them.
//
//   node pdf.cjs SITE_DIR OUT_DIR AS_OF PATH...
//
// SITE_DIR is the built site (served here on 127.0.0.1: its queries run in the browser after
// hydration and need HTTP), OUT_DIR receives 01.pdf, 02.pdf... in the order of the PATHs, AS_OF
// is the month as the report states it ("juin 2026"). Prints, as JSON, each page's path, file
// and title (its h1).
const { chromium } = require('playwright-core');
const fs = require('fs');
const http = require('http');
const path = require('path');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
	'--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
	'.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
	'.wasm': 'application/wasm', '.parquet': 'application/octet-stream', '.arrow': 'application/octet-stream',
	'.woff2': 'font/woff2', '.woff': 'font/woff', '.webmanifest': 'application/manifest+json' };
// A4 with 14 mm margins leaves 182 mm (688 px) of width: Evidence's print layout is 650 px wide.
const MARGIN = { top: '18mm', bottom: '16mm', left: '14mm', right: '14mm' };

// Serves SITE_DIR as a static site: /departs is departs.html or departs/index.html.
function serve(root) {
	const server = http.createServer((request, response) => {
		const url = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
		const base = path.join(root, path.normalize(url).replace(/^(\.\.[/\\])+/, ''));
		const file = [base, base + '.html', path.join(base, 'index.html')].find(
			(f) => f.startsWith(root) && fs.existsSync(f) && fs.statSync(f).isFile());
		if (!file) {
			response.writeHead(404).end();
			return;
		}
		response.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
		fs.createReadStream(file).pipe(response);
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// Escapes text for the header and footer templates (HTML).
const escape = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function templates(asOf, title) {
	const style = 'font-family: Helvetica, Arial, "Liberation Sans", sans-serif; font-size: 8px; color: #555; width: 100%;'
		+ ' margin: 0 14mm; display: flex; justify-content: space-between;';
	return {
		headerTemplate: `<div style='${style}'><span>Vivier — rapport des directions</span>`
			+ `<span>Situation à fin ${escape(asOf)}</span></div>`,
		// The right of the footer is left blank for the page number, written across the joined file.
		footerTemplate: `<div style='${style}'><span>${escape(title)}</span><span></span></div>`
	};
}

// Waits until the page stops changing (its queries run in DuckDB WASM after hydration), as the
// report's browser test does.
async function settle(page) {
	const state = () => page.evaluate(() =>
		[document.querySelectorAll('[_echarts_instance_]').length, document.querySelectorAll('table tr').length,
			document.querySelectorAll('img').length, document.body.innerText.length].join());
	let last = '';
	for (let stable = 0, i = 0; stable < 4 && i < 80; i++) {
		await page.waitForTimeout(250);
		const now = await state();
		stable = now === last ? stable + 1 : 0;
		last = now;
	}
}

async function printPage(context, url, file, asOf) {
	const page = await context.newPage();
	await page.goto(url, { waitUntil: 'networkidle', timeout: 90000 });
	await settle(page);
	// What Evidence's "Print PDF" menu does: its charts redraw as images at the print width.
	await page.emulateMedia({ media: 'print' });
	await page.evaluate(() => window.dispatchEvent(new Event('export-beforeprint')));
	await settle(page);
	// Links between pages would point at this short-lived server: on paper they are plain text.
	await page.evaluate(() => document.querySelectorAll('a[href]').forEach((a) => {
		if (new URL(a.href, location.href).host === location.host) a.removeAttribute('href');
	}));
	const title = await page.evaluate(() => document.querySelector('h1')?.innerText?.trim() || document.title);
	await page.pdf({ path: file, width: '210mm', height: '297mm', printBackground: true, displayHeaderFooter: true, margin: MARGIN,
		...templates(asOf, title) });
	await page.close();
	return title;
}

(async () => {
	const [site, out, asOf, ...paths] = process.argv.slice(2);
	const root = path.resolve(site);
	fs.mkdirSync(out, { recursive: true });
	const server = await serve(root);
	const base = `http://127.0.0.1:${server.address().port}`;
	const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
	// The width of the printed column, so that the page's own layout (tables, figures) is the printed one.
	const context = await browser.newContext({ viewport: { width: 700, height: 1000 }, locale: 'fr-FR' });
	const printed = [];
	try {
		for (const [i, p] of paths.entries()) {
			const file = path.join(out, `${String(i + 1).padStart(2, '0')}.pdf`);
			printed.push({ path: p, file, title: await printPage(context, base + p, file, asOf) });
		}
	} finally {
		await browser.close();
		server.close();
	}
	process.stdout.write(JSON.stringify(printed));
})().catch((error) => {
	process.stderr.write(String(error && error.stack || error) + '\n');
	process.exit(1);
});
