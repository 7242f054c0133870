import {describe, expect, it} from 'vitest';
import {syncSummary, type SyncStatus} from '../../source/sync/status.js';

const base: SyncStatus = {state: 'online', since: '2026-11-22T03:00:00.000Z', database: 'postgres://app@db:5432/incidents', waiting: 0, refused: 0, present: []};

describe('syncSummary: the header words', () => {
	it('says offline and how many events wait', () => {
		expect(syncSummary({...base, state: 'offline', waiting: 12})).toEqual({text: 'sync: offline, 12 events waiting', tone: 'warn'});
		expect(syncSummary({...base, state: 'offline', waiting: 1})).toEqual({text: 'sync: offline, 1 event waiting', tone: 'warn'});
	});
	it('says online, with who else is present', () => {
		expect(syncSummary(base)).toEqual({text: 'sync: online', tone: 'ok'});
		const present = [
			{user: 'a@a', lastSeen: base.since, present: true},
			{user: 'b@b', lastSeen: base.since, present: true},
			{user: 'c@c', lastSeen: base.since, present: false, why: 'left' as const},
		];
		expect(syncSummary({...base, present}).text).toBe('sync: online · 2 present');
	});
	it('says connecting, and standby when another cockpit on the host syncs', () => {
		expect(syncSummary({...base, state: 'connecting', waiting: 3}).text).toBe('sync: connecting, 3 events waiting');
		expect(syncSummary({...base, state: 'standby', syncedByPid: 4242}).text).toBe('sync: by another cockpit on this host (pid 4242)');
	});
});
