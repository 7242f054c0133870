/** What a query's details say of it now, redrawn from the store while the dialog is open. */
import {formatClock, formatValue} from '../../text/format.js';
import type {MetricRow} from './data.js';
import {partialText, targetText, thresholdText} from './rows.js';

/** A query: what it is, what is known of it now (loading, answered, stale and why), its targets, its values. */
export function metricLines(metric: MetricRow): string[] {
	const lines = [`id          ${metric.id}`, `promql      ${metric.promql}`, `unit        ${metric.unit || '—'}`, `thresholds  ${thresholdText(metric) || 'none'}`, `state       ${metricState(metric)}`];
	if (metric.partial) lines.push(`window      ${partialText(metric.partial)}: its values are over that time, not the whole range`);
	const targets = metric.targets;
	if (targets) {
		const down = targets.problems.filter(t => t.health === 'down').length;
		const unknown = targets.problems.filter(t => t.health === 'unknown').length;
		const counts = [`${targets.up} up`, ...(down ? [`${down} down`] : []), ...(unknown ? [`${unknown} unknown`] : [])];
		lines.push(`targets     ${counts.join(', ')}`);
		for (const target of targets.problems) {
			const mark = target.health === 'down' ? '✗' : target.health === 'unknown' ? '?' : '!';
			const why = target.health === 'down' && target.error ? `: ${target.error}` : '';
			const lastOk = target.health === 'down' && target.lastOkAt !== undefined ? ` (last good scrape ${formatClock(target.lastOkAt)})` : '';
			lines.push(`  ${mark} ${targetText(target)}${why}${lastOk}`);
		}
	}
	lines.push('');
	if (metric.loading) lines.push('  (no answer yet)');
	else if (metric.series.length === 0) lines.push(metric.error ? '  (no value)' : '  no data: the query matches no series now');
	for (const s of metric.series) lines.push(`  ${formatValue(s.value, metric.unit, metric).padStart(10)}  ${s.labels || '{}'}`);
	return lines;
}

function metricState(metric: MetricRow): string {
	if (metric.loading) return 'loading: its first answer is on its way';
	const answered = metric.lastOkAt === undefined ? '' : ` ${formatClock(metric.lastOkAt)}`;
	if (metric.error) return metric.series.length > 0 ? `stale: the values below are from${answered}; now ${metric.error}` : `error: ${metric.error}`;
	return `answered${answered ? ` at${answered}` : ''}`;
}

/** A query's first value now, or why there is none. */
export function metricNow(metric: MetricRow): string {
	if (metric.loading) return 'loading';
	if (metric.error) return `unavailable: ${metric.error}`;
	const first = metric.series[0];
	const partial = metric.partial ? ` (${partialText(metric.partial)})` : '';
	return first ? `${formatValue(first.value, metric.unit, metric)}${metric.series.length > 1 ? ` (first of ${metric.series.length} series)` : ''}${partial}` : 'no data';
}
