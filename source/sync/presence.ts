import type {AnyTimelineEvent} from '../timeline/events.js';

/**
 * Who is in a shared incident: a fold of its events. A responder (user@host, an event's `by`) joins
 * with presence.joined, is seen with every event they write (presence.seen is the heartbeat of an open
 * cockpit whose sync is online), and leaves with presence.left. Pure, incremental: the sync worker and
 * a later Timeline fold the same way.
 */

export interface PresenceEntry {
	user: string;
	/** The last presence.joined (ISO time). */
	joinedAt?: string;
	/** Their newest event of any kind. */
	lastSeen: string;
	/** presence.left after their last join. */
	leftAt?: string;
}

export type PresenceState = Readonly<Record<string, PresenceEntry>>;

export const noPresence: PresenceState = {};

/** A heartbeat (presence.seen) is written this often while a cockpit's sync is online. */
export const heartbeatMs = 60_000;

/** Present: joined, not left since, and seen within this (a cockpit killed without presence.left). */
export const presenceTimeoutMs = 3 * heartbeatMs;

export function applyPresence(state: PresenceState, event: AnyTimelineEvent): PresenceState {
	const user = event.by;
	const before = state[user];
	const lastSeen = before && before.lastSeen > event.at ? before.lastSeen : event.at;
	let next: PresenceEntry = {...before, user, lastSeen};
	if (event.type === 'presence.joined' && !(before?.joinedAt && before.joinedAt > event.at)) {
		next = {...next, joinedAt: event.at};
		if (next.leftAt && next.leftAt <= event.at) delete next.leftAt;
	}
	if (event.type === 'presence.left' && !(before?.joinedAt && before.joinedAt > event.at)) next = {...next, leftAt: event.at};
	return {...state, [user]: next};
}

export function replayPresence(events: readonly AnyTimelineEvent[]): PresenceState {
	return events.reduce(applyPresence, noPresence);
}

export interface Presence {
	user: string;
	lastSeen: string;
	/** In the incident now. */
	present: boolean;
	/** Why not, when not: "left 03:04:05" or "not seen for 4 min". */
	why?: 'left' | 'silent' | 'never joined';
}

/**
 * Everyone who wrote to the incident, present ones first (then by name): present means joined, not
 * left, and seen within `timeoutMs` of `nowMs`.
 */
export function whoIsPresent(state: PresenceState, nowMs: number, timeoutMs = presenceTimeoutMs): Presence[] {
	const list = Object.values(state).map((entry): Presence => {
		if (!entry.joinedAt) return {user: entry.user, lastSeen: entry.lastSeen, present: false, why: 'never joined'};
		if (entry.leftAt) return {user: entry.user, lastSeen: entry.lastSeen, present: false, why: 'left'};
		if (nowMs - Date.parse(entry.lastSeen) > timeoutMs) return {user: entry.user, lastSeen: entry.lastSeen, present: false, why: 'silent'};
		return {user: entry.user, lastSeen: entry.lastSeen, present: true};
	});
	return list.sort((a, b) => (a.present === b.present ? a.user.localeCompare(b.user) : a.present ? -1 : 1));
}
