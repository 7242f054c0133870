/** Timeline: everything observed and done, newest at the bottom; p pins an event. */
import type {Kind, KindKey} from '../types.js';
import {eventDetails} from './details.js';
import {shownEventCount, timelineRows} from './rows.js';

const pinKey: KindKey = {
	id: 'pin',
	binding: {keys: ['p'], label: 'p', help: 'Pin or unpin the selected timeline event', short: 'pin'},
	run: (row, controller) => controller.togglePin(row.ref.key),
};

export const timelineKind: Kind = {
	id: 'timeline',
	title: 'Timeline',
	layout: {weight: 3, column: 'right', grows: true},
	rows: timelineRows,
	// The count is of the events the rows stand for (not of pins or command output; a folded row counts
	// each of its events); times are UTC, as in the export.
	summary: (state, _now, cache) => ({text: `${cache.memo(shownEventCount)(state.timeline)} events · UTC`, tone: 'muted'}),
	empty: state => (state.env.journalPath ? `journal: ${state.env.journalPath}` : 'no events yet'),
	// The newest event is at the bottom; an unfocused timeline follows it.
	followsEnd: true,
	details: eventDetails,
	keys: [pinKey],
};
