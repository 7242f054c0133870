import {describe, expect, it} from 'vitest';
import {actionRefusal, replayRoles, roleOf, roleRequest} from '../../source/sync/roles.js';
import type {AnyTimelineEvent, EventData} from '../../source/timeline/events.js';

let n = 0;
function assigned(by: string, at: string, data: EventData['role.assigned']): AnyTimelineEvent {
	return {v: 1, id: `r${++n}`, at, by, type: 'role.assigned', data};
}

describe('roles', () => {
	it('everyone is a responder until a role is set; an observer may not act', () => {
		const state = replayRoles([assigned('bob@b', '2026-11-22T03:00:00.000Z', {user: 'bob@b', role: 'observer', previous: 'responder'})]);
		expect(roleOf(state, 'alice@a')).toBe('responder');
		expect(roleOf(state, 'bob@b')).toBe('observer');
		expect(actionRefusal(state, 'bob@b')).toMatch(/observer.*read-only/);
		expect(actionRefusal(state, 'alice@a')).toBeNull();
	});

	it('taking the commander role from someone who has it asks first and records the hand-over', () => {
		const first = assigned('alice@a', '2026-11-22T03:00:00.000Z', {user: 'alice@a', role: 'commander', previous: 'responder'});
		const state = replayRoles([first]);
		expect(state.commander).toBe('alice@a');
		const request = roleRequest(state, 'bob@b', 'commander');
		expect(request?.confirm).toMatch(/^alice@a is the incident commander \(since 03:00:00 UTC\)\. Take over as commander\?/);
		expect(request?.data).toEqual({user: 'bob@b', role: 'commander', previous: 'responder', handover: {from: 'alice@a'}});
		const after = replayRoles([first, assigned('bob@b', '2026-11-22T03:05:00.000Z', request!.data)]);
		expect(after.commander).toBe('bob@b');
		expect(roleOf(after, 'alice@a')).toBe('responder');
		expect(after.handovers).toEqual([{from: 'alice@a', to: 'bob@b', at: '2026-11-22T03:05:00.000Z', eventId: expect.any(String)}]);
		expect(after.conflicts).toEqual([]);
		// Nobody to take it from: no question.
		expect(roleRequest(replayRoles([]), 'bob@b', 'commander')).toEqual({data: {user: 'bob@b', role: 'commander', previous: 'responder'}});
		// Already one's role: nothing to do.
		expect(roleRequest(after, 'bob@b', 'commander')).toBeNull();
	});

	it('two taking the commander role at once, each unaware of the other, is a conflict on record, not a silent overwrite', () => {
		const start = assigned('alice@a', '2026-11-22T03:00:00.000Z', {user: 'alice@a', role: 'commander'});
		// Bob and carol both saw alice as commander, and took over within the same seconds.
		const bob = assigned('bob@b', '2026-11-22T03:05:00.000Z', {user: 'bob@b', role: 'commander', handover: {from: 'alice@a'}});
		const carol = assigned('carol@c', '2026-11-22T03:05:01.000Z', {user: 'carol@c', role: 'commander', handover: {from: 'alice@a'}});
		const state = replayRoles([start, bob, carol]);
		expect(state.commander).toBe('carol@c');
		expect(roleOf(state, 'bob@b')).toBe('responder');
		expect(state.conflicts).toEqual([{eventId: carol.id, user: 'carol@c', believedFrom: 'alice@a', actualHolder: 'bob@b', at: '2026-11-22T03:05:01.000Z'}]);
	});
});
