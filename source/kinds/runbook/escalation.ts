import type {Runbook} from '../../runbook/model.js';
import type {IncidentStore} from '../../store/store.js';
import type {AppendEvent} from '../../timeline/events.js';

/**
 * The runbook's escalation policy: once the incident has been open `afterMinutes` without being
 * mitigated, write one `escalation.due` signal naming whom to call. Idempotent across restarts and
 * operators: a due escalation already in the timeline is not written again.
 */
export function startEscalation(options: {store: IncidentStore; append: AppendEvent; runbook: Runbook; signal: AbortSignal; now?: () => number; tickMs?: number}): () => void {
	const now = options.now ?? Date.now;
	const {store, append, runbook} = options;
	if (runbook.escalation.length === 0) return () => {};
	const pending = new Set<string>();
	const check = () => {
		const state = store.getState();
		const {incident} = state;
		if (incident.closedAt || incident.milestones.mitigated || incident.milestones.resolved) return;
		const openFor = now() - Date.parse(incident.openedAt);
		for (const [index, step] of runbook.escalation.entries()) {
			const subject = `escalation:${runbook.id}:${index}`;
			if (openFor < step.afterMinutes * 60_000 || pending.has(subject)) continue;
			if (state.timeline.some(e => e.type === 'signal' && e.data.kind === 'escalation.due' && e.data.subject === subject)) continue;
			pending.add(subject);
			void append('signal', {kind: 'escalation.due', level: 'warn', subject, message: `escalate to ${step.to}: open ${step.afterMinutes} min without mitigation`}).catch(() => pending.delete(subject));
		}
	};
	const timer = setInterval(check, options.tickMs ?? 5000);
	timer.unref?.();
	check();
	const stop = () => clearInterval(timer);
	options.signal.addEventListener('abort', stop, {once: true});
	return stop;
}
