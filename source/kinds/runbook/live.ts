/** What a step's details say of its watched queries and its done-when condition now, redrawn from the store while the dialog is open. */
import type {DoneWhen, RunbookStep} from '../../runbook/model.js';
import type {IncidentState, LivePart} from '../../store/types.js';
import {formatAge, formatCountdown, formatValue} from '../../text/format.js';
import {healthData} from '../health/data.js';
import {metricsData} from '../metrics/data.js';
import {metricNow} from '../metrics/live.js';
import {doneWhenHoldMs} from './rows.js';

/** A live part of a step's details: a watched query (`query`) or its done-when condition (`done-when`). */
export function stepLiveLines(part: LivePart, state: IncidentState, now: number): string[] {
	if (part.live === 'query') {
		const metric = metricsData.of(state).find(m => m.id === part.id);
		return metric ? ['', `query ${metric.title}: ${metric.promql}`, `  now ${metricNow(metric)}`] : (part.otherwise ?? []);
	}
	const step = state.runbook?.steps.find(s => s.id === part.id);
	return step?.doneWhen ? ['', ...doneWhenLines(step, step.doneWhen, state, now)] : [];
}

/**
 * A done-when condition in words, whether it holds now, and for how long (auto-check.ts ticks the
 * step when it has held long enough).
 */
export function doneWhenLines(step: RunbookStep, cond: DoneWhen, state: IncidentState, now: number): string[] {
	const checked = Boolean(state.incident.checkedSteps[step.id]);
	const ticks = checked ? 'checked' : 'ticks itself';
	if ('health' in cond) {
		const row = healthData.of(state).find(h => h.name === cond.health);
		return [`done when: the ${cond.health} health check passes (${ticks})`, `  now ${row ? (row.ok ? 'passing' : `failing${row.detail ? `: ${row.detail}` : ''}`) : 'not checked (no such service in the config)'}`];
	}
	const metric = metricsData.of(state).find(m => m.id === cond.query);
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
