import type {Runbook} from '../runbook/model.js';
import type {IncidentStore} from '../store/store.js';
import {doneWhenHoldMs} from '../store/selectors.js';
import type {AppendEvent} from '../timeline/events.js';

/**
 * Steps with a done-when condition tick themselves: a query below/above a value for a duration, or
 * a health check passing. Checked once (an operator may uncheck it again; it is not re-ticked
 * until the condition has been false and true again). Conditions are evaluated when metrics or
 * health change, and once more when a held condition's duration runs out: a timer is set only while
 * some condition is counting, so a cockpit at rest is not woken every second for nothing.
 */
export function startAutoCheck(options: {store: IncidentStore; append: AppendEvent; runbook: Runbook; now?: () => number; signal: AbortSignal}): () => void {
	const now = options.now ?? Date.now;
	const {store, append, runbook} = options;
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
				holds = state.health.some(h => h.name === cond.health && h.ok);
			} else {
				const metric = state.metrics.find(m => m.id === cond.query);
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
				void append('step.checked', {runbookId: runbook.id, stepId: step.id, title: step.title, auto: true}).catch(() => {});
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
		if (s.metrics !== prev.metrics || s.health !== prev.health) evaluate();
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
