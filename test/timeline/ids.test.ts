import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {author, newEventId, newIncidentId} from '../../source/timeline/ids.js';
import {isValidIncidentId, journalPath, stateDir} from '../../source/timeline/state-dir.js';

describe('ids', () => {
	it('makes readable, sortable incident ids', () => {
		const id = newIncidentId(new Date('2026-11-22T03:04:05Z'));
		expect(id).toMatch(/^inc-20261122-0304-[0-9a-hjkmnp-tv-z]{4}$/);
		expect(newIncidentId(new Date('2026-11-22T03:05:00Z')) > id).toBe(true);
		expect(isValidIncidentId(id)).toBe(true);
	});
	it('does not repeat ids', () => {
		const incidents = new Set(Array.from({length: 200}, () => newIncidentId(new Date(0))));
		expect(incidents.size).toBeGreaterThan(195);
		const events = new Set(Array.from({length: 5000}, newEventId));
		expect(events.size).toBe(5000);
		expect(newEventId()).toMatch(/^[0-9a-z]{12}$/);
	});
	it('names the author user@host', () => {
		expect(author()).toMatch(/^[^@\s]+@[^@\s.]+$/);
	});
});

describe('state dir', () => {
	it('prefers an explicit directory, then XDG_STATE_HOME, then ~/.local/state', () => {
		expect(stateDir('/srv/state', {XDG_STATE_HOME: '/x'})).toBe('/srv/state');
		expect(stateDir(undefined, {XDG_STATE_HOME: '/x/state'})).toBe('/x/state/incident-tui');
		expect(stateDir(undefined, {XDG_STATE_HOME: 'relative', HOME: '/home/al'})).toBe('/home/al/.local/state/incident-tui');
		expect(stateDir(undefined, {HOME: '/home/al'})).toBe('/home/al/.local/state/incident-tui');
	});
	it('puts journals under incidents/ and refuses ids that would escape it', () => {
		expect(journalPath('/s', 'inc-20261122-0304-ab12')).toBe(path.join('/s', 'incidents', 'inc-20261122-0304-ab12.jsonl'));
		expect(() => journalPath('/s', '../etc/passwd')).toThrow(/invalid incident id '..\/etc\/passwd'/);
		expect(() => journalPath('/s', 'a/b')).toThrow(/invalid incident id/);
		expect(() => journalPath('/s', '')).toThrow(/invalid incident id/);
	});
});
