/** The Timeline pane's rows: everything observed and done, oldest first, in the words of describe.ts. */
import type {RowCache} from '../../store/memo.js';
import type {IncidentState} from '../../store/types.js';
import {describeEvent, hhmmss} from '../../timeline/describe.js';
import type {AnyTimelineEvent} from '../../timeline/events.js';
import type {Row} from '../types.js';

/** Events that reached the others late, by id: when they did (ISO); the sync's `late` (sync/late.ts). */
export type LateEvents = Readonly<Record<string, string>>;

const noLateEvents: LateEvents = {};

/** "reached others 03:12:44": the mark of an event that reached the others late, on its row and in its details. */
export function lateMark(reachedAt: string): string {
	return `reached others ${hhmmss(reachedAt)}`;
}

/** An event's row, one per look (pinned or not, marked late or not), built once each (kept per event in the store's cache). */
function timelineRow(event: AnyTimelineEvent, pinned: boolean, reachedAt: string | undefined, cache: RowCache): Row {
	const rows = cache.weak<AnyTimelineEvent, Record<string, Row>>(timelineRow);
	const cached = rows.get(event) ?? {};
	const look = `${pinned ? '★' : ''}${reachedAt ?? ''}`;
	const hit = cached[look];
	if (hit) return hit;
	const described = describeEvent(event);
	// Placed at the time it happened, and said to have come late: never silently inserted into the past.
	const text = reachedAt ? `${described.text} (${lateMark(reachedAt)})` : described.text;
	const {tone} = described;
	const who = event.by.split('@')[0] ?? event.by;
	const row: Row = {
		key: `e:${event.id}`,
		tone,
		ref: {kind: 'timeline', key: event.id},
		// `/action`, `/signal`, `/note` filter by type; any other text by content.
		search: `${event.type} ${text} ${event.by}${reachedAt ? ' late' : ''}`.toLowerCase(),
		cells: [
			{text: `${pinned ? '★' : ' '}${hhmmss(event.at)}`, width: 9, tone: pinned ? 'warn' : 'muted'},
			{text: who, width: 8, tone: 'muted'},
			{text, tone},
		],
	};
	rows.set(event, {...cached, [look]: row});
	return row;
}

/**
 * Events another row already shows have none of their own, as in the export: a pin is the ★ on the
 * row it pins, and a command's output is in its action's details.
 */
export function buildTimelineRows(events: readonly AnyTimelineEvent[], pinned: Record<string, true>, cache: RowCache, late: LateEvents = noLateEvents): Row[] {
	return events.filter(e => e.type !== 'command.output' && e.type !== 'event.pinned').map(e => timelineRow(e, Boolean(pinned[e.id]), late[e.id], cache));
}

/** Timeline rows, oldest first; rebuilt when the events, the pins or the late marks change. */
export function timelineRows(state: IncidentState, cache: RowCache): readonly Row[] {
	return cache.memo(buildTimelineRows)(state.timeline, state.incident.pinned, cache, state.sync?.late ?? noLateEvents);
}
