import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {syncSchema} from '../../source/config/schema.js';
import {listSharedIncidents, mergeIncidentLists, pullIncidentIfAbsent} from '../../source/sync/incidents.js';
import {readLedger} from '../../source/sync/ledger.js';
import {formatIncidentList, listIncidents} from '../../source/timeline/incidents.js';
import {readJournal} from '../../source/timeline/journal.js';
import {createRedactor} from '../../source/timeline/redact.js';
import {journalPath} from '../../source/timeline/state-dir.js';
import {closedPort} from '../clients/local-server.js';
import {postgresForSuite, requirePostgres} from '../support/postgres.js';
import {Hosts} from '../support/sync-hosts.js';
import {waitFor} from '../support/wait.js';

/**
 * Joining: the shared incidents listed beside this host's (`incident-tui incidents`), and an incident
 * this host never saw pulled from the database into a new journal (`incident-tui --incident ID`).
 */

const bin = requirePostgres('joining shared incidents');
const redact = createRedactor();

describe.skipIf(!bin)('joining a shared incident', {timeout: 60_000}, () => {
	const postgres = postgresForSuite(bin!);
	const hosts = new Hosts();
	const dirs: string[] = [];
	let url = '';

	afterEach(async () => {
		await hosts.cleanup();
		for (const dir of dirs.splice(0)) await rm(dir, {recursive: true, force: true});
	});
	async function freshDatabase(): Promise<string> {
		url = await postgres.server.createDatabase();
		return url;
	}
	async function emptyStateDir(): Promise<string> {
		const dir = await mkdtemp(path.join(tmpdir(), 'sync-join-'));
		dirs.push(dir);
		return dir;
	}

	it('lists the database\'s incidents with their latest severity and status, and none before the tables exist', async () => {
		await freshDatabase();
		const sync = syncSchema.parse({postgres: url});
		expect(await listSharedIncidents(sync, {redact})).toEqual([]);
		const alice = await hosts.open('alice', {incidentId: 'inc-20261122-0304-shr1', postgres: url});
		await alice.journal.append('incident.opened', {title: 'Checkout 5xx', severity: 'SEV3'});
		await alice.journal.append('severity.changed', {from: 'SEV3', to: 'SEV1'});
		await alice.journal.append('status.changed', {from: 'investigating', to: 'identified'});
		await waitFor(() => alice.status()?.state === 'online' && alice.status()!.waiting === 0, {timeoutMs: 20_000, message: 'alice pushed'});
		const events = (await alice.events()).length;
		const listed = await listSharedIncidents(sync, {redact});
		expect(listed).toEqual([
			expect.objectContaining({id: 'inc-20261122-0304-shr1', title: 'Checkout 5xx', severity: 'SEV1', status: 'identified', openedBy: 'alice@host-alice', events, closed: false}),
		]);
	});

	it('marks where each incident is: here, shared, or both; the copy with more events says its state', () => {
		const base = {openedAt: '2026-11-22T03:04:05.000Z', lastEventAt: '2026-11-22T03:04:05.000Z', path: '/x', closed: false, warnings: []};
		const local = [
			{...base, id: 'inc-20261122-0304-both', title: 'Both', severity: 'SEV3' as const, status: 'investigating' as const, events: 2},
			{...base, id: 'inc-20261121-0900-here', title: 'Only here', severity: 'SEV4' as const, status: 'resolved' as const, events: 5, openedAt: '2026-11-21T09:00:00.000Z'},
		];
		const shared = [
			{id: 'inc-20261122-0304-both', title: 'Both', severity: 'SEV1' as const, status: 'mitigated' as const, openedAt: base.openedAt, openedBy: 'bob@b', lastEventAt: '2026-11-22T03:30:00.000Z', events: 9, closed: false},
			{id: 'inc-20261123-1000-away', title: 'Only shared', severity: 'SEV2' as const, status: 'investigating' as const, openedAt: '2026-11-23T10:00:00.000Z', openedBy: 'carol@c', lastEventAt: '2026-11-23T10:00:00.000Z', events: 1, closed: false},
		];
		const merged = mergeIncidentLists(local, shared);
		expect(merged.map(entry => [entry.id, entry.where, entry.severity, entry.events])).toEqual([
			['inc-20261123-1000-away', 'shared', 'SEV2', 1],
			['inc-20261122-0304-both', 'here+shared', 'SEV1', 9],
			['inc-20261121-0900-here', 'here', 'SEV4', 5],
		]);
		const lines = formatIncidentList(merged).trimEnd().split('\n');
		expect(lines[0]).toMatch(/^ID\s+SEV\s+STATUS\s+OPENED \(UTC\)\s+LAST EVENT \(UTC\)\s+EVENTS\s+WHERE\s+TITLE$/);
		expect(lines[1]).toMatch(/^inc-20261123-1000-away\s+SEV2\s+investigating\s.*\s1\s+shared\s+Only shared$/);
		// Without sync the list is as it was: no WHERE column.
		expect(formatIncidentList(local)).not.toContain('WHERE');
	});

	it('pulls an incident this host never saw into a new journal, once; an unknown one is no error', async () => {
		await freshDatabase();
		const incidentId = 'inc-20261122-0304-pul1';
		const alice = await hosts.open('alice', {incidentId, postgres: url});
		await alice.journal.append('incident.opened', {title: 'Queue backlog', severity: 'SEV2'});
		// Past sequence number 10, pulled four at a time.
		for (let n = 0; n < 14; n++) await alice.note(`note ${n}`);
		await waitFor(() => alice.status()?.state === 'online' && alice.status()!.waiting === 0, {timeoutMs: 20_000, message: 'alice pushed'});
		const sync = syncSchema.parse({postgres: url});
		const stateDir = await emptyStateDir();
		const pulled = await pullIncidentIfAbsent({sync, stateDir, incidentId, redact, batchSize: 4});
		const theirs = await alice.events();
		expect(pulled).toBe(theirs.length);
		const file = journalPath(stateDir, incidentId);
		const ours = (await readJournal(file)).events;
		expect(ours.map(e => e.id).sort()).toEqual(theirs.map(e => e.id).sort());
		// The ledger knows them as pulled: the cockpit's worker will not push them back or pull them again.
		const ledger = await readLedger(file);
		expect(theirs.every(e => ledger.facts.has(e.id))).toBe(true);
		// The journal is there now: a second open pulls nothing.
		expect(await pullIncidentIfAbsent({sync, stateDir, incidentId, redact})).toBe(0);
		// The local list shows it, from the pulled journal.
		expect((await listIncidents(stateDir)).map(entry => [entry.id, entry.title])).toEqual([[incidentId, 'Queue backlog']]);
		expect(await pullIncidentIfAbsent({sync, stateDir: await emptyStateDir(), incidentId: 'inc-20261122-0304-none', redact})).toBe(0);
	});

	it('refuses to open an incident it cannot pull while the database does not answer, and says what to do', async () => {
		const port = await closedPort();
		const sync = syncSchema.parse({postgres: `postgres://app:pw-Secret-9@127.0.0.1:${port}/incidents`, timeoutMs: 2000});
		const stateDir = await emptyStateDir();
		const failing = pullIncidentIfAbsent({sync, stateDir, incidentId: 'inc-20261122-0304-gone', redact});
		await expect(failing).rejects.toThrow(/cannot open incident inc-20261122-0304-gone: this host has no journal of it, and the shared database did not answer .*postgres:\/\/app@127\.0\.0\.1:\d+\/incidents.*leave out --incident/);
		await expect(failing).rejects.not.toThrow(/pw-Secret-9/);
	});
});
