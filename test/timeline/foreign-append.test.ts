import {appendFile, mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {AnyTimelineEvent} from '../../source/timeline/events.js';
import {appendForeignEvents} from '../../source/timeline/foreign-append.js';
import {openJournal, readJournal} from '../../source/timeline/journal.js';
import {createRedactor} from '../../source/timeline/redact.js';
import {waitFor} from '../support/wait.js';

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(path.join(tmpdir(), 'foreign-'));
});
afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

const remote: AnyTimelineEvent = {v: 1, id: 'remote000001', at: '2026-11-22T03:04:05.678Z', by: 'bob@bastion-2', type: 'note.added', data: {text: 'from the other host'}};

describe('appendForeignEvents: another host\'s events into this host\'s journal', () => {
	it('appends them as they are (id, author, time), and a cockpit following the journal sees them', async () => {
		const file = path.join(dir, 'incidents', 'inc-1.jsonl');
		const journal = await openJournal({path: file, author: 'alice@bastion-1', redact: createRedactor()});
		await journal.append('incident.opened', {title: 'x', severity: 'SEV3'});
		await journal.read();
		const seen: AnyTimelineEvent[] = [];
		const stop = new AbortController();
		journal.follow(events => seen.push(...events), stop.signal, 200);
		const stored = await appendForeignEvents(file, [remote], createRedactor());
		expect(stored).toEqual([remote]);
		await waitFor(() => seen.length === 1, {message: 'the follower saw the foreign event'});
		expect(seen[0]).toEqual(remote);
		stop.abort();
		await journal.close();
		const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
		expect(lines[1]).toBe(JSON.stringify(remote));
	});

	it('starts on a line of its own after a torn last line, and masks secrets with this host\'s redactor', async () => {
		const file = path.join(dir, 'inc-2.jsonl');
		await appendFile(file, '{"v":1,"id":"torn');
		const secret = {...remote, id: 'remote000002', data: {text: 'DB_PASSWORD=hunter2 and ticket=T-77'}} as AnyTimelineEvent;
		await appendForeignEvents(file, [secret], createRedactor(['ticket=(T-\\d+)']));
		const {events, warnings} = await readJournal(file);
		expect(events.map(e => e.id)).toEqual(['remote000002']);
		expect(warnings).toHaveLength(1);
		expect((events[0]!.data as {text: string}).text).toBe('DB_PASSWORD=[REDACTED] and ticket=[REDACTED]');
	});

	it('refuses an event that is not a journal event', async () => {
		await expect(appendForeignEvents(path.join(dir, 'x.jsonl'), [{...remote, at: 'yesterday'} as AnyTimelineEvent], createRedactor())).rejects.toThrow(/invalid 'at' time/);
	});
});
