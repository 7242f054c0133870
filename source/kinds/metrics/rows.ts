/** The Metrics pane's rows and title: each query's value with its unit, a sparkline, and what is known of it. */
import type {Coverage, TargetState} from '../../ports/metrics.js';
import type {RowCache} from '../../store/memo.js';
import type {IncidentState} from '../../store/types.js';
import {formatClock, formatSpan, formatValue, sparkline, worstTone, type Tone} from '../../text/format.js';
import type {Cell, Row, Toned} from '../types.js';
import {metricsData, type MetricRow} from './data.js';

export function thresholdText(metric: Pick<MetricRow, 'warn' | 'critical' | 'unit' | 'direction'>): string {
	const parts: string[] = [];
	const op = metric.direction === 'below' ? '≤' : '≥';
	if (metric.warn !== undefined) parts.push(`warn${op}${formatValue(metric.warn, metric.unit)}`);
	if (metric.critical !== undefined) parts.push(`crit${op}${formatValue(metric.critical, metric.unit)}`);
	return parts.join(' ');
}

/** What a query's sparklines are drawn against: its first threshold when it alarms going up (see sparkline). */
export function sparklineCeiling(metric: Pick<MetricRow, 'direction' | 'warn' | 'critical'>): number | undefined {
	return metric.direction === 'below' ? undefined : (metric.warn ?? metric.critical);
}

/** A target in a few words: "app 127.0.0.1:9100 down since 03:04:05", "web dropped 430000 series (limit 20000)". */
export function targetText(target: TargetState): string {
	const name = target.instance ? `${target.job} ${target.instance}` : `job ${target.job}`;
	if (target.health === 'down') return `${name} down${target.downSince === undefined ? '' : ` since ${formatClock(target.downSince)}`}`;
	if (target.health === 'unknown') return `${name} ${target.error ?? 'state unknown'}`;
	return `${name} ${target.warning ?? 'up'}`;
}

/** "warming up (30 s of a 5 m window)": a query whose values cover part of its range. */
export function partialText(partial: Coverage): string {
	return partial.capped ? `${formatSpan(partial.coveredMs)} kept of a ${formatSpan(partial.rangeMs)} window` : `warming up (${formatSpan(partial.coveredMs)} of a ${formatSpan(partial.rangeMs)} window)`;
}

/**
 * What a query's row says beside its value, the most pressing first: its own error (its values
 * are then its last good ones), its targets that are down, not scraped yet or dropping series,
 * that its values cover part of its range, then its thresholds.
 */
function metricNote(metric: MetricRow): Cell {
	const parts: string[] = [];
	let tone: Tone = 'muted';
	if (metric.error) {
		parts.push(`✗ stale${metric.lastOkAt === undefined ? '' : ` since ${formatClock(metric.lastOkAt)}`}: ${metric.error}`);
		tone = 'crit';
	}
	const problems = metric.targets?.problems ?? [];
	const down = problems.filter(t => t.health === 'down');
	if (down.length > 0) {
		const total = (metric.targets?.up ?? 0) + problems.filter(t => t.health !== 'up').length;
		parts.push(`✗ ${total > 1 ? `${down.length} of ${total} targets down: ` : 'target '}${down.map(targetText).join(', ')}`);
		tone = 'crit';
	}
	for (const target of problems.filter(t => t.health !== 'down')) {
		parts.push(targetText(target));
		if (tone === 'muted' && target.warning) tone = 'warn';
	}
	if (metric.partial) parts.push(partialText(metric.partial));
	const thresholds = thresholdText(metric);
	if (thresholds) parts.push(thresholds);
	return {text: parts.join(' · '), tone};
}

