import type {DoneWhen, Runbook, RunbookStep} from '../../runbook/model.js';
import {stepDeployment} from '../../runbook/template.js';
import {formatValue} from '../../text/format.js';
import type {IncidentStore} from '../../store/store.js';
import type {IncidentState} from '../../store/types.js';
import type {AppendEvent, StepCheckCause} from '../../timeline/events.js';
import {actionDoneKey} from '../../timeline/incident.js';
import {healthData} from '../health/data.js';
import {metricsData} from '../metrics/data.js';
import {doneWhenHoldMs} from './rows.js';
import {notRecorded} from '../feed-poller.js';

/** "2m", "90s" -> "1m30s", "1h": a done-when duration as a runbook author writes it. */
function holdText(seconds: number): string {
	if (seconds > 0 && seconds % 3600 === 0) return `${seconds / 3600}h`;
	if (seconds >= 60) return seconds % 60 === 0 ? `${seconds / 60}m` : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
	return `${seconds}s`;
}

/** A done-when condition in words: "5xx ratio < 1% for 2m", "the checkout health check passes". */
export function conditionText(cond: DoneWhen, state: Pick<IncidentState, 'data'>): string {
	if ('health' in cond) return `the ${cond.health} health check passes`;
	const metric = metricsData.of(state).find(m => m.id === cond.query);
	const unit = metric?.unit ?? '';
	const bounds = [...(cond.below === undefined ? [] : [`< ${formatValue(cond.below, unit)}`]), ...(cond.above === undefined ? [] : [`> ${formatValue(cond.above, unit)}`])].join(' and ');
	return `${metric?.title ?? cond.query} ${bounds}${cond.forSeconds ? ` for ${holdText(cond.forSeconds)}` : ''}`;
}

/**
 * Why `step` ticks now: its condition, the value that held, and its own action with whether that was
 * done from the cockpit in this incident (a tick by a condition must never read as the action done).
 */
function conditionCause(step: RunbookStep, cond: DoneWhen, state: IncidentState, variables: Record<string, string>): StepCheckCause {
	const metric = 'query' in cond ? metricsData.of(state).find(m => m.id === cond.query) : undefined;
	const value = metric?.series[0]?.value;
	const deployment = step.action ? stepDeployment(step, variables) : undefined;
	const object = deployment ? `deployment/${deployment}` : undefined;
	const done = step.action && object ? state.incident.actionsDone[actionDoneKey(step.action.kind, object)] : undefined;
	return {
		type: 'condition',
		condition: conditionText(cond, state),
		...(metric && value !== null && value !== undefined ? {value: formatValue(value, metric.unit)} : {}),
		...(step.action && object ? {stepAction: {kind: step.action.kind, object, ...(done ? {actionId: done.actionId, at: done.at} : {})}} : {}),
	};
}

/**
 * Steps with a done-when condition tick themselves: a query below/above a value for a duration, or
 * a health check passing. Checked once (an operator may uncheck it again; it is not re-ticked
 * until the condition has been false and true again). Conditions are evaluated when metrics or
 * health change, and once more when a held condition's duration runs out: a timer is set only while
 * some condition is counting, so a cockpit at rest is not woken every second for nothing.
 */
export function startAutoCheck(options: {
	store: IncidentStore;
	append: AppendEvent;
	runbook: Runbook;
	/** The runbook's variables, for the deployment a step's action names (default: none). */
	variables?: Record<string, string>;
	now?: () => number;
	signal: AbortSignal;
}): () => void {
	const now = options.now ?? Date.now;
	const {store, append, runbook} = options;
	const variables = options.variables ?? {};
	const fired = new Set<string>();
	let timer: ReturnType<typeof setTimeout> | undefined;
	const evaluate = () => {
		clearTimeout(timer);
		timer = undefined;
		let next = Infinity;
		const state = store.getState();
		for (const step of runbook.steps) {
			const cond = step.doneWhen;
			if (!cond) continue;
			let holds = false;
			if ('health' in cond) {
				holds = healthData.of(state).some(h => h.name === cond.health && h.ok);
			} else {
				const metric = metricsData.of(state).find(m => m.id === cond.query);
				const value = metric?.series[0]?.value;
				if (value !== null && value !== undefined && metric && !metric.error) {
					holds = (cond.below === undefined || value < cond.below) && (cond.above === undefined || value > cond.above);
				}
			}
			// Since when it has held is kept in the store, where the Runbook pane counts down from it.
			const held = store.getState().doneWhenHeld[step.id];
			if (!holds) {
				if (held !== undefined) store.getState().doneWhenChanged(step.id, null);
				fired.delete(step.id);
				continue;
			}
			const since = held ?? now();
			if (held === undefined) store.getState().doneWhenChanged(step.id, since);
			if (fired.has(step.id) || state.incident.checkedSteps[step.id]) continue;
			const due = since + doneWhenHoldMs(step);
			if (now() >= due) {
				fired.add(step.id);
				const cause = conditionCause(step, cond, store.getState(), variables);
				append('step.checked', {runbookId: runbook.id, stepId: step.id, title: step.title, auto: true, cause}).catch((error: unknown) => notRecorded(store, `step "${step.title}" ticked by its condition`, error));
			} else {
				next = Math.min(next, due);
			}
		}
		if (next !== Infinity && !options.signal.aborted) {
			timer = setTimeout(evaluate, Math.max(0, next - now()));
			timer.unref?.();
		}
	};
	if (!runbook.steps.some(s => s.doneWhen)) return () => {};
	const unsubscribe = store.subscribe((s, prev) => {
		if (metricsData.of(s) !== metricsData.of(prev) || healthData.of(s) !== healthData.of(prev)) evaluate();
	});
	evaluate();
	const stop = () => {
		unsubscribe();
		clearTimeout(timer);
		// Another runbook's steps, or none: no countdown is left behind.
		for (const step of runbook.steps) if (step.doneWhen) store.getState().doneWhenChanged(step.id, null);
	};
	options.signal.addEventListener('abort', stop, {once: true});
	return stop;
}
