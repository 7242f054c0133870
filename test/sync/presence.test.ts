import {describe, expect, it} from 'vitest';
import {replayPresence, whoIsPresent} from '../../source/sync/presence.js';
import type {AnyTimelineEvent} from '../../source/timeline/events.js';

let n = 0;
function event(type: 'presence.joined' | 'presence.seen' | 'presence.left' | 'note.added', by: string, at: string): AnyTimelineEvent {
	const data = type === 'note.added' ? {text: 'x'} : {};
	return {v: 1, id: `e${++n}`, at, by, type, data} as AnyTimelineEvent;
}

describe('presence: who is in the incident now', () => {
	const now = Date.parse('2026-11-22T03:10:00.000Z');
	it('is present after joining, while seen recently; not after leaving, nor when silent past the timeout', () => {
		const state = replayPresence([
			event('presence.joined', 'alice@a', '2026-11-22T03:00:00.000Z'),
			event('presence.joined', 'bob@b', '2026-11-22T03:01:00.000Z'),
			event('presence.joined', 'carol@c', '2026-11-22T03:01:00.000Z'),
			event('note.added', 'alice@a', '2026-11-22T03:09:30.000Z'),
			event('presence.seen', 'bob@b', '2026-11-22T03:09:00.000Z'),
			event('presence.left', 'carol@c', '2026-11-22T03:02:00.000Z'),
			event('presence.joined', 'dave@d', '2026-11-22T03:00:00.000Z'),
			// A journal from before presence: someone who wrote but never joined.
			event('note.added', 'eve@e', '2026-11-22T03:09:00.000Z'),
		]);
		expect(whoIsPresent(state, now, 180_000)).toEqual([
			{user: 'alice@a', lastSeen: '2026-11-22T03:09:30.000Z', present: true},
			{user: 'bob@b', lastSeen: '2026-11-22T03:09:00.000Z', present: true},
			{user: 'carol@c', lastSeen: '2026-11-22T03:02:00.000Z', present: false, why: 'left'},
			{user: 'dave@d', lastSeen: '2026-11-22T03:00:00.000Z', present: false, why: 'silent'},
			{user: 'eve@e', lastSeen: '2026-11-22T03:09:00.000Z', present: false, why: 'never joined'},
		]);
	});

	it('rejoining after leaving is presence again; a late, older leave does not undo a newer join', () => {
		const state = replayPresence([
			event('presence.joined', 'alice@a', '2026-11-22T03:00:00.000Z'),
			event('presence.left', 'alice@a', '2026-11-22T03:05:00.000Z'),
			event('presence.joined', 'alice@a', '2026-11-22T03:08:00.000Z'),
			// Arrives last (an offline host's), happened before the rejoin.
			event('presence.left', 'alice@a', '2026-11-22T03:06:00.000Z'),
		]);
		expect(whoIsPresent(state, now)[0]).toMatchObject({user: 'alice@a', present: true});
	});
});
