import {afterEach, describe, expect, it} from 'vitest';
import type {AnyTimelineEvent, AppendEvent} from '../../source/timeline/events.js';
import {exportPostmortem} from '../../source/timeline/export.js';
import {postgresForSuite, requirePostgres} from '../support/postgres.js';
import {Hosts, missingFrom, type Host} from '../support/sync-hosts.js';
import {startTcpProxy, type TcpProxy} from '../support/tcp-proxy.js';
import {waitFor} from '../support/wait.js';

/**
 * The sync when the link breaks, through a TCP proxy between a host's worker and a real PostgreSQL:
 * a connection cut in the middle of a push (before its transaction commits, and after), a stalled
 * link, a refused one, and one host cut off for a while as both keep writing notes and confirming
 * actions. After every fault both journals hold the same events, each stored once on the server, and
 * both post-mortems are the same byte for byte.
 */

const bin = requirePostgres('sync faults against a real PostgreSQL');
const incidentId = 'inc-20261122-0304-flt1';

/** One export stamp for both hosts' post-mortems. */
const exportedAt = new Date('2026-11-22T05:00:00.000Z');

function postmortems(events: AnyTimelineEvent[]): {md: string; json: string} {
	return {
		md: exportPostmortem(events, {format: 'md', incidentId, now: exportedAt}),
		json: exportPostmortem(events, {format: 'json', incidentId, now: exportedAt}),
	};
}

const target = {context: 'prod-eu', namespace: 'shop', object: 'deployment/checkout'};

/** A rollback as the cockpit journals it: requested, confirmed, succeeded. */
async function rollback(host: Host, n: number): Promise<AnyTimelineEvent[]> {
	const base = {actionId: `${host.name}-act-${n}`, kind: 'rollback', target, change: `revision ${n + 3} -> ${n + 2}`, kubectl: 'kubectl rollout undo deployment/checkout -n shop --context prod-eu'};
	return [
		(await host.journal.append('action.requested', base)) as AnyTimelineEvent,
		(await host.journal.append('action.confirmed', base)) as AnyTimelineEvent,
		(await host.journal.append('action.succeeded', {...base, durationMs: 1200, outcome: 'rolled back'})) as AnyTimelineEvent,
	];
}

