/**
 * The metrics source: queries (from config and the active runbook) against the Metrics port,
 * formatted to MetricRows. Sparkline history from a range query at start, then an instant query
 * per interval. One timeline signal per threshold crossing.
 */
import {HttpError} from '../../clients/http.js';
import type {Coverage, InstantSample, Metrics, RangeSeries, TargetState} from '../../ports/metrics.js';
import {renderTemplate} from '../../runbook/template.js';
import {formatSpan, formatValue, sharedLabelNames, shortLabels, toneFor, worstTone, type Tone} from '../../text/format.js';
import {failureOf, SourceError} from '../failure.js';
import {recordedSignals, recordSignal, startFeedPoller} from '../feed-poller.js';
import type {ActiveRunbook, KindContext} from '../types.js';
import {metricsData, type MetricRow, type SeriesRow} from './data.js';

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
	/** Targets a row lists that are not up (down, unknown, or with a warning). */
	targetsPerRow: 20,
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
		// Values kept past an error are not graded now: what they would be now is not known.
		tone: error ? 'muted' : worstTone(series.map(s => s.tone)),
	};
	if (q.warn !== undefined) row.warn = q.warn;
	if (q.critical !== undefined) row.critical = q.critical;
	if (error) row.error = error;
	return row;
}

type Level = 'ok' | 'warn' | 'crit';

function level(tone: Tone | undefined): Level | undefined {
	return tone === 'ok' || tone === 'warn' || tone === 'crit' ? tone : undefined;
}

/** "over the first 30 s of its 5 m window": what a value computed over part of its range covers. */
export function coverageText(partial: Coverage): string {
	return partial.capped ? `over the ${formatSpan(partial.coveredMs)} kept of its ${formatSpan(partial.rangeMs)} window` : `over the first ${formatSpan(partial.coveredMs)} of its ${formatSpan(partial.rangeMs)} window`;
}

