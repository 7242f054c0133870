import {describe, expect, it} from 'vitest';
import {recentConflictingActions} from '../../source/sync/conflicts.js';
import type {AnyTimelineEvent, EventData} from '../../source/timeline/events.js';

const target = {context: 'prod-eu', namespace: 'shop', object: 'deployment/checkout'};
let n = 0;
function action(type: 'action.requested' | 'action.confirmed' | 'action.succeeded', by: string, at: string, extra: Partial<EventData['action.requested']> = {}): AnyTimelineEvent {
	const data = {actionId: extra.actionId ?? `${by}-1`, kind: 'rollback', target, change: 'revision 3 -> 2', ...extra};
	return {v: 1, id: `x${++n}`, at, by, type, data: type === 'action.succeeded' ? {...data, durationMs: 900} : data} as AnyTimelineEvent;
}

describe('recentConflictingActions: "someone just did this"', () => {
	const now = Date.parse('2026-11-22T03:05:12.000Z');
	const request = {kind: 'rollback', target};
	it("names another responder's rollback of the same deployment seconds ago, once per action, latest step", () => {
		const timeline = [action('action.requested', 'bob@b', '2026-11-22T03:05:00.000Z'), action('action.confirmed', 'bob@b', '2026-11-22T03:05:02.000Z')];
		expect(recentConflictingActions(timeline, request, {me: 'alice@a', nowMs: now})).toEqual([
			{eventId: timeline[1]!.id, by: 'bob@b', at: '2026-11-22T03:05:02.000Z', type: 'action.confirmed', change: 'revision 3 -> 2', text: 'bob@b confirmed rollback deployment/checkout (revision 3 -> 2) 10 s ago'},
		]);
	});

	it("leaves out one's own, other objects, other kinds and what is older than the window", () => {
		const timeline = [
			action('action.confirmed', 'alice@a', '2026-11-22T03:05:00.000Z'),
			action('action.confirmed', 'bob@b', '2026-11-22T03:05:00.000Z', {target: {...target, object: 'deployment/cart'}}),
			action('action.confirmed', 'bob@b', '2026-11-22T03:05:00.000Z', {kind: 'scale', actionId: 'b2'}),
			action('action.succeeded', 'carol@c', '2026-11-22T02:50:00.000Z'),
		];
		expect(recentConflictingActions(timeline, request, {me: 'alice@a', nowMs: now})).toEqual([]);
		expect(recentConflictingActions(timeline, request, {me: 'alice@a', nowMs: now, windowMs: 3600_000}).map(c => c.by)).toEqual(['carol@c']);
	});
});
