import {describe, expect, it} from 'vitest';
import {buildTimelineRows} from '../../../source/kinds/timeline/rows.js';
import {RowCache} from '../../../source/store/memo.js';
import {otherOperators} from '../../../source/timeline/presence.js';
import type {AnyTimelineEvent} from '../../../source/timeline/events.js';
import {timelineEvent, timelineFixture} from '../../support/fixtures.js';

describe('timeline rows', () => {
	it('mark pinned events, unmark them again, and reuse rows built before', () => {
		const events = timelineFixture();
		const id = events[1]!.id;
		// The rows are kept per store: one cache, as one store has.
		const cache = new RowCache();
		const plain = buildTimelineRows(events, {}, cache);
		const pinned = buildTimelineRows(events, {[id]: true}, cache);
		expect(pinned[1]!.cells[0]!.text.startsWith('★')).toBe(true);
		expect(pinned[0]).toBe(plain[0]);
		const unpinned = buildTimelineRows(events, {}, cache);
		expect(unpinned[1]!.cells[0]!.text.startsWith('★')).toBe(false);
		expect(unpinned[1]).toBe(plain[1]);
	});
});

describe('otherOperators', () => {
	it('names the other authors of the last 15 minutes, most recent first, never me', () => {
		const now = Date.parse('2026-11-22T04:00:00Z');
		const by = (who: string, at: string): AnyTimelineEvent => ({...timelineEvent('note.added', {text: 'x'}, at), by: who}) as AnyTimelineEvent;
		const events = [
			by('carol@bastion-3', '2026-11-22T03:40:00.000Z'),
			by('bob@bastion-2', '2026-11-22T03:50:00.000Z'),
			by('dave@bastion-4', '2026-11-22T03:55:00.000Z'),
			by('alice@bastion-1', '2026-11-22T03:59:00.000Z'),
			by('bob@bastion-2', '2026-11-22T03:59:30.000Z'),
		];
		expect(otherOperators(events, 'alice@bastion-1', now)).toEqual(['bob@bastion-2', 'dave@bastion-4']);
		expect(otherOperators(events, 'alice@bastion-1', now + 60 * 60_000)).toEqual([]);
	});
});