/** "5xx ratio crossed critical 5% (7.31%)" and friends; a value over part of its range says so. */
export function crossingMessage(q: QueryDef, to: Level, value: number | null | undefined, from?: Level, partial?: Coverage): string {
	const title = q.title ?? q.id;
	const shown = `${formatValue(value, q.unit ?? '', thresholds(q))}${partial ? ` ${coverageText(partial)}` : ''}`;
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

/** A query not answered yet: listed at once, so the pane never says "no queries" while they are on their way. */
export function loadingRow(q: QueryDef): MetricRow {
	return {...metricRow(q, []), loading: true, tone: 'muted'};
}

/** The row with the targets behind its query that are not plainly up (down, not scraped yet, or with a warning). */
function withTargets(row: MetricRow, states: readonly TargetState[] | undefined): MetricRow {
	if (!states || states.length === 0) return row;
	const problems = states.filter(t => t.health !== 'up' || t.warning);
	return {...row, targets: {up: states.filter(t => t.health === 'up').length, problems: problems.slice(0, metricLimits.targetsPerRow)}};
}

/** An error's message. */
function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

/**
 * The feed's error when no query was answered: what kept them all from it, said once, with what
 * it means when that is known (the server cannot be reached, or refuses the credentials).
 */
export function feedError(failures: readonly unknown[]): string {
	const messages = [...new Set(failures.map(errorText))];
	const first = failures[0];
	let state = '';
	if (first instanceof HttpError) {
		if (first.status === 401 || first.status === 403) state = 'unauthorized: ';
		else if (first.kind !== 'http' && first.kind !== 'body' && first.kind !== 'aborted') state = 'unreachable: ';
	}
	if (messages.length === 1) return `${state}${messages[0]}`;
	return `${state}all ${failures.length} queries failed: ${messages[0]} (and ${messages.length - 1} other error${messages.length > 2 ? 's' : ''})`;
}

/**
 * Polls the queries into the store. Every query has a row from the start (loading until its first
 * answer). A query that fails keeps its last series with an `error`; when every query fails, the
 * feed is marked failed and the last rows stay. A request cut short because the source is stopping
 * (the sources restart when the runbook or the cluster arrives) is not a failure: nothing is written.
 *
 * Over 80 lines, knowingly: the history load and the poll share the queries' recent values and their
 * last rows, of this start alone (a restarted source begins again from what the pane shows); split
 * into functions, each would take all of them. The redesign that follows this round makes them a
 * class of their own, and this then splits.
 */
export function startMetricsSource(ctx: KindContext & {metrics: Metrics; queries: QueryDef[]}): () => void {
	const {metrics, store} = ctx;
	const queries = dedupe(ctx.queries);
	if (queries.length === 0) return () => {};
	const {now} = ctx;
	/** Per query: full label key -> recent values (bounded). */
	const history = new Map<string, Map<string, number[]>>();
	// A restarted source (a runbook chosen, the cluster connected) starts from what the pane shows for
	// the same queries; the others are loading.
	const lastRows = new Map<string, MetricRow>();
	const shown = new Map(metricsData.of(store.getState()).map(m => [m.id, m]));
	for (const q of queries) {
		const before = shown.get(q.id);
		if (before && before.promql === q.promql && !before.loading) lastRows.set(q.id, before);
	}
	store.getState().dataShown(metricsData, queries.map(q => lastRows.get(q.id) ?? loadingRow(q)));
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

	/** The targets behind each query, or undefined when the backend cannot tell (or the lookup failed). */
	const targetsOf = async (signal: AbortSignal): Promise<TargetState[][] | undefined> => {
		if (!metrics.targets) return undefined;
		try {
			return await metrics.targets(
				queries.map(q => q.promql),
				signal,
			);
		} catch {
			return undefined;
		}
	};

	/** A query's row from its answer: its series (history kept per full label set), when, and how much of its range they cover. */
	const answeredRow = (q: QueryDef, samples: InstantSample[], at: number): MetricRow => {
		const past = history.get(q.id) ?? new Map<string, number[]>();
		const series = seriesRows(q, samples, past);
		// Remember history for every returned series (not only the shown ones), bounded by the result size.
		const next = new Map<string, number[]>();
		for (const s of samples) {
			const value = cleanValue(s.value);
			const key = fullKey(s.labels);
			const before = past.get(key) ?? [];
			next.set(key, value === null ? before : [...before, value].slice(-metricLimits.historyPoints));
		}
		history.set(q.id, next);
		const row: MetricRow = {...metricRow(q, series), lastOkAt: at};
		const partial = metrics.coverage?.(q.promql);
		if (partial) row.partial = partial;
		return row;
	};

	const poll = async (signal: AbortSignal) => {
		if (!historyLoaded) {
			await loadHistory(signal);
			if (signal.aborted) return;
			historyLoaded = true;
		}
		const results = await Promise.allSettled(queries.map(q => metrics.instant(q.promql, signal)));
		if (signal.aborted) return;
		const targets = await targetsOf(signal);
		if (signal.aborted) return;
		const at = now();
		const failures: unknown[] = [];
		const rows = queries.map((q, i) => {
			const result = results[i]!;
			if (result.status === 'fulfilled') return withTargets(answeredRow(q, result.value, at), targets?.[i]);
			failures.push(result.reason);
			const last = lastRows.get(q.id);
			const row = metricRow(q, last?.series ?? [], errorText(result.reason));
			if (last?.lastOkAt !== undefined) row.lastOkAt = last.lastOkAt;
			return withTargets(row, targets?.[i]);
		});
		for (const row of rows) lastRows.set(row.id, row);
		if (failures.length === queries.length) {
			store.getState().dataShown(metricsData, rows);
			throw new SourceError(feedError(failures), failureOf(failures[0]));
		}
		store.getState().dataReceived(metricsData, rows, at);
		recordCrossings(rows);
	};

	/**
	 * Threshold crossings: one signal when a query's tone changes between ok / warn / crit. What was
	 * recorded is read from the store at each poll (recordedSignals), never kept here: a source
	 * restarted while a crossing is being written must not write it again.
	 */
	const recordCrossings = (rows: readonly MetricRow[]) => {
		const recorded = recordedSignals(store, ['threshold.crossed']);
		for (const [i, row] of rows.entries()) {
			if (row.error) continue;
			const q = queries[i]!;
			const to = level(row.tone);
			if (!to || (q.warn === undefined && q.critical === undefined)) continue;
			const before = level(recorded.get(q.id)?.level as Tone | undefined);
			if (before === to || (before === undefined && to === 'ok')) continue;
			const value = worstValue(q, row.series);
			recordSignal(ctx, {kind: 'threshold.crossed', level: to, message: crossingMessage(q, to, value, before, row.partial), subject: q.id, ...(value === null ? {} : {value})});
		}
	};

	// A backend that answers from what it holds (direct scrape) is asked again at the next interval
	// after a failure: its failures are its targets', which it retries at every scrape.
	const interval = ctx.config.refresh.metricsMs;
	return startFeedPoller(ctx, 'metrics', interval, poll, metrics.local ? {maxBackoffMs: interval} : {});
}

/** Config queries first, then runbook queries with new ids. */
export function dedupe(queries: readonly QueryDef[]): QueryDef[] {
	const seen = new Set<string>();
	return queries.filter(q => (seen.has(q.id) ? false : (seen.add(q.id), true)));
}

/** The active runbook's queries the config does not have, its variables filled in (an unknown one kept as written). */
export function runbookQueries(configured: readonly QueryDef[], active: ActiveRunbook | null): QueryDef[] {
	if (!active) return [];
	const ids = new Set(configured.map(q => q.id));
	return active.runbook.queries
		.filter(q => !ids.has(q.id))
		.map(q => ({id: q.id, title: q.title, promql: renderTemplate(q.promql, active.variables, {missing: 'keep'}), unit: q.unit, warn: q.warn, critical: q.critical, direction: q.direction}));
}

/**
 * The Metrics kind's queries, polled: the config's, then the active runbook's. Without a backend they
 * are still listed, each saying why it has no value.
 */
export function startQueries(ctx: KindContext): () => void {
	const queries = dedupe([...ctx.config.queries, ...runbookQueries(ctx.config.queries, ctx.runbook)]);
	if (ctx.metrics) return startMetricsSource({...ctx, metrics: ctx.metrics, queries});
	if (queries.length > 0) ctx.store.getState().dataReceived(metricsData, queries.map(q => metricRow(q, [], 'no metrics backend: set prometheus.url, or scrape: URLs on services')));
	return () => {};
}
