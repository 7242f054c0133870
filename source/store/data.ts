/**
 * The store holds each kind's data under `state.data[slot.id]`, without knowing its shape: a kind
 * declares a slot for it (its id, its feed, its empty value, how its text from outside is scrubbed)
 * and reads it back through the slot, typed (`healthData.of(state)`). A new kind needs no store edit.
 */
import type {IncidentState} from './types.js';

/** Text from outside made safe for the screen (control characters shown, secrets masked): see Scrubber in store.ts. */
export interface Scrub {
	text(text: string): string;
	optional(text: string | undefined): string | undefined;
}

export class DataSlot<T> {
	constructor(
		readonly id: string,
		readonly empty: T,
		/** The feed whose state an answer sets ok (none: the data has no source of its own). */
		readonly feed?: string,
		/**
		 * The free text in a value scrubbed (error messages, bodies, labels as shown), returning the
		 * same objects where nothing changed; names stay as they are (they identify what an action targets).
		 */
		readonly scrub?: (value: T, scrub: Scrub) => T,
	) {}

	/** The slot's value in `state` (its empty value before any answer). */
	of(state: Pick<IncidentState, 'data'>): T {
		return (state.data[this.id] as T | undefined) ?? this.empty;
	}
}