describe.skipIf(!bin)('sync when the link to PostgreSQL breaks', {timeout: 120_000}, () => {
	const postgres = postgresForSuite(bin!);
	const hosts = new Hosts();
	const proxies: TcpProxy[] = [];
	let url = '';

	afterEach(async () => {
		await hosts.cleanup();
		for (const proxy of proxies.splice(0)) await proxy.close();
	});

	async function setUp(): Promise<{alice: Host; bob: Host; proxy: TcpProxy}> {
		url = await postgres.server.createDatabase();
		const proxy = await startTcpProxy({host: '127.0.0.1', port: postgres.server.port});
		proxies.push(proxy);
		// Alice reaches the database through the proxy; a statement unanswered for 1 s counts as a dead link.
		const alice = await hosts.open('alice', {incidentId, postgres: proxy.via(url), timeoutMs: 1000, pollMs: 300});
		await alice.journal.append('incident.opened', {title: 'Checkout 5xx', severity: 'SEV2', context: 'prod-eu', namespace: 'shop'});
		const bob = await hosts.open('bob', {incidentId, postgres: url, pollMs: 300});
		await converged(alice, bob);
		return {alice, bob, proxy};
	}

	/** Waits until both are online with nothing waiting and the same events; returns them. */
	async function converged(a: Host, b: Host, timeoutMs = 30_000): Promise<Set<string>> {
		await waitFor(
			async () => {
				if (a.status()?.state !== 'online' || b.status()?.state !== 'online' || a.status()!.waiting > 0 || b.status()!.waiting > 0) return false;
				const [x, y] = [await a.ids(), await b.ids()];
				return missingFrom(x, y).length === 0 && missingFrom(y, x).length === 0;
			},
			{timeoutMs, message: `${a.name} and ${b.name} hold the same events, nothing waiting (${a.name}: ${JSON.stringify(a.status())}; ${b.name}: ${JSON.stringify(b.status())})`},
		);
		return a.ids();
	}

	/** Every event of both journals once on the server, and the two post-mortems equal. */
	async function sameRecord(a: Host, b: Host): Promise<void> {
		const ids = await converged(a, b);
		const counts = (await postgres.server.psql(`SELECT count(*) || '|' || count(DISTINCT event_id) FROM incident_events WHERE incident_id = '${incidentId}'`, url)).trim();
		expect(counts).toBe(`${ids.size}|${ids.size}`);
		// Every event's facts are in both ledgers, so both order the same way.
		await waitFor(async () => (await a.ordered()).length === ids.size && (await b.ordered()).length === ids.size, {message: 'ordered'});
		const [ea, eb] = [await a.ordered(), await b.ordered()];
		expect(ea.map(e => e.id)).toEqual(eb.map(e => e.id));
		const [pa, pb] = [postmortems(ea), postmortems(eb)];
		expect(pa.md).toBe(pb.md);
		expect(pa.json).toBe(pb.json);
	}

	it('what is appended while a round is in flight (presence.left as the cockpit quits) is pushed before the worker stops', async () => {
		url = await postgres.server.createDatabase();
		const proxy = await startTcpProxy({host: '127.0.0.1', port: postgres.server.port});
		proxies.push(proxy);
		const alice = await hosts.open('alice', {incidentId, postgres: proxy.via(url), timeoutMs: 15_000, pollMs: 300});
		await waitFor(() => alice.status()?.state === 'online' && alice.status()!.waiting === 0, {timeoutMs: 20_000, message: 'alice online'});
		// The next pull is held on the link: the worker is in the middle of a round when it is told to stop.
		const release = await proxy.holdAt('AND seq > $2 ORDER BY');
		const stopping = alice.sync.stop('quit');
		await waitFor(async () => (await alice.events()).some(e => e.type === 'presence.left'), {timeoutMs: 10_000, message: 'presence.left in the journal'});
		release();
		await stopping;
		const left = await postgres.server.psql(`SELECT count(*) FROM incident_events WHERE type = 'presence.left' AND author = 'alice@host-alice'`, url);
		expect(Number(left.trim())).toBe(1);
	});

	it('presence.left still being written when a round ends is pushed before the worker stops (a slow disk)', async () => {
		url = await postgres.server.createDatabase();
		let host: Host | undefined;
		/** presence.left is written only once a round has ended since stop() was called, as on a slow disk. */
		const slowLeft = (append: AppendEvent): AppendEvent =>
			async function appendSlowly(type, data) {
				if (type === 'presence.left') {
					const before = host!.status()?.lastSyncAt;
					await waitFor(() => host!.status()?.lastSyncAt !== before, {timeoutMs: 10_000, message: 'a round after stop()'});
				}
				return append(type, data);
			};
		host = await hosts.open('alice', {incidentId, postgres: url, pollMs: 100, wrapAppend: slowLeft});
		await waitFor(() => host!.status()?.state === 'online' && host!.status()!.waiting === 0, {timeoutMs: 20_000, message: 'alice online'});
		await host.sync.stop('quit');
		const left = await postgres.server.psql(`SELECT count(*) FROM incident_events WHERE type = 'presence.left' AND author = 'alice@host-alice'`, url);
		expect(Number(left.trim())).toBe(1);
	});

	it('a connection cut in the middle of a push, before its transaction commits: pushed again, stored once', async () => {
		const {alice, bob, proxy} = await setUp();
		const cut = proxy.cutAt('INSERT INTO incident_events', 'before-commit', {thenRefuse: true});
		const notes = [];
		for (let n = 0; n < 10; n++) notes.push(await alice.note(`note ${n} while the link is cut`));
		await cut;
		// The statement ran on the server without its Sync: never committed, whatever the server did with it.
		await waitFor(() => alice.status()?.state === 'offline', {timeoutMs: 20_000, message: 'alice offline after the cut'});
		const onServer = Number(await postgres.server.psql(`SELECT count(*) FROM incident_events WHERE event->'data'->>'text' LIKE '% while the link is cut'`, url));
		expect(onServer).toBeLessThan(notes.length);
		await proxy.heal();
		await sameRecord(alice, bob);
		for (const note of notes) expect((await bob.ids()).has(note.id)).toBe(true);
		// The cut statement did run: it took sequence numbers that no committed row has.
		const gap = Number(await postgres.server.psql('SELECT max(seq) - count(*) FROM incident_events', url));
		expect(gap).toBeGreaterThan(0);
	});

	it('a connection cut after the server committed, before the answer: pushed again, stored once', async () => {
		const {alice, bob, proxy} = await setUp();
		const cut = proxy.cutAt('INSERT INTO incident_events', 'after-commit', {thenRefuse: true});
		const notes = [];
		for (let n = 0; n < 10; n++) notes.push(await alice.note(`note ${n} committed unheard`));
		await cut;
		// The server committed what alice never heard it answer: on the server, not in her ledger.
		const committed = await waitFor(
			async () => (await postgres.server.psql(`SELECT string_agg(event_id, ',') FROM incident_events WHERE event->'data'->>'text' LIKE '% committed unheard'`, url)).trim(),
			{timeoutMs: 20_000, message: 'the cut statement committed'},
		);
		const unheard = committed.split(',');
		const {readLedger} = await import('../../source/sync/ledger.js');
		const ledger = await readLedger(alice.journal.path);
		expect(unheard.filter(id => ledger.facts.has(id))).toEqual([]);
		await proxy.heal();
		await sameRecord(alice, bob);
		for (const note of notes) expect((await bob.ids()).has(note.id)).toBe(true);
	});

	it('a stalled link: appends never wait for it, the events wait and go when it flows again', async () => {
		const {alice, bob, proxy} = await setUp();
		proxy.stall();
		const notes = [];
		// Local first: each append resolves (on disk) while the database cannot be reached.
		for (let n = 0; n < 10; n++) notes.push(await alice.note(`note ${n} on a stalled link`));
		await waitFor(() => alice.status()?.state === 'offline' && alice.status()!.waiting >= notes.length, {timeoutMs: 20_000, message: `alice offline with ${notes.length} waiting: ${JSON.stringify(alice.status())}`});
		expect(alice.status()!.lastError).toMatch(/timeout|timed out|terminated/i);
		await proxy.heal();
		await sameRecord(alice, bob);
	});

	it('a refused connection: offline, waiting counted, catching up by itself when the database is back', async () => {
		const {alice, bob, proxy} = await setUp();
		await proxy.refuse();
		const fromAlice = [];
		for (let n = 0; n < 5; n++) fromAlice.push(await alice.note(`note ${n} refused`));
		const fromBob = await bob.note('bob keeps going');
		await waitFor(() => alice.status()?.state === 'offline' && alice.status()!.waiting === fromAlice.length, {timeoutMs: 20_000, message: `alice offline with 5 waiting: ${JSON.stringify(alice.status())}`});
		expect(alice.status()!.lastError).toMatch(/ECONNREFUSED/);
		expect((await alice.ids()).has(fromBob.id)).toBe(false);
		await proxy.heal();
		await sameRecord(alice, bob);
	});

	/** One host cut off for `partitionMs` while both keep writing notes and confirming actions. */
	async function partition(partitionMs: number): Promise<void> {
		const {alice, bob, proxy} = await setUp();
		proxy.stall();
		const started = Date.now();
		let n = 0;
		// Both keep working, alternately, until the partition has lasted its time and each wrote a few of each.
		await waitFor(
			async () => {
				await alice.note(`alice note ${n} during the partition`);
				await bob.note(`bob note ${n} during the partition`);
				if (n % 3 === 0) {
					await rollback(alice, n);
					await rollback(bob, n);
				}
				n++;
				return Date.now() - started >= partitionMs && n >= 6 && alice.status()?.state === 'offline';
			},
			{timeoutMs: partitionMs + 30_000, intervalMs: 50, message: 'the partition lasted its time'},
		);
		expect(alice.status()!.waiting).toBeGreaterThan(0);
		// Bob never lost the database: his own events are all on the server; alice's of the partition are not on his host.
		expect(bob.status()!.state).toBe('online');
		await proxy.heal();
		await sameRecord(alice, bob);
	}

	it('one host partitioned for 30 s while both write notes and confirm actions: the same events and post-mortem after healing', async () => {
		// 30 s, as the issue has it; SYNC_PARTITION_MS=1500 for a quick run while working on the sync.
		await partition(Number(process.env.SYNC_PARTITION_MS ?? 30_000));
	});
});
