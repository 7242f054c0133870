import {configSchema, type Config} from '../../source/config/schema.js';
import {createIncidentStore, type IncidentStore} from '../../source/store/store.js';
import type {AnyTimelineEvent, AppendEvent, EventData, EventType, TimelineEvent} from '../../source/timeline/events.js';

/** A config with schema defaults, from a partial literal. */
export function makeConfig(input: Record<string, unknown>): Config {
	return configSchema.parse(input);
}

/** A fresh store plus an in-memory `append` that records events and feeds them to the store. */
export function makeContext(config: Config) {
	const store: IncidentStore = createIncidentStore();
	const events: AnyTimelineEvent[] = [];
	let n = 0;
	const append: AppendEvent = async <T extends EventType>(type: T, data: EventData[T]) => {
		const event = {v: 1 as const, id: `e${++n}`, at: new Date().toISOString(), by: 'test@host', type, data} as TimelineEvent<T>;
		events.push(event as unknown as AnyTimelineEvent);
		store.getState().eventsAppended([event as unknown as AnyTimelineEvent]);
		return event;
	};
	const controller = new AbortController();
	const signals = () => events.filter(e => e.type === 'signal').map(e => e.data as EventData['signal']);
	// What a kind's source is started with beside these (kinds/types.ts KindContext): none of them by default.
	return {config, store, append, signal: controller.signal, controller, events, signals, now: Date.now, metrics: null, cluster: null, runbook: null};
}
