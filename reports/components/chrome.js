// Evidence's own interface in French. Evidence 39 writes its interface words into its components,
// with no setting: "Home" (sidebar and breadcrumbs), "On this page" (table of contents), "Open
// sidebar", and in every chart's and table's hover menu "Save Image", "Download Data",
// "Fullscreen", "No Results". Copying those components into reports/components/ to change a dozen
// words would tie the report to Evidence 39's markup (some 1,500 lines); node_modules is never
// patched. So, once the page is drawn, each of these exact words is replaced by its French, where
// Evidence draws its interface only: outside the page's article (sidebar, header, breadcrumbs,
// table of contents) and in the menus of charts and tables. Page text, tables and tooltips hold
// data (names are data): they are never touched. The menus appear only on hover, after this runs.
import { getInstanceByDom } from 'echarts';

export const INTERFACE_WORDS = {
	Home: 'Accueil',
	'On this page': 'Sur cette page',
	'Open sidebar': 'Ouvrir le menu',
	'Close sidebar': 'Fermer le menu',
	'Save Image': 'Enregistrer l’image',
	'Download Data': 'Télécharger les données',
	Download: 'Télécharger',
	Fullscreen: 'Plein écran',
	'Enter Fullscreen': 'Plein écran',
	'No Results': 'Aucun résultat',
	Search: 'Rechercher',
	Links: 'Liens',
	'See more': 'Voir le détail',
	'first-page': 'Première page',
	'previous-page': 'Page précédente',
	'next-page': 'Page suivante',
	'last-page': 'Dernière page',
	Loading: 'Chargement',
	'Print PDF': 'Imprimer en PDF',
	'Show Queries': 'Afficher les requêtes',
	'Hide Queries': 'Masquer les requêtes',
	Appearance: 'Apparence',
	// "12 of 40 records" under a paginated table (printed), one text per word
	of: 'sur',
	records: 'lignes'
};

// Evidence's interface inside the article: the menus under charts and tables, their search, and
// the words it gives screen readers (a table's link column).
const MENUS = '.chart-footer, .table-footer, .pagination, .noresults, .search-container, dialog, .sr-only';
const ATTRIBUTES = ['aria-label', 'placeholder', 'title'];

function isInterface(element) {
	return element && (!element.closest('#evidence-main-article') || element.closest(MENUS) !== null);
}

/** Gives `text` in French when it is one of Evidence's interface words (spaces around kept), else null. */
export function frenchInterface(text) {
	const word = text.trim();
	if (!word) return null;
	return Object.hasOwn(INTERFACE_WORDS, word) ? text.replace(word, INTERFACE_WORDS[word]) : null;
}

function translateNode(node) {
	if (node.nodeType === Node.TEXT_NODE) {
		const french = isInterface(node.parentElement) ? frenchInterface(node.data) : null;
		if (french !== null && french !== node.data) node.data = french;
		return;
	}
	if (node.nodeType !== Node.ELEMENT_NODE) return;
	const elements = [node, ...node.querySelectorAll('[aria-label], [placeholder], [title]')];
	for (const element of elements) {
		if (!isInterface(element)) continue;
		for (const name of ATTRIBUTES) {
			const value = element.getAttribute(name);
			const french = value === null ? null : frenchInterface(value);
			if (french !== null && french !== value) element.setAttribute(name, french);
		}
	}
	const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
	for (let text = walker.nextNode(); text; text = walker.nextNode()) translateNode(text);
}

/** Translates Evidence's interface words in `root` now and in whatever is drawn there later. */
export function frenchChrome(root = document.body) {
	translateNode(root);
	const observer = new MutationObserver((mutations) => {
		for (const m of mutations) {
			if (m.type === 'childList') m.addedNodes.forEach(translateNode);
			else if (m.type === 'characterData') translateNode(m.target);
			else if (m.type === 'attributes') translateNode(m.target);
		}
	});
	observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true,
		attributeFilter: ATTRIBUTES });
	return observer;
}

// The browser test (tests/report/browse_pages.cjs) reads each chart's option and the labels it drew.
if (typeof window !== 'undefined') window.vivierChart = getInstanceByDom;

// Tables on a phone: a table too wide for the screen is shown one row per block, each value beside
// its column's title (pages/+layout.svelte's CSS). Each cell gets its column's title as `data-label`
// for that CSS to show; an attribute, never markup.
function labelCells(table) {
	const titles = [...table.querySelectorAll('thead tr:last-child th')].map((th) => th.innerText.trim());
	if (titles.length === 0) return;
	// Evidence draws its rows straight into the table (no tbody once the page has run)
	for (const row of [...table.querySelectorAll('tr')].filter((tr) => !tr.closest('thead'))) {
		[...row.children].forEach((cell, i) => {
			const title = titles[i] ?? '';
			if (cell.getAttribute('data-label') !== title) cell.setAttribute('data-label', title);
		});
	}
}

/** Labels the cells of every table of the article now and whenever its rows change. */
export function labelTables(root = document.body) {
	const pending = new Set();
	const flush = () => {
		pending.forEach(labelCells);
		pending.clear();
	};
	root.querySelectorAll('#evidence-main-article table').forEach(labelCells);
	const observer = new MutationObserver((mutations) => {
		for (const m of mutations) {
			const table = (m.target.nodeType === Node.ELEMENT_NODE ? m.target : m.target.parentElement)?.closest?.('table');
			const found = table ? [table] : [...m.addedNodes].flatMap((n) => n.querySelectorAll ? [...n.querySelectorAll('table')] : []);
			found.forEach((t) => pending.add(t));
		}
		if (pending.size) requestAnimationFrame(flush);
	});
	observer.observe(root, { subtree: true, childList: true, characterData: true });
	return observer;
}
