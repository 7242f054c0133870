/**
 * The Metrics kind's parts of `incident-tui status`: every query once (in direct scrape mode, over two
 * scrapes so that rates are measured), and the alerts of Prometheus and Alertmanager.
 */
import {parser} from '@prometheus-io/lezer-promql';
import {ScrapeMetrics} from '../../clients/scrape/metrics.js';
import type {Labels} from '../../ports/metrics.js';
import {formatValue, toneFor, toneLevel, worstTone} from '../../text/format.js';
import {sourceState} from '../status-table.js';
import {labelText, statusMark, statusTable, type Level} from '../status-table.js';
import type {SourceReport} from '../types.js';
import type {InstantSample} from '../../ports/metrics.js';
import type {StatusContext, StatusPart} from '../types.js';
import {dedupe, type QueryDef} from './source.js';

/** How direct scrape mode measured: two scrapes `intervalMs` apart, or one, with the rates then unknown. */
export interface ScrapeReport {
	scrapes: 1 | 2;
	intervalMs: number;
	/** The time between the two scrapes: what every rate is measured over. */
	coveredMs?: number;
	/** `none`: no query reads a range, so one scrape was enough. */
	windows: 'measured' | 'unknown' | 'none';
	/** The same in words, as the table prints it. */
	note: string;
}

export interface MetricsStatus {
	metrics: Array<{
		id: string;
		title: string;
		series: Array<{labels: Labels; value: number | null}>;
		unit: string;
		level: Level;
		warn?: number;
		critical?: number;
		error?: string;
		/** `unknown`: a rate (a range such as `[5m]`) that one direct scrape cannot measure. */
		window?: 'unknown';
	}>;
	/** Direct scrape mode only: how the rates were measured. */
	scrape?: ScrapeReport;
}

/** Direct scrape mode's default gap between its two scrapes. */
export const defaultScrapeIntervalMs = 10_000;

/** Whether a query reads a range of samples (`rate(x[5m])`, a subquery): one direct scrape cannot measure it. */
export function readsRange(promql: string): boolean {
	let found = false;
	parser.parse(promql).iterate({
		enter(node) {
			if (node.name === 'MatrixSelector' || node.name === 'SubqueryExpr') found = true;
			return !found;
		},
	});
	return found;
}

function secondsText(ms: number): string {
	return `${(ms / 1000).toFixed(1)} s`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise(resolve => {
		const timer = setTimeout(done, ms);
		signal.addEventListener('abort', done, {once: true});
		function done() {
			clearTimeout(timer);
			signal.removeEventListener('abort', done);
			resolve();
		}
	});
}

/** What direct scrape mode measured: rates over the gap between two scrapes, none needed, or unknown. */
function scrapeReport(intervalMs: number, needsRates: boolean, coveredMs: number | undefined): ScrapeReport {
	if (!needsRates) return {scrapes: 1, intervalMs, windows: 'none', note: 'one scrape: no query reads a rate'};
	if (coveredMs !== undefined) {
		return {scrapes: 2, intervalMs, coveredMs, windows: 'measured', note: `rates are over the ${secondsText(coveredMs)} between two scrapes, not the queries' ranges`};
	}
	const why = intervalMs === 0 ? '--scrape-interval 0; a rate needs two' : 'no time was left for the second';
	return {scrapes: 1, intervalMs, windows: 'unknown', note: `one scrape; rates are unknown (${why})`};
}

/**
 * Direct scrape mode: scrapes every target, waits `intervalMs`, scrapes again, so that every rate is
 * measured over that interval (the cockpit's window is not there to read); with 0, one scrape. Uses
 * ScrapeMetrics' public API only: scrapeOnce, targetErrors, options.targets.
 */
async function scrapeForStatus(metrics: ScrapeMetrics, intervalMs: number, needsRates: boolean, signal: AbortSignal): Promise<{scrape: ScrapeReport; sources: SourceReport[]}> {
	const firstAt = Date.now();
	await metrics.scrapeOnce(signal).catch(() => {}); // each target's failure is in targetErrors()
	let coveredMs: number | undefined;
	if (intervalMs > 0 && needsRates) {
		await sleep(intervalMs, signal);
		if (!signal.aborted) {
			coveredMs = Date.now() - firstAt;
			await metrics.scrapeOnce(signal).catch(() => {});
		}
	}
	const scrape = scrapeReport(intervalMs, needsRates, coveredMs);
	// A target's latest error names it ("scrape of NAME (URL) failed: ..."); one that names no target is reported on its own.
	const errors = metrics.targetErrors();
	const sources: SourceReport[] = metrics.options.targets.map(target => {
		const error = errors.find(e => e.startsWith(`scrape of ${target.name} (`));
		return error ? {source: `scrape:${target.name}`, state: sourceState(error), error} : {source: `scrape:${target.name}`, state: 'ok'};
	});
	for (const error of errors) if (!metrics.options.targets.some(t => error.startsWith(`scrape of ${t.name} (`))) sources.push({source: 'scrape', state: sourceState(error), error});
	return {scrape, sources};
}

