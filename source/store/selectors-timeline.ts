import type {AnyTimelineEvent} from '../timeline/events.js';
import {describeEvent} from '../timeline/describe.js';
import type {Row} from './selectors.js';

export {applyFilter} from './selectors.js';

const rowCache = new WeakMap<AnyTimelineEvent, Row>();

function hhmmss(iso: string): string {
	return iso.slice(11, 19);
}

function timelineRow(event: AnyTimelineEvent, pinned: boolean): Row {
	const cached = rowCache.get(event);
	if (cached && (cached.cells[0]!.text.startsWith('★') === pinned)) return cached;
	const {text, tone} = describeEvent(event);
	const who = event.by.split('@')[0] ?? event.by;
	const row: Row = {
		key: `e:${event.id}`,
		tone,
		ref: {kind: 'event', id: event.id},
		// `/action`, `/signal`, `/note` filter by type; any other text by content.
		search: `${event.type} ${text} ${event.by}`.toLowerCase(),
		cells: [
			{text: `${pinned ? '★' : ' '}${hhmmss(event.at)}`, width: 9, tone: pinned ? 'warn' : 'muted'},
			{text: who, width: 8, tone: 'muted'},
			{text, tone},
		],
	};
	rowCache.set(event, row);
	return row;
}

let lastEvents: readonly AnyTimelineEvent[] | undefined;
let lastPinned: Record<string, true> | undefined;
let lastRows: Row[] = [];

/** Timeline rows, oldest first; memoized on the event list and the pinned set. */
export function selectTimelineRows(events: readonly AnyTimelineEvent[], pinned: Record<string, true>): Row[] {
	if (events === lastEvents && pinned === lastPinned) return lastRows;
	lastEvents = events;
	lastPinned = pinned;
	lastRows = events.filter(e => e.type !== 'command.output').map(e => timelineRow(e, Boolean(pinned[e.id])));
	return lastRows;
}
