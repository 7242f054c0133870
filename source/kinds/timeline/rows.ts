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

/** Signals that repeat for one pod (an OOM kill at each restart) and what a folded row calls them. */
const foldedSignals: Record<string, string> = {'pod.oomkilled': 'OOMKilled', 'pod.crashloop': 'in CrashLoopBackOff'};

/** The key that folds an event with the others of its kind and pod, if it folds. */
function foldKey(event: AnyTimelineEvent): string | undefined {
	if (event.type !== 'signal' || !(event.data.kind in foldedSignals) || !event.data.subject) return undefined;
	return `${event.data.kind} ${event.data.subject}`;
}

/**
 * One row for the repeats of a signal of one pod, where the newest is: "pod api-7f8b OOMKilled ×21
 * since 03:12, 21 restarts". Its ref is the newest event (enter shows it whole); the journal keeps them all.
 */
function foldedRow(newest: AnyTimelineEvent & {type: 'signal'}, first: AnyTimelineEvent, count: number, pinned: boolean): Row {
	const {data} = newest;
	const restarts = typeof data.value === 'number' ? `, ${data.value} restart${data.value === 1 ? '' : 's'}` : '';
	const text = `${(data.subject ?? '').replace('/', ' ')} ${foldedSignals[data.kind]} ×${count} since ${hhmmss(first.at).slice(0, 5)}${restarts}`;
	const who = newest.by.split('@')[0] ?? newest.by;
	return {
		key: `f:${data.kind}:${data.subject}`,
		tone: data.level,
		ref: {kind: 'timeline', key: newest.id},
		search: `${newest.type} ${text} ${newest.by}`.toLowerCase(),
		cells: [
			{text: `${pinned ? '★' : ' '}${hhmmss(newest.at)}`, width: 9, tone: pinned ? 'warn' : 'muted'},
			{text: who, width: 8, tone: 'muted'},
			{text, tone: data.level},
		],
	};
}

/**
 * Events another row already shows have none of their own, as in the export: a pin is the ★ on the
 * row it pins, and a command's output is in its action's details. Repeated signals of one pod (OOM
 * kills, crash loops) are one row, at the newest, with their count: on screen only, the journal and
 * the export keep every event.
 */
export function buildTimelineRows(events: readonly AnyTimelineEvent[], pinned: Record<string, true>, cache: RowCache, late: LateEvents = noLateEvents): Row[] {
	const shown = events.filter(e => e.type !== 'command.output' && e.type !== 'event.pinned');
	const folds = new Map<string, {first: AnyTimelineEvent; newest: AnyTimelineEvent; count: number}>();
	for (const event of shown) {
		const key = foldKey(event);
		if (key === undefined) continue;
		const fold = folds.get(key);
		if (fold) {
			fold.newest = event;
			fold.count++;
		} else {
			folds.set(key, {first: event, newest: event, count: 1});
		}
	}
	const rows: Row[] = [];
	for (const event of shown) {
		const fold = folds.get(foldKey(event) ?? '');
		if (!fold || fold.count === 1) rows.push(timelineRow(event, Boolean(pinned[event.id]), late[event.id], cache));
		else if (fold.newest === event && event.type === 'signal') rows.push(foldedRow(event, fold.first, fold.count, Boolean(pinned[event.id])));
	}
	return rows;
}

/** How many events the Timeline pane stands for (a folded row counts each of its events). */
export function shownEventCount(events: readonly AnyTimelineEvent[]): number {
	return events.reduce((count, e) => (e.type === 'command.output' || e.type === 'event.pinned' ? count : count + 1), 0);
}

/** Timeline rows, oldest first; rebuilt when the events, the pins or the late marks change. */
export function timelineRows(state: IncidentState, cache: RowCache): readonly Row[] {
	return cache.memo(buildTimelineRows)(state.timeline, state.incident.pinned, cache, state.sync?.late ?? noLateEvents);
}
