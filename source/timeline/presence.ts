/** Who else is on the incident: the authors of its recent events. */
import type {AnyTimelineEvent} from './events.js';

/** How recent another operator's last event must be for the header to name them (their cockpit writes signals as it sees them). */
const presenceWindowMs = 15 * 60_000;

/**
 * The others working on this incident now: authors other than `me` of events in the last
 * `presenceWindowMs`, most recent first. Two operators logged in as the same user on the same host
 * write as the same author and cannot be told apart.
 */
export function otherOperators(events: readonly AnyTimelineEvent[], me: string | undefined, now: number): string[] {
	const others: string[] = [];
	const since = new Date(now - presenceWindowMs).toISOString();
	for (let i = events.length - 1; i >= 0; i--) {
		const event = events[i]!;
		if (event.at < since) break;
		if (event.by !== me && !others.includes(event.by)) others.push(event.by);
	}
	return others;
}
