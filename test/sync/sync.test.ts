import {afterEach, describe, expect, it} from 'vitest';
import {openDb} from '../../source/sync/db.js';
import {resolveSyncConnection} from '../../source/sync/connection.js';
import {syncSchema} from '../../source/config/schema.js';
import {lateness} from '../../source/sync/order.js';
import {readLedger} from '../../source/sync/ledger.js';
import {createRedactor} from '../../source/timeline/redact.js';
import {journalPath} from '../../source/timeline/state-dir.js';
import {postgresForSuite, requirePostgres} from '../support/postgres.js';
import {Hosts, missingFrom} from '../support/sync-hosts.js';
import {waitFor} from '../support/wait.js';

/**
 * The sync against a real PostgreSQL: the tables made on first use, two hosts converging, others'
 * events arriving by NOTIFY, idempotent pushes, the grants a user needs after the migration, secrets
 * masked before an event leaves the host, and late events.
 */

const bin = requirePostgres('sync against a real PostgreSQL');
const incidentId = 'inc-20261122-0304-sync';

describe.skipIf(!bin)('sync through a real PostgreSQL', {timeout: 60_000}, () => {
	const postgres = postgresForSuite(bin!);
	const hosts = new Hosts();
	/** A fresh database per test, so tests do not see each other's incidents. */
	let url = '';

	afterEach(async () => {
		await hosts.cleanup();
	});
	async function freshDatabase(): Promise<string> {
		url = await postgres.server.createDatabase();
		return url;
	}

	it('creates the tables on first use, and two hosts converge to the same events', async () => {
		await freshDatabase();
		const alice = await hosts.open('alice', {incidentId, postgres: url});
		const opened = await alice.journal.append('incident.opened', {title: 'Checkout 5xx', severity: 'SEV2'});
		const bob = await hosts.open('bob', {incidentId, postgres: url});
		const fromAlice = await alice.note('looking at the pods');
		const fromBob = await bob.note('errors began at 03:02');
		await waitFor(async () => (await bob.ids()).has(fromAlice.id) && (await alice.ids()).has(fromBob.id) && (await bob.ids()).has(opened.id), {timeoutMs: 20_000, message: 'both notes on both hosts'});
		await waitFor(() => alice.status()?.waiting === 0 && bob.status()?.waiting === 0, {timeoutMs: 20_000, message: 'nothing waiting'});
		const [a, b] = [await alice.ids(), await bob.ids()];
		expect(missingFrom(a, b)).toEqual([]);
		expect(missingFrom(b, a)).toEqual([]);
		expect(alice.status()).toMatchObject({state: 'online', database: expect.stringMatching(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/d\d+$/)});
		const tables = await postgres.server.psql(`SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'`, url);
		expect(tables.trim()).toBe('incident_events,incidents');
		const row = await postgres.server.psql(`SELECT title || '|' || severity || '|' || opened_by FROM incidents WHERE id = '${incidentId}'`, url);
		expect(row.trim()).toBe('Checkout 5xx|SEV2|alice@host-alice');
		// Each event once on the server, with its author's host and its JSON queryable.
		const counts = await postgres.server.psql(`SELECT count(*) || '|' || count(DISTINCT event_id) || '|' || count(*) FILTER (WHERE host = 'host-bob' AND event->'data'->>'text' = 'errors began at 03:02') FROM incident_events`, url);
		const [total, distinct, bobs] = counts.trim().split('|').map(Number);
		expect(total).toBe(distinct);
		expect(total).toBe(a.size);
		expect(bobs).toBe(1);
		// Presence: both joined and are present.
		await waitFor(() => alice.status()!.present.filter(p => p.present).length === 2, {timeoutMs: 10_000, message: 'alice sees two present'});
		expect(alice.status()!.present.map(p => p.user).sort()).toEqual(['alice@host-alice', 'bob@host-bob']);
	});

	it("brings others' events by NOTIFY, not by the poll", async () => {
		await freshDatabase();
		// A poll once a minute: an event that arrives within the test came by notification.
		const alice = await hosts.open('alice', {incidentId, postgres: url, pollMs: 60_000});
		const bob = await hosts.open('bob', {incidentId, postgres: url, pollMs: 60_000});
		await waitFor(() => alice.status()?.state === 'online' && bob.status()?.state === 'online' && alice.status()!.waiting === 0 && bob.status()!.waiting === 0, {timeoutMs: 20_000, message: 'both online'});
		// Past the first round of each: now only a notification wakes them.
		const note = await alice.note('live');
		await waitFor(async () => (await bob.ids()).has(note.id), {timeoutMs: 20_000, message: "alice's note on bob's host"});
	});

	it('pulls every event however many batches it takes, past 9, 99, 999 (the server numbers them)', async () => {
		await freshDatabase();
		const alice = await hosts.open('alice', {incidentId, postgres: url, timing: {batchSize: 7}});
		const written = [];
		for (let n = 0; n < 120; n++) written.push(await alice.note(`note ${n}`));
		await waitFor(() => alice.status()?.state === 'online' && alice.status()!.waiting === 0, {timeoutMs: 30_000, message: 'alice pushed'});
		// Bob pulls them seven at a time, from sequence numbers 1 to past 100.
		const bob = await hosts.open('bob', {incidentId, postgres: url, timing: {batchSize: 7}});
		await waitFor(() => bob.status()?.state === 'online' && bob.status()!.lastSyncAt !== undefined, {timeoutMs: 30_000, message: 'bob did a round'});
		expect(missingFrom(new Set(written.map(e => e.id)), await bob.ids())).toEqual([]);
	});

	it('stores an event once however often it is pushed (a ledger lost, a worker restarted)', async () => {
		await freshDatabase();
		const alice = await hosts.open('alice', {incidentId, postgres: url});
		for (let n = 0; n < 20; n++) await alice.note(`note ${n}`);
		await waitFor(() => alice.status()?.state === 'online' && alice.status()!.waiting === 0, {timeoutMs: 20_000, message: 'pushed'});
		const stateDir = alice.stateDir;
		await alice.stop();
		// The ledger goes: the restarted worker believes nothing was pushed.
		const {rm} = await import('node:fs/promises');
		await rm((await readLedger(journalPath(stateDir, incidentId))).file);
		const again = await hosts.open('alice', {incidentId, postgres: url, stateDir});
		await waitFor(() => again.status()?.state === 'online' && again.status()!.waiting === 0, {timeoutMs: 20_000, message: 'pushed again'});
		const local = await again.ids();
		const rows = await postgres.server.psql(`SELECT count(*) || '|' || count(DISTINCT event_id) FROM incident_events`, url);
		expect(rows.trim()).toBe(`${local.size}|${local.size}`);
		// The ledger knows the server's facts again.
		const ledger = await readLedger(journalPath(stateDir, incidentId));
		expect(missingFrom(local, new Set(ledger.facts.keys()))).toEqual([]);
	});

	it('works for a user with only INSERT and SELECT on the two tables once the owner migrated; before, it says what to do', async () => {
		await freshDatabase();
		await postgres.server.psql("CREATE ROLE responder LOGIN PASSWORD 'resp-pw-1'", url);
		const restricted = url.replace('postgres@', 'responder:resp-pw-1@');
		// Before the migration: the restricted user cannot create the tables, and is told why and what to do.
		const early = await hosts.open('early', {incidentId, postgres: restricted});
		await waitFor(() => early.status()?.state === 'offline', {timeoutMs: 20_000, message: 'offline for lack of CREATE'});
		expect(early.status()!.lastError).toMatch(/cannot create the shared tables/);
		expect(early.status()!.lastError).toMatch(/INSERT and SELECT on incidents and incident_events/);
		expect(early.status()!.lastError).not.toContain('resp-pw-1');
		await early.stop();
		// The owner's cockpit migrates; then the README's grants.
		const owner = await hosts.open('owner', {incidentId, postgres: url});
		await owner.journal.append('incident.opened', {title: 'Disk full', severity: 'SEV3'});
		await waitFor(() => owner.status()?.state === 'online' && owner.status()!.waiting === 0, {timeoutMs: 20_000, message: 'owner online'});
		await postgres.server.psql('GRANT SELECT, INSERT ON incidents, incident_events TO responder', url);
		const carol = await hosts.open('carol', {incidentId, postgres: restricted});
		const note = await carol.note('from a restricted user');
		await waitFor(async () => (await owner.ids()).has(note.id), {timeoutMs: 20_000, message: "carol's note reached the owner"});
		const fromOwner = await owner.note('seen');
		await waitFor(async () => (await carol.ids()).has(fromOwner.id), {timeoutMs: 20_000, message: "the owner's note reached carol"});
		// Nothing more than the two grants: no UPDATE or DELETE, no other table.
		const grants = await postgres.server.psql("SELECT string_agg(table_name || ':' || privilege_type, ',' ORDER BY table_name, privilege_type) FROM information_schema.role_table_grants WHERE grantee = 'responder'", url);
		expect(grants.trim()).toBe('incident_events:INSERT,incident_events:SELECT,incidents:INSERT,incidents:SELECT');
	});

	it('masks secrets with its redactor before an event leaves the host', async () => {
		await freshDatabase();
		// The journal was written by a cockpit that did not know the session cookie's pattern; the sync knows it.
		const {appendFile, mkdir} = await import('node:fs/promises');
		const alice = await hosts.open('alice', {incidentId, postgres: url, redact: createRedactor(['session=([A-Za-z0-9]+)']), sync: false});
		const file = alice.journal.path;
		await mkdir((await import('node:path')).dirname(file), {recursive: true});
		await appendFile(file, `${JSON.stringify({v: 1, id: 'plain1secret', at: new Date().toISOString(), by: 'alice@host-alice', type: 'note.added', data: {text: 'curl -H "Cookie: x" /?session=abc123XYZ and password=hunter2'}})}\n`);
		await alice.stop();
		const again = await hosts.open('alice', {incidentId, postgres: url, redact: createRedactor(['session=([A-Za-z0-9]+)']), stateDir: alice.stateDir});
		await waitFor(() => again.status()?.state === 'online' && again.status()!.waiting === 0, {timeoutMs: 20_000, message: 'pushed'});
		const stored = await postgres.server.psql("SELECT event_text || '|' || (event->'data'->>'text') FROM incident_events WHERE event_id = 'plain1secret'", url);
		expect(stored).toContain('session=[REDACTED]');
		expect(stored).not.toContain('abc123XYZ');
		expect(stored).not.toContain('hunter2');
	});

	it('marks the events of a host that wrote while away as late, with the time they reached the others', async () => {
		await freshDatabase();
		// Alice's clock says she wrote these two minutes ago (as an offline host's events, pushed on its return).
		const alice = await hosts.open('alice', {incidentId, postgres: url, now: () => new Date(Date.now() - 120_000)});
		const bob = await hosts.open('bob', {incidentId, postgres: url});
		const old = await alice.note('written while the VPN was down');
		const fresh = await bob.note('written now');
		await waitFor(async () => (await bob.ids()).has(old.id) && (await alice.ids()).has(fresh.id), {timeoutMs: 20_000, message: 'both notes on both hosts'});
		await waitFor(async () => (await readLedger(bob.journal.path)).facts.has(fresh.id), {timeoutMs: 20_000, message: "bob's ledger knows his own note"});
		const facts = (await readLedger(bob.journal.path)).facts;
		const late = lateness(old, facts);
		expect(late).toBeDefined();
		expect(late!.afterMs).toBeGreaterThan(100_000);
		expect(late!.reachedAt).toBe(facts.get(old.id)!.receivedAt);
		expect(lateness(fresh, facts)).toBeUndefined();
		// Both hosts put the late note at its own time: before bob's, though it arrived after.
		const ordered = (await bob.ordered()).map(e => e.id);
		expect(ordered.indexOf(old.id)).toBeLessThan(ordered.indexOf(fresh.id));
		expect((await alice.ordered()).map(e => e.id)).toEqual(ordered);
	});

	it('never shows the password: not in the status, the errors or the database label', async () => {
		await freshDatabase();
		const secret = 'pw-Zq81-never-shown';
		await postgres.server.psql(`CREATE ROLE shy LOGIN PASSWORD 'x'`, url);
		// trust authentication lets any password in: a wrong database name makes the error instead.
		const wrong = url.replace('postgres@', `shy:${secret}@`).replace(/\/d\d+$/, '/no_such_db');
		const connection = await resolveSyncConnection(syncSchema.parse({postgres: wrong}), {redact: createRedactor()});
		expect(connection.label).not.toContain(secret);
		const host = await hosts.open('shy', {incidentId, postgres: wrong});
		await waitFor(() => host.status()?.state === 'offline' && host.status()!.lastError, {timeoutMs: 20_000, message: 'offline'});
		const said = JSON.stringify(host.statuses);
		expect(said).toMatch(/no_such_db/);
		expect(said).not.toContain(secret);
		expect(said).not.toContain('Zq81');
		// And the connection is real: with the right database it works.
		const db = await openDb(await resolveSyncConnection(syncSchema.parse({postgres: url.replace('postgres@', `shy:${secret}@`)})));
		expect(await db.query<{one: number}>('SELECT 1 AS one')).toEqual([{one: 1}]);
		await db.close();
	});
});
