import type {AnyTimelineEvent} from '../timeline/events.js';
import {describeEvent} from '../timeline/describe.js';
import {memo, type Row} from './selectors.js';

/** Rows per event, one for the pinned and one for the unpinned look, built once each. */
const rowCache = new WeakMap<AnyTimelineEvent, {pinned?: Row; plain?: Row}>();

/** An event's time of day, UTC, as the Timeline pane shows it: "03:04:05" (events' times are ISO strings in UTC). */
export function hhmmss(iso: string): string {
	return iso.slice(11, 19);
}

function timelineRow(event: AnyTimelineEvent, pinned: boolean): Row {
	const cached = rowCache.get(event) ?? {};
	const hit = pinned ? cached.pinned : cached.plain;
	if (hit) return hit;
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
	rowCache.set(event, pinned ? {...cached, pinned: row} : {...cached, plain: row});
	return row;
}

/**
 * Timeline rows, oldest first; memoized on the event list and the pinned set. Events another row
 * already shows have none of their own, as in the export: a pin is the ★ on the row it pins, and a
 * command's output is in its action's details.
 */
export const selectTimelineRows = memo((events: readonly AnyTimelineEvent[], pinned: Record<string, true>): Row[] =>
	events.filter(e => e.type !== 'command.output' && e.type !== 'event.pinned').map(e => timelineRow(e, Boolean(pinned[e.id]))),
);

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
