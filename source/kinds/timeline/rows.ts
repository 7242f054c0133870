/** The Timeline pane's rows: everything observed and done, oldest first, in the words of describe.ts. */
import type {RowCache} from '../../store/memo.js';
import type {IncidentState} from '../../store/types.js';
import {describeEvent, hhmmss} from '../../timeline/describe.js';
import type {AnyTimelineEvent} from '../../timeline/events.js';
import type {Row} from '../types.js';

/** An event's row, one for the pinned and one for the unpinned look, built once each (kept per event in the store's cache). */
function timelineRow(event: AnyTimelineEvent, pinned: boolean, cache: RowCache): Row {
	const rows = cache.weak<AnyTimelineEvent, {pinned?: Row; plain?: Row}>(timelineRow);
	const cached = rows.get(event) ?? {};
	const hit = pinned ? cached.pinned : cached.plain;
	if (hit) return hit;
	const {text, tone} = describeEvent(event);
	const who = event.by.split('@')[0] ?? event.by;
	const row: Row = {
		key: `e:${event.id}`,
		tone,
		ref: {kind: 'timeline', key: event.id},
		// `/action`, `/signal`, `/note` filter by type; any other text by content.
		search: `${event.type} ${text} ${event.by}`.toLowerCase(),
		cells: [
			{text: `${pinned ? '★' : ' '}${hhmmss(event.at)}`, width: 9, tone: pinned ? 'warn' : 'muted'},
			{text: who, width: 8, tone: 'muted'},
			{text, tone},
		],
	};
	rows.set(event, pinned ? {...cached, pinned: row} : {...cached, plain: row});
	return row;
}

/**
 * Events another row already shows have none of their own, as in the export: a pin is the ★ on the
 * row it pins, and a command's output is in its action's details.
 */
export function buildTimelineRows(events: readonly AnyTimelineEvent[], pinned: Record<string, true>, cache: RowCache): Row[] {
	return events.filter(e => e.type !== 'command.output' && e.type !== 'event.pinned').map(e => timelineRow(e, Boolean(pinned[e.id]), cache));
}

/** Timeline rows, oldest first; rebuilt when the events or the pins change. */
export function timelineRows(state: IncidentState, cache: RowCache): readonly Row[] {
	return cache.memo(buildTimelineRows)(state.timeline, state.incident.pinned, cache);
}
