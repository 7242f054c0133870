import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import {formatIncidentList, listIncidents} from '../../source/timeline/incidents.js';
import {openJournal} from '../../source/timeline/journal.js';
import {createRedactor} from '../../source/timeline/redact.js';
import {journalPath} from '../../source/timeline/state-dir.js';

let dir: string;
beforeEach(async () => {
	dir = await mkdtemp(path.join(os.tmpdir(), 'incidents-'));
});
afterEach(async () => {
	await rm(dir, {recursive: true, force: true});
});

async function incident(id: string, at: string[], build: (append: Awaited<ReturnType<typeof openJournal>>['append']) => Promise<void>): Promise<void> {
	let index = 0;
	const journal = await openJournal({path: journalPath(dir, id), author: 'alice@b', redact: createRedactor(), now: () => new Date(at[Math.min(index++, at.length - 1)]!)});
	await build(journal.append);
	await journal.close();
}

describe('listIncidents', () => {
	it('returns an empty list when nothing was recorded yet', async () => {
		expect(await listIncidents(dir)).toEqual([]);
		expect(formatIncidentList([])).toMatch(/^No incidents yet/);
	});

	it('replays each journal and lists the newest first', async () => {
		await incident('inc-20261120-1000-aaaa', ['2026-11-20T10:00:00Z', '2026-11-20T10:30:00Z', '2026-11-20T11:00:00Z'], async append => {
			await append('incident.opened', {title: 'Old outage', severity: 'SEV3'});
			await append('status.changed', {from: 'investigating', to: 'resolved'});
			await append('incident.closed', {});
		});
		await incident('inc-20261122-0304-bbbb', ['2026-11-22T03:04:00Z', '2026-11-22T03:10:00Z'], async append => {
			await append('incident.opened', {title: 'Checkout 5xx', severity: 'SEV2'});
			await append('severity.changed', {from: 'SEV2', to: 'SEV1'});
		});
		await writeFile(path.join(dir, 'incidents', 'notes.txt'), 'not a journal');
		const list = await listIncidents(dir);
		expect(list.map(({path: _p, ...rest}) => rest)).toEqual([
			{id: 'inc-20261122-0304-bbbb', title: 'Checkout 5xx', severity: 'SEV1', status: 'investigating', openedAt: '2026-11-22T03:04:00.000Z', lastEventAt: '2026-11-22T03:10:00.000Z', events: 2, closed: false, warnings: []},
			{id: 'inc-20261120-1000-aaaa', title: 'Old outage', severity: 'SEV3', status: 'resolved', openedAt: '2026-11-20T10:00:00.000Z', lastEventAt: '2026-11-20T11:00:00.000Z', events: 3, closed: true, warnings: []},
		]);
		expect(list[0]!.path).toBe(journalPath(dir, 'inc-20261122-0304-bbbb'));
		expect(formatIncidentList(list)).toBe(
			[
				'ID                      SEV   STATUS             OPENED (UTC)      LAST EVENT (UTC)  EVENTS  TITLE',
				'inc-20261122-0304-bbbb  SEV1  investigating      2026-11-22 03:04  2026-11-22 03:10       2  Checkout 5xx',
				'inc-20261120-1000-aaaa  SEV3  resolved (closed)  2026-11-20 10:00  2026-11-20 11:00       3  Old outage',
				'',
			].join('\n'),
		);
	});

	it('lists a journal with a torn line, saying lines were skipped', async () => {
		await mkdir(path.join(dir, 'incidents'), {recursive: true});
		const opened = JSON.stringify({v: 1, id: 'a', at: '2026-11-21T08:00:00.000Z', by: 'x@y', type: 'incident.opened', data: {title: 'Torn', severity: 'SEV4'}});
		await writeFile(journalPath(dir, 'inc-torn'), `${opened}\n{"v":1,"id":"b","at":"2026`);
		const [entry] = await listIncidents(dir);
		expect(entry).toMatchObject({id: 'inc-torn', title: 'Torn', severity: 'SEV4', events: 1});
		expect(entry!.warnings).toHaveLength(1);
		expect(formatIncidentList([entry!])).toContain('Torn [1 damaged line skipped]');
	});
});
