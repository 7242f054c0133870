import type {Runbook} from '../../runbook/model.js';
import type {IncidentInfo} from '../../timeline/incident.js';
import {formatCountdown} from '../../text/format.js';
import type {IncidentStore} from '../../store/store.js';
import type {AppendEvent} from '../../timeline/events.js';
import {notRecorded} from '../feed-poller.js';

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
			const message = `escalate to ${step.to}: open ${step.afterMinutes} min without mitigation`;
			append('signal', {kind: 'escalation.due', level: 'warn', subject, message}).catch((error: unknown) => {
				// Said, and tried again at the next check.
				pending.delete(subject);
				notRecorded(store, `escalation due (${message})`, error);
			});
		}
	};
	const timer = setInterval(check, options.tickMs ?? 5000);
	timer.unref?.();
	check();
	const stop = () => clearInterval(timer);
	options.signal.addEventListener('abort', stop, {once: true});
	return stop;
}

/** Where the runbook's escalation policy stands: the next call and when it is due, and the last one already due. */
export interface EscalationStatus {
	next?: {to: string; dueAt: number};
	due?: {to: string; afterMinutes: number};
}

/**
 * The escalation policy at `now`, as the header shows it: nothing once the incident is mitigated,
 * resolved or closed (the policy is for an incident left unmitigated), else the next call to make
 * and the latest one whose time has passed.
 */
export function escalationStatus(runbook: Runbook | null, incident: IncidentInfo, now: number): EscalationStatus {
	// A runbook made in code (a test's, a fuzzer's) may come without a policy at all.
	const policy = (runbook?.escalation) ?? [];
	if (policy.length === 0) return {};
	if (incident.closedAt || incident.milestones.mitigated || incident.milestones.resolved) return {};
	const opened = Date.parse(incident.openedAt);
	const status: EscalationStatus = {};
	for (const step of [...policy].sort((a, b) => a.afterMinutes - b.afterMinutes)) {
		const dueAt = opened + step.afterMinutes * 60_000;
		if (dueAt <= now) status.due = {to: step.to, afterMinutes: step.afterMinutes};
		else if (!status.next) status.next = {to: step.to, dueAt};
	}
	return status;
}

/** The banner of an escalation whose time has passed ("Escalate to payments-oncall now: …"), or null. */
export function escalationBanner(runbook: Runbook | null, incident: IncidentInfo, now: number): string | null {
	const {due} = escalationStatus(runbook, incident, now);
	return due ? `Escalate to ${due.to} now: open ${due.afterMinutes} min without mitigation` : null;
}

/** The header's countdown to the next escalation ("escalate to payments-oncall in 4:12"), or null. */
export function escalationCountdown(runbook: Runbook | null, incident: IncidentInfo, now: number): string | null {
	const {next} = escalationStatus(runbook, incident, now);
	return next ? `escalate to ${next.to} in ${formatCountdown(next.dueAt - now)}` : null;
}
