import type {ActionTarget, AnyTimelineEvent} from '../timeline/events.js';

/**
 * "Someone just did this": before a responder confirms an action, the other responders' recent
 * requests, confirmations and outcomes of the same kind on the same object, from the shared timeline.
 * Two responders rolling back the same deployment seconds apart both see the other's before their
 * own confirm. Conflicts are shown, never settled by whoever wrote last. Pure.
 */

export interface ActionLike {
	kind: string;
	target: ActionTarget;
}

export interface ConflictingAction {
	eventId: string;
	by: string;
	at: string;
	type: 'action.requested' | 'action.confirmed' | 'action.succeeded' | 'action.failed';
	change: string;
	/** "bob@bastion-2 confirmed rollback deployment/checkout (revision 3 -> 2) 12 s ago" */
	text: string;
}

/** How far back "just" reaches. */
export const recentActionWindowMs = 5 * 60_000;

const verbs = {
	'action.requested': 'opened the confirmation of',
	'action.confirmed': 'confirmed',
	'action.succeeded': 'did',
	'action.failed': 'tried (it failed)',
} as const;

function sameTarget(a: ActionTarget, b: ActionTarget): boolean {
	return a.object === b.object && a.namespace === b.namespace && (a.context === b.context || !a.context || !b.context);
}

function ago(ms: number): string {
	const seconds = Math.max(0, Math.round(ms / 1000));
	return seconds < 60 ? `${seconds} s ago` : `${Math.floor(seconds / 60)} min ${seconds % 60} s ago`;
}

/**
 * Others' events on `request`'s kind and target within `windowMs` before `nowMs`, newest first; per
 * action of theirs (actionId) only its latest step (requested, then confirmed, then its outcome).
 * `me` (user@host) is left out: one's own request is not a conflict.
 */
export function recentConflictingActions(
	timeline: readonly AnyTimelineEvent[],
	request: ActionLike,
	options: {me: string; nowMs: number; windowMs?: number},
): ConflictingAction[] {
	const since = options.nowMs - (options.windowMs ?? recentActionWindowMs);
	const latest = new Map<string, ConflictingAction>();
	for (const event of timeline) {
		if (event.type !== 'action.requested' && event.type !== 'action.confirmed' && event.type !== 'action.succeeded' && event.type !== 'action.failed') continue;
		if (event.by === options.me || event.data.kind !== request.kind || !sameTarget(event.data.target, request.target)) continue;
		const at = Date.parse(event.at);
		if (at < since) continue;
		const what = `${event.data.kind} ${event.data.target.object}${event.data.change ? ` (${event.data.change})` : ''}`;
		const entry: ConflictingAction = {eventId: event.id, by: event.by, at: event.at, type: event.type, change: event.data.change, text: `${event.by} ${verbs[event.type]} ${what} ${ago(options.nowMs - at)}`};
		const before = latest.get(event.data.actionId);
		if (!before || before.at <= event.at) latest.set(event.data.actionId, entry);
	}
	return [...latest.values()].sort((a, b) => (a.at === b.at ? 0 : a.at < b.at ? 1 : -1));
}