export function buildMetricRows(metrics: readonly MetricRow[]): Row[] {
	const rows: Row[] = [];
	for (const metric of metrics) {
		const ceiling = sparklineCeiling(metric);
		const single = metric.series.length <= 1 ? metric.series[0] : undefined;
		const search = `${metric.id} ${metric.title} ${metric.promql}`.toLowerCase();
		if (metric.error && metric.series.length === 0) {
			const note = metricNote({...metric, error: undefined});
			rows.push({
				key: `m:${metric.id}`,
				tone: 'crit',
				ref: {kind: 'metrics', key: metric.id},
				search,
				cells: [{text: metric.title, width: 16, bold: true}, {text: `✗ ${metric.error}${note.text && note.tone !== 'muted' ? ` · ${note.text}` : ''}`, tone: 'crit'}],
			});
			continue;
		}
		// Values kept from before an error are the last good ones: drawn muted, the note says since when.
		const stale = Boolean(metric.error);
		const valueText = metric.loading ? 'loading…' : single ? formatValue(single.value, metric.unit, metric) : metric.series.length === 0 ? 'no data' : `${metric.series.length} series`;
		rows.push({
			key: `m:${metric.id}`,
			tone: stale ? 'crit' : metric.tone,
			ref: {kind: 'metrics', key: metric.id},
			search,
			cells: [
				{text: metric.title, width: 16, bold: true},
				{text: valueText, width: 9, align: 'right', tone: stale || metric.loading ? 'muted' : (single?.tone ?? metric.tone)},
				{text: single ? sparkline(single.history, 20, ceiling) : '', width: 21, tone: stale ? 'muted' : (single?.tone ?? metric.tone)},
				metricNote(metric),
			],
		});
		if (!single) {
			for (const series of metric.series) {
				rows.push({
					key: `m:${metric.id}:${series.labels}`,
					tone: stale ? 'muted' : series.tone,
					ref: {kind: 'metrics', key: metric.id},
					search: `${search} ${series.labels}`.toLowerCase(),
					cells: [
						{text: `└ ${series.labels || '{}'}`, width: 16},
						{text: formatValue(series.value, metric.unit, metric), width: 9, align: 'right', tone: stale ? 'muted' : series.tone},
						{text: sparkline(series.history, 20, ceiling), width: 21, tone: stale ? 'muted' : series.tone},
						{text: ''},
					],
				});
			}
		}
	}
	return rows;
}

/**
 * The Metrics pane's title and its line under the title when its feed is fine: the queries, and
 * the scrape targets behind them that are down or warn (the first named, with why).
 */
export function metricsSummary(metrics: readonly MetricRow[]): {summary: Toned; problem: Toned | null} {
	if (metrics.length === 0) return {summary: {text: 'no queries', tone: 'muted'}, problem: null};
	const seen = new Map<string, TargetState>();
	for (const metric of metrics) for (const target of metric.targets?.problems ?? []) seen.set(`${target.job}\u0000${target.instance}`, target);
	const down = [...seen.values()].filter(t => t.health === 'down');
	const warned = [...seen.values()].filter(t => t.health === 'up' && t.warning);
	const loading = metrics.filter(m => m.loading).length;
	const parts = [`${metrics.length} quer${metrics.length === 1 ? 'y' : 'ies'}`];
	if (loading > 0) parts.push(`${loading} loading`);
	if (down.length > 0) parts.push(`${down.length} target${down.length > 1 ? 's' : ''} down`);
	const tone = down.length > 0 ? 'crit' : worstTone(metrics.map(m => m.tone));
	const first = down[0] ?? warned[0];
	const problem = first
		? {text: `${targetText(first)}${first.health === 'down' && first.error ? `: ${first.error}` : ''}${down.length + warned.length > 1 ? ` (+${down.length + warned.length - 1} more: enter on a query lists them)` : ''}`, tone: (first.health === 'down' ? 'crit' : 'warn') as Tone}
		: null;
	return {summary: {text: parts.join(' · '), tone}, problem};
}

/** The Metrics pane's rows: a row per query (its value, sparkline and note), then one per series of a query with several. */
export function metricRows(state: IncidentState, cache: RowCache): readonly Row[] {
	return cache.memo(buildMetricRows)(metricsData.of(state));
}
