import type {Runbook} from '../runbook/model.js';
import type {IncidentStore} from '../store/store.js';
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
	const since = new Map<string, number>();
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
			let forSeconds = 0;
			if ('health' in cond) {
				holds = state.health.some(h => h.name === cond.health && h.ok);
			} else {
				const metric = state.metrics.find(m => m.id === cond.query);
				const value = metric?.series[0]?.value;
				if (value !== null && value !== undefined && metric && !metric.error) {
					holds = (cond.below === undefined || value < cond.below) && (cond.above === undefined || value > cond.above);
				}
				forSeconds = cond.forSeconds ?? 0;
			}
			if (!holds) {
				if (since.delete(step.id)) store.getState().doneWhenChanged(step.id, null);
				fired.delete(step.id);
				continue;
			}
			if (!since.has(step.id)) {
				since.set(step.id, now());
				store.getState().doneWhenChanged(step.id, since.get(step.id)!);
			}
			if (fired.has(step.id) || state.incident.checkedSteps[step.id]) continue;
			const due = since.get(step.id)! + forSeconds * 1000;
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
		for (const id of since.keys()) store.getState().doneWhenChanged(id, null);
		since.clear();
	};
	options.signal.addEventListener('abort', stop, {once: true});
	return stop;
}