/** In direct scrape mode: the two scrapes, their report, and whether rates are unknown; the signal to query with. */
async function scrapedFirst(metrics: ScrapeMetrics, ctx: StatusContext, needsRates: boolean): Promise<{scrape: ScrapeReport; signal: AbortSignal}> {
	const intervalMs = ctx.scrapeIntervalMs ?? defaultScrapeIntervalMs;
	// The two scrapes take the interval on top of the usual wait.
	const signal = AbortSignal.timeout(ctx.timeoutMs + intervalMs);
	const scraped = await scrapeForStatus(metrics, intervalMs, needsRates, signal);
	for (const source of scraped.sources) {
		ctx.source(source);
		if (source.error) ctx.error('scrape', source.error);
	}
	return {scrape: scraped.scrape, signal};
}

/** A query's line of the report: its series sorted, graded; its error; or its window unknown (null: not asked). */
function queryRow(q: QueryDef, result: PromiseSettledResult<InstantSample[] | null>, ctx: StatusContext): MetricsStatus['metrics'][number] {
	const base = {id: q.id, title: q.title ?? q.id, unit: q.unit ?? '', ...(q.warn === undefined ? {} : {warn: q.warn}), ...(q.critical === undefined ? {} : {critical: q.critical})};
	if (result.status === 'rejected') {
		const message = result.reason instanceof Error ? result.reason.message : String(result.reason);
		ctx.error(`metrics:${q.id}`, message);
		return {...base, series: [], level: 'unknown', error: message};
	}
	if (result.value === null) return {...base, series: [], level: 'unknown', window: 'unknown'};
	const series = result.value
		.map(s => ({labels: Object.fromEntries(Object.entries(s.labels).filter(([k]) => k !== '__name__')), value: Number.isNaN(s.value) ? null : s.value}))
		.sort((a, b) => (b.value ?? Number.NEGATIVE_INFINITY) - (a.value ?? Number.NEGATIVE_INFINITY));
	const tone = worstTone(series.map(s => toneFor(s.value, {warn: q.warn, critical: q.critical, direction: q.direction})));
	return {...base, series, level: toneLevel(tone)};
}

export const queriesStatus: StatusPart<MetricsStatus> = {
	id: 'metrics',
	async collect(ctx) {
		const {metrics} = ctx;
		if (!metrics) return {metrics: []};
		const queries = dedupe([...ctx.config.queries, ...(ctx.queries ?? [])]);
		let rangesUnknown = false;
		let signal = ctx.deadline;
		let scrape: ScrapeReport | undefined;
		if (metrics instanceof ScrapeMetrics) {
			({scrape, signal} = await scrapedFirst(metrics, ctx, queries.some(q => readsRange(q.promql))));
			rangesUnknown = scrape.windows === 'unknown';
		}
		const results = await Promise.allSettled(queries.map(q => (rangesUnknown && readsRange(q.promql) ? Promise.resolve(null) : metrics.instant(q.promql, signal))));
		const rows = queries.map((q, i) => queryRow(q, results[i]!, ctx));
		return scrape ? {metrics: rows, scrape} : {metrics: rows};
	},
	table(report) {
		const out = ['METRICS'];
		if (report.scrape) out.push(`  (direct scrape: ${report.scrape.note})`);
		if (report.metrics.length === 0) return [...out, '  (no queries)'];
		const rows: string[][] = [];
		for (const m of report.metrics) {
			const limits = [m.warn === undefined ? '' : `warn ${formatValue(m.warn, m.unit)}`, m.critical === undefined ? '' : `crit ${formatValue(m.critical, m.unit)}`].filter(Boolean).join(', ');
			if (m.error) rows.push([statusMark[m.level], m.title, '', 'error', m.error]);
			else if (m.window === 'unknown') rows.push([statusMark[m.level], m.title, '', 'unknown', 'a rate needs two scrapes']);
			else if (m.series.length === 0) rows.push([statusMark[m.level], m.title, '', 'no data', limits]);
			else {
				for (const [i, s] of m.series.slice(0, 8).entries()) rows.push([i === 0 ? statusMark[m.level] : '', i === 0 ? m.title : '', labelText(s.labels), formatValue(s.value, m.unit), i === 0 ? limits : '']);
				if (m.series.length > 8) rows.push(['', '', `(${m.series.length - 8} more series)`, '', '']);
			}
		}
		return [...out, ...statusTable(rows)];
	},
	critical: report => report.metrics.some(m => m.level === 'crit'),
	// A query that failed, or a rate one scrape cannot measure. A query that answered with no series
	// is an answer (no 5xx at all has no 5xx series), not this.
	unreadable: report => report.metrics.some(m => m.error !== undefined || m.window === 'unknown'),
};
