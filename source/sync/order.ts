import type {AnyTimelineEvent} from '../timeline/events.js';
import type {ServerFacts} from './ledger.js';

/**
 * One order for every host of a shared incident: by the time each event happened (its `at`, the
 * author's clock), then by the server's sequence number (its order of arrival) when two events share
 * a time, then by id. An event not yet on the server (this host's, waiting) comes after those with
 * the same time that are. Duplicates (the same id twice) are kept once, the first.
 *
 * Pure: the same events and facts give the same order on every host, whatever order its journal
 * holds them in (each host appends others' events as they arrive).
 */
export function orderEvents(events: readonly AnyTimelineEvent[], facts: ReadonlyMap<string, ServerFacts>): AnyTimelineEvent[] {
	const seen = new Set<string>();
	const unique = events.filter(event => !seen.has(event.id) && Boolean(seen.add(event.id)));
	const time = new Map(unique.map(event => [event.id, Date.parse(event.at)]));
	return unique.sort((a, b) => {
		const byTime = time.get(a.id)! - time.get(b.id)!;
		if (byTime !== 0) return byTime;
		const seqA = facts.get(a.id)?.seq ?? Number.POSITIVE_INFINITY;
		const seqB = facts.get(b.id)?.seq ?? Number.POSITIVE_INFINITY;
		if (seqA !== seqB) return seqA < seqB ? -1 : 1;
		return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
	});
}

/** Past this gap between happening and reaching the server, an event is late (an offline host's). */
export const lateAfterMs = 5000;

export interface Lateness {
	/** When the event reached the server, so the others (ISO time). */
	reachedAt: string;
	/** How long after it happened. */
	afterMs: number;
}

/**
 * Whether `event` reached the others more than `thresholdMs` after it happened (an offline host's
 * event, pushed when it came back): the timeline places it at its own time and marks it late, with
 * when it arrived, rather than silently inserting it into the past. Undefined when it is not late, or
 * not on the server yet.
 */
export function lateness(event: AnyTimelineEvent, facts: ReadonlyMap<string, ServerFacts>, thresholdMs = lateAfterMs): Lateness | undefined {
	const fact = facts.get(event.id);
	if (!fact) return undefined;
	const afterMs = Date.parse(fact.receivedAt) - Date.parse(event.at);
	return afterMs > thresholdMs ? {reachedAt: fact.receivedAt, afterMs} : undefined;
}
