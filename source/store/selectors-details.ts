/**
 * The live lines of a details dialog: what it says about a query or a step's watched queries and
 * done-when condition, computed from the store each time the store (or the screen's clock) moves,
 * never a copy taken when the dialog opened. A query's details opened at 0% said 0% sixteen minutes
 * after it reached 8.8%.
 */
import type {DoneWhen, RunbookStep} from '../runbook/model.js';
import {formatAge, formatClock, formatValue} from '../text/format.js';
import {doneWhenHoldMs, formatCountdown, partialText, targetText, thresholdText} from './selectors.js';
import type {DetailPart, IncidentState, MetricRow} from './types.js';

/** What the live parts read from the store. */
export type DetailsState = Pick<IncidentState, 'metrics' | 'health' | 'runbook' | 'doneWhenHeld'> & {checkedSteps: Record<string, true>};

export function detailsState(state: IncidentState): DetailsState {
	return {metrics: state.metrics, health: state.health, runbook: state.runbook, doneWhenHeld: state.doneWhenHeld, checkedSteps: state.incident.checkedSteps};
}

/** A details dialog's lines now: its fixed parts as they are, its live parts from `state` at `now`. */
export function detailLines(parts: readonly DetailPart[], state: DetailsState, now: number): string[] {
	return parts.flatMap(part => {
		if ('lines' in part) return part.lines;
		switch (part.live) {
			case 'metric': {
				const metric = state.metrics.find(m => m.id === part.id);
				return metric ? metricLines(metric) : ['(this query is no longer polled)'];
			}
			case 'step-query': {
				const metric = state.metrics.find(m => m.id === part.id);
				return metric ? ['', `query ${metric.title}: ${metric.promql}`, `  now ${metricNow(metric)}`] : part.otherwise;
			}
			case 'done-when': {
				const step = state.runbook?.steps.find(s => s.id === part.stepId);
				return step?.doneWhen ? ['', ...doneWhenLines(step, step.doneWhen, state, now)] : [];
			}
		}
		return [];
	});
}

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

/**
 * A done-when condition in words, whether it holds now, and for how long (auto-check.ts ticks the
 * step when it has held long enough).
 */
export function doneWhenLines(step: RunbookStep, cond: DoneWhen, state: DetailsState, now: number): string[] {
	const checked = Boolean(state.checkedSteps[step.id]);
	const ticks = checked ? 'checked' : 'ticks itself';
	if ('health' in cond) {
		const row = state.health.find(h => h.name === cond.health);
		return [`done when: the ${cond.health} health check passes (${ticks})`, `  now ${row ? (row.ok ? 'passing' : `failing${row.detail ? `: ${row.detail}` : ''}`) : 'not checked (no such service in the config)'}`];
	}
	const metric = state.metrics.find(m => m.id === cond.query);
	const unit = metric?.unit ?? '';
	const bounds = [
		...(cond.below !== undefined ? [`below ${formatValue(cond.below, unit)}`] : []),
		...(cond.above !== undefined ? [`above ${formatValue(cond.above, unit)}`] : []),
	].join(' and ');
	const held = cond.forSeconds ? ` for ${formatAge(cond.forSeconds * 1000)}` : '';
	// Held, not yet long enough: the same count the Runbook pane shows.
	const since = state.doneWhenHeld[step.id];
	const holding = since === undefined || checked ? [] : [`  held for ${formatAge(Math.max(0, now - since))}; ticks in ${formatCountdown(since + doneWhenHoldMs(step) - now)}`];
	return [`done when: ${metric?.title ?? cond.query} stays ${bounds}${held} (${ticks})`, `  now ${metric ? metricNow(metric) : 'not queried (no such query in the runbook)'}`, ...holding];
}
