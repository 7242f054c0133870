/**
 * The metrics source: queries (from config and the active runbook) against the Metrics port,
 * formatted to MetricRows. Sparkline history from a range query at start, then an instant query
 * per interval. One timeline signal per threshold crossing.
 */
import type {InstantSample, Metrics, RangeSeries} from '../ports/metrics.js';
import type {MetricRow, SeriesRow, Tone} from '../store/types.js';
import {formatValue, sharedLabelNames, shortLabels, toneFor, worstTone} from './format.js';
import {previousSignals, startFeedPoller} from './poller.js';
import type {SourceContext} from './registry.js';

export interface QueryDef {
	id: string;
	title?: string;
	promql: string;
	unit?: string;
	warn?: number;
	critical?: number;
	direction?: 'above' | 'below';
}

/** Bounds on what a row keeps. */
export const metricLimits = {
	seriesPerRow: 8,
	historyPoints: 120,
	historySeconds: 30 * 60,
};

/** null for NaN (no meaningful value); infinities stay. */
function cleanValue(value: number): number | null {
	return Number.isNaN(value) ? null : value;
}

function thresholds(q: QueryDef) {
	return {warn: q.warn, critical: q.critical, direction: q.direction};
}

/** Series rows for one query's samples: shortened labels, sorted by value (highest first), capped. */
export function seriesRows(q: QueryDef, samples: readonly InstantSample[], history: ReadonlyMap<string, number[]> = new Map()): SeriesRow[] {
	const shared = sharedLabelNames(samples.map(s => s.labels));
	const rows = samples.map(s => {
		const labels = shortLabels(s.labels, shared);
		const value = cleanValue(s.value);
		const past = history.get(fullKey(s.labels)) ?? [];
		return {labels, value, history: value === null ? past : [...past, value].slice(-metricLimits.historyPoints), tone: toneFor(value, thresholds(q))};
	});
	rows.sort((a, b) => (b.value ?? Number.NEGATIVE_INFINITY) - (a.value ?? Number.NEGATIVE_INFINITY) || a.labels.localeCompare(b.labels));
	return rows.slice(0, metricLimits.seriesPerRow);
}

/** Key of a full label set (history is kept per full label set, not per shortened text). */
function fullKey(labels: Record<string, string>): string {
	return Object.keys(labels)
		.filter(k => k !== '__name__')
		.sort()
		.map(k => `${k}=${labels[k]}`)
		.join(',');
}

export function metricRow(q: QueryDef, series: SeriesRow[], error?: string): MetricRow {
	const row: MetricRow = {
		id: q.id,
		title: q.title ?? q.id,
		promql: q.promql,
		unit: q.unit ?? '',
		direction: q.direction ?? 'above',
		series,
		tone: error && series.length === 0 ? 'muted' : worstTone(series.map(s => s.tone)),
	};
	if (q.warn !== undefined) row.warn = q.warn;
	if (q.critical !== undefined) row.critical = q.critical;
	if (error) row.error = error;
	return row;
}

type Level = 'ok' | 'warn' | 'crit';

function level(tone: Tone): Level | undefined {
	return tone === 'ok' || tone === 'warn' || tone === 'crit' ? tone : undefined;
}

/** "5xx ratio crossed critical 5% (7.31%)" and friends. */
export function crossingMessage(q: QueryDef, to: Level, value: number | null | undefined, from?: Level): string {
	const title = q.title ?? q.id;
	const shown = formatValue(value, q.unit ?? '', thresholds(q));
	if (to === 'ok') return `${title} back to normal (${shown})`;
	// Improving from critical to warning reads as an improvement, not as a new warning.
	if (to === 'warn' && from === 'crit') return `${title} improving: under critical ${formatValue(q.critical, q.unit ?? '')}, still past warning (${shown})`;
	const limit = to === 'crit' ? q.critical : q.warn;
	const word = to === 'crit' ? 'critical' : 'warning';
	const side = q.direction === 'below' ? 'below' : 'above';
	return `${title} ${side} ${word} ${formatValue(limit, q.unit ?? '')} (${shown})`;
}

/** Worst value among a row's series (the one that decides the tone), for the signal message. */
function worstValue(q: QueryDef, rows: readonly SeriesRow[]): number | null {
	const values = rows.map(r => r.value).filter((v): v is number => v !== null);
	if (values.length === 0) return null;
	return q.direction === 'below' ? Math.min(...values) : Math.max(...values);
}

