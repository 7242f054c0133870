import type {AnyTimelineEvent} from '../timeline/events.js';
import type {ServerFacts} from './ledger.js';
import {lateness} from './order.js';

/**
 * The events of an incident that reached the others late (order.ts `lateness`: more than a few
 * seconds after they happened, an offline host's), by id, with when they reached the server. The
 * Timeline marks them ("reached others 03:12:44") rather than inserting them silently into the past.
 * `marks` is a new object only when an event is added, so the screen can memoize on it.
 */
export class LateMarks {
	#marks: Readonly<Record<string, string>> = {};

	get marks(): Readonly<Record<string, string>> {
		return this.#marks;
	}

	/** Looks at `events` whose server facts are known now. */
	note(events: readonly AnyTimelineEvent[], facts: ReadonlyMap<string, ServerFacts>): void {
		let added: Record<string, string> | undefined;
		for (const event of events) {
			if (this.#marks[event.id]) continue;
			const late = lateness(event, facts);
			if (late) (added ??= {...this.#marks})[event.id] = late.reachedAt;
		}
		if (added) this.#marks = added;
	}
}
