import {describe, expect, it} from 'vitest';
import type {ServerFacts} from '../../source/sync/ledger.js';
import {lateness, orderEvents} from '../../source/sync/order.js';
import type {AnyTimelineEvent} from '../../source/timeline/events.js';

function note(id: string, at: string, by = 'alice@a'): AnyTimelineEvent {
	return {v: 1, id, at, by, type: 'note.added', data: {text: id}};
}

describe('orderEvents: one order for every host', () => {
	const t = '2026-11-22T03:04:05.000Z';
	it('orders by event time, then the server sequence, whatever order the journal holds them in', () => {
		const a = note('a', t);
		const b = note('b', t, 'bob@b');
		const c = note('c', '2026-11-22T03:04:04.000Z');
		const facts = new Map<string, ServerFacts>([
			['a', {seq: 7, receivedAt: t}],
			['b', {seq: 3, receivedAt: t}],
			['c', {seq: 9, receivedAt: t}],
		]);
		const one = orderEvents([a, b, c], facts).map(e => e.id);
		const other = orderEvents([c, b, a], facts).map(e => e.id);
		expect(one).toEqual(['c', 'b', 'a']);
		expect(other).toEqual(one);
	});

	it('puts an event not on the server yet after those of the same time that are, and keeps a duplicate once', () => {
		const facts = new Map<string, ServerFacts>([['z', {seq: 1, receivedAt: t}]]);
		expect(orderEvents([note('a', t), note('z', t), note('a', t)], facts).map(e => e.id)).toEqual(['z', 'a']);
	});

	it('tells a late event by when it reached the server', () => {
		const facts = new Map<string, ServerFacts>([
			['late', {seq: 1, receivedAt: '2026-11-22T03:05:05.000Z'}],
			['prompt', {seq: 2, receivedAt: '2026-11-22T03:04:06.000Z'}],
		]);
		expect(lateness(note('late', t), facts)).toEqual({reachedAt: '2026-11-22T03:05:05.000Z', afterMs: 60_000});
		expect(lateness(note('prompt', t), facts)).toBeUndefined();
		expect(lateness(note('unsent', t), facts)).toBeUndefined();
	});
});