/**
 * Polls the queries into the store. A query that fails keeps its last series and gets an `error`;
 * when every query fails, the feed is marked failed and the last rows stay.
 */
export function startMetricsSource(ctx: SourceContext & {metrics: Metrics; queries: QueryDef[]}): () => void {
	const {metrics, store} = ctx;
	const queries = dedupe(ctx.queries);
	if (queries.length === 0) return () => {};
	const now = ctx.now ?? Date.now;
	/** Per query: full label key -> recent values (bounded). */
	const history = new Map<string, Map<string, number[]>>();
	const lastRows = new Map<string, MetricRow>();
	const levels = new Map<string, Level>();
	for (const [subject, last] of previousSignals(store.getState().timeline, ['threshold.crossed'])) {
		const l = level(last.level as Tone);
		if (l) levels.set(subject, l);
	}
	let historyLoaded = false;

	const loadHistory = async (signal: AbortSignal) => {
		const endSec = Math.floor(now() / 1000);
		const startSec = endSec - metricLimits.historySeconds;
		const stepSec = Math.max(1, Math.ceil(metricLimits.historySeconds / metricLimits.historyPoints));
		await Promise.all(
			queries.map(async q => {
				let series: RangeSeries[];
				try {
					series = await metrics.range(q.promql, startSec, endSec, stepSec, signal);
				} catch {
					return; // No history is fine: the instant query will report the error.
				}
				const perSeries = new Map<string, number[]>();
				for (const s of series) {
					perSeries.set(
						fullKey(s.labels),
						s.points
							.map(([, v]) => v)
							.filter(v => !Number.isNaN(v))
							.slice(-metricLimits.historyPoints),
					);
				}
				history.set(q.id, perSeries);
			}),
		);
	};

	return startFeedPoller(ctx, 'metrics', ctx.config.refresh.metricsMs, async signal => {
		if (!historyLoaded) {
			await loadHistory(signal);
			historyLoaded = true;
		}
		const results = await Promise.allSettled(queries.map(q => metrics.instant(q.promql, signal)));
		if (signal.aborted) return;
		const errors: string[] = [];
		const rows = queries.map((q, i) => {
			const result = results[i]!;
			if (result.status === 'rejected') {
				const message = (result.reason as Error)?.message ?? String(result.reason);
				errors.push(message);
				const last = lastRows.get(q.id);
				return metricRow(q, last?.series ?? [], message);
			}
			const past = history.get(q.id) ?? new Map<string, number[]>();
			const series = seriesRows(q, result.value, past);
			// Remember history for every returned series (not only the shown ones), bounded by the result size.
			const next = new Map<string, number[]>();
			for (const s of result.value) {
				const value = cleanValue(s.value);
				const key = fullKey(s.labels);
				const before = past.get(key) ?? [];
				next.set(key, value === null ? before : [...before, value].slice(-metricLimits.historyPoints));
			}
			history.set(q.id, next);
			return metricRow(q, series);
		});
		if (errors.length === queries.length) {
			throw new Error(errors.length === 1 ? errors[0]! : `all ${errors.length} queries failed: ${errors[0]}`);
		}
		for (const row of rows) lastRows.set(row.id, row);
		store.getState().metricsReceived(rows, now());

		// Threshold crossings: one signal when a query's tone changes between ok / warn / crit.
		for (const [i, row] of rows.entries()) {
			if (row.error) continue;
			const q = queries[i]!;
			const to = level(row.tone);
			if (!to || (q.warn === undefined && q.critical === undefined)) continue;
			const before = levels.get(q.id);
			levels.set(q.id, to);
			if (before === to || (before === undefined && to === 'ok')) continue;
			const value = worstValue(q, row.series);
			ctx
				.append('signal', {kind: 'threshold.crossed', level: to, message: crossingMessage(q, to, value, before), subject: q.id, ...(value === null ? {} : {value})})
				.catch((error: Error) => store.getState().warned(`timeline: could not record threshold crossing of ${q.id}: ${error.message}`));
		}
	});
}

/** Config queries first, then runbook queries with new ids. */
export function dedupe(queries: readonly QueryDef[]): QueryDef[] {
	const seen = new Set<string>();
	return queries.filter(q => (seen.has(q.id) ? false : (seen.add(q.id), true)));
}
