/**
 * `npm run bench:sync`: the sync's lag and throughput against a real PostgreSQL (Debian's
 * `postgresql`, a fresh cluster in a temporary directory with fsync on, as test/support starts it;
 * or BENCH_SYNC_POSTGRES=postgres://… to use a server of yours).
 *
 * - Lag: two cockpit sessions (session/cockpit.ts, each with its own state directory) share one
 *   incident. One adds BENCH_SYNC_EVENTS notes (default 600) at BENCH_SYNC_RATE a second (default
 *   20), as a responder would, through the controller; each note's lag runs from that call to the
 *   note being in the other session's store (the data its screen draws), which is after the first
 *   journal's fsync, the push, NOTIFY, the pull and the second journal's append and fsync. Both in
 *   this process: one clock.
 * - Throughput: BENCH_SYNC_BULK events (default 5000) already in one host's journal (written while it
 *   was offline) are pushed by its one sync worker (from start to nothing waiting); then a worker on a
 *   host that never saw the incident pulls them all into its journal (from start to its first round done).
 *
 * Prints one line per figure, `name value unit`, as `npm run bench` does.
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {performance} from 'node:perf_hooks';
import {setTimeout as sleep} from 'node:timers/promises';
import {configSchema} from '../source/config/schema.js';
import {openSession, type Session} from '../source/session/cockpit.js';
import {resolveSyncConnection} from '../source/sync/connection.js';
import {openDb} from '../source/sync/db.js';
import {pullIncidentIfAbsent} from '../source/sync/incidents.js';
import {startSync, type SyncHandle} from '../source/sync/start.js';
import type {SyncStatus} from '../source/sync/status.js';
import type {AnyTimelineEvent, AppendEvent, TimelineEvent} from '../source/timeline/events.js';
import {appendForeignEvents} from '../source/timeline/foreign-append.js';
import {newEventId} from '../source/timeline/ids.js';
import {readJournal} from '../source/timeline/journal.js';
import {createRedactor} from '../source/timeline/redact.js';
import {journalPath} from '../source/timeline/state-dir.js';
import {findPostgres, postgresInstallHint, startPostgres, type RunningPostgres} from '../test/support/postgres-server.js';

const liveEvents = Number(process.env.BENCH_SYNC_EVENTS ?? 600);
const ratePerS = Number(process.env.BENCH_SYNC_RATE ?? 20);
const bulkEvents = Number(process.env.BENCH_SYNC_BULK ?? 5000);
const log = (message: string) => process.stderr.write(`bench:sync: ${message}\n`);
const redact = createRedactor();

function percentile(sorted: readonly number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Waits for `condition`, polling every `everyMs`; throws after `timeoutMs` naming `what`. */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 20): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(everyMs);
	}
}

async function database(): Promise<{url: string; server?: RunningPostgres}> {
	if (process.env.BENCH_SYNC_POSTGRES) return {url: process.env.BENCH_SYNC_POSTGRES};
	const bin = findPostgres();
	if (!bin) throw new Error(`no PostgreSQL server binaries (/usr/lib/postgresql/N/bin); install them (${postgresInstallHint}) or set BENCH_SYNC_POSTGRES to a connection string`);
	const server = await startPostgres(bin, {fsync: true});
	return {url: server.url, server};
}

/** One responder's session in a state directory of its own. */
async function openResponder(url: string, stateDir: string, incidentId: string): Promise<Session> {
	const config = configSchema.parse({title: 'Bench: checkout 5xx', sync: {postgres: url}});
	await pullIncidentIfAbsent({sync: config.sync, stateDir, incidentId, redact});
	const session = await openSession({config, stateDir, incidentId, demo: false, readonly: false, context: 'bench', namespace: 'bench', production: false, cluster: null, exportDir: stateDir});
	session.start();
	return session;
}

/** Lag of `liveEvents` notes from one session's controller to the other's store, in ms, sorted. */
async function measureLag(url: string, dirs: string[]): Promise<number[]> {
	const incidentId = 'inc-20261206-1000-lag1';
	const [dirA, dirB] = [await mkdtemp(path.join(tmpdir(), 'bench-sync-a-')), await mkdtemp(path.join(tmpdir(), 'bench-sync-b-'))];
	dirs.push(dirA, dirB);
	const a = await openResponder(url, dirA, incidentId);
	await until(() => a.store.getState().sync?.state === 'online' && a.store.getState().sync?.waiting === 0, 30_000, 'the first session online');
	const b = await openResponder(url, dirB, incidentId);
	await until(() => b.store.getState().sync?.state === 'online' && b.store.getState().sync?.waiting === 0, 30_000, 'the second session online');
	const sentAt = new Map<string, number>();
	const lags: number[] = [];
	const arrived = new Set<string>();
	/** Each store change: the notes in the timeline that were not there before (the store keeps it in order, not in arrival). */
	function onChange(state: ReturnType<typeof b.store.getState>, before: ReturnType<typeof b.store.getState>): void {
		if (state.timeline === before.timeline) return;
		const at = performance.now();
		for (const event of state.timeline) {
			if (event.type !== 'note.added' || arrived.has(event.id)) continue;
			const sent = sentAt.get(event.data.text);
			if (sent === undefined) continue;
			arrived.add(event.id);
			lags.push(at - sent);
		}
	}
	const unsubscribe = b.store.subscribe(onChange);
	const start = performance.now();
	for (let n = 0; n < liveEvents; n++) {
		// Paced from the start, so a slow write does not stretch the run.
		const due = start + (n * 1000) / ratePerS;
		const wait = due - performance.now();
		if (wait > 0) await sleep(wait);
		const text = `bench note ${n}`;
		sentAt.set(text, performance.now());
		a.controller.addNote(text);
	}
	await until(() => lags.length >= liveEvents, 60_000, `all ${liveEvents} notes on the second session (${lags.length} so far)`);
	unsubscribe();
	await b.stop();
	await a.stop();
	return lags.sort((x, y) => x - y);
}

/** The first status of `handle` for which `done` holds, timed from now; fails on the worker's error. */
async function timeUntil(statuses: SyncStatus[], done: (status: SyncStatus) => boolean, what: string): Promise<number> {
	const start = performance.now();
	let checked = 0;
	await until(
		() => {
			for (; checked < statuses.length; checked++) if (done(statuses[checked]!)) return true;
			return false;
		},
		300_000,
		what,
		5,
	);
	return performance.now() - start;
}

/** The incident's events in the database. */
async function countOnServer(url: string, incidentId: string): Promise<number> {
	const db = await openDb(await resolveSyncConnection(configSchema.parse({sync: {postgres: url}}).sync!));
	try {
		const [row] = await db.query<{n: number}>('SELECT count(*)::int AS n FROM incident_events WHERE incident_id = $1', [incidentId]);
		return row!.n;
	} finally {
		await db.close();
	}
}

/** Events a second: one worker pushing `bulkEvents` waiting events, then one pulling them all. */
async function measureThroughput(url: string, dirs: string[]): Promise<{pushPerS: number; pullPerS: number}> {
	const incidentId = 'inc-20261206-1000-bulk';
	const dirA = await mkdtemp(path.join(tmpdir(), 'bench-sync-bulk-a-'));
	const dirB = await mkdtemp(path.join(tmpdir(), 'bench-sync-bulk-b-'));
	dirs.push(dirA, dirB);
	const fileA = journalPath(dirA, incidentId);
	const base = Date.now() - bulkEvents * 10;
	const events: AnyTimelineEvent[] = [];
	events.push({v: 1, id: newEventId(), at: new Date(base).toISOString(), by: 'alice@bench-a', type: 'incident.opened', data: {title: 'Bench: bulk', severity: 'SEV3'}} as AnyTimelineEvent);
	for (let n = 1; n < bulkEvents; n++) {
		events.push({v: 1, id: newEventId(), at: new Date(base + n * 10).toISOString(), by: 'alice@bench-a', type: 'note.added', data: {text: `written while offline ${n}: pods restarting in shop, 5xx at 4%`}} as AnyTimelineEvent);
	}
	for (let i = 0; i < events.length; i += 1000) await appendForeignEvents(fileA, events.slice(i, i + 1000), redact);
	const config = configSchema.parse({sync: {postgres: url}}).sync!;
	/** A worker as the cockpit starts it; its own events (presence) go through `append` to the same journal. */
	const worker = (dir: string, author: string, statuses: SyncStatus[]): SyncHandle => {
		const file = journalPath(dir, incidentId);
		const append: AppendEvent = async (type, data) => {
			const event = {v: 1, id: newEventId(), at: new Date().toISOString(), by: author, type, data} as TimelineEvent<typeof type>;
			await appendForeignEvents(file, [event as AnyTimelineEvent], redact);
			return event;
		};
		return startSync({config, journal: {path: file}, incidentId, redact, append, onStatus: status => statuses.push(status)});
	};
	const pushed: SyncStatus[] = [];
	const pusher = worker(dirA, 'alice@bench-a', pushed);
	const pushMs = await timeUntil(pushed, s => s.state === 'online' && s.waiting === 0 && s.lastSyncAt !== undefined, `the ${bulkEvents} events pushed`);
	await pusher.stop();
	const onServer = await countOnServer(url, incidentId);
	if (onServer < bulkEvents) throw new Error(`the server holds ${onServer} of the ${bulkEvents} events the pusher said it pushed`);
	const pulled: SyncStatus[] = [];
	const puller = worker(dirB, 'bob@bench-b', pulled);
	const pullMs = await timeUntil(pulled, s => s.state === 'online' && s.lastSyncAt !== undefined, `the ${bulkEvents} events pulled`);
	await puller.stop();
	const got = (await readJournal(journalPath(dirB, incidentId))).events.filter(e => e.by === 'alice@bench-a').length;
	if (got < bulkEvents) throw new Error(`the puller's journal holds ${got} of the ${bulkEvents} events`);
	return {pushPerS: bulkEvents / (pushMs / 1000), pullPerS: bulkEvents / (pullMs / 1000)};
}

async function main(): Promise<void> {
	const dirs: string[] = [];
	const {url, server} = await database();
	try {
		log(`lag: ${liveEvents} notes at ${ratePerS}/s between two sessions (about ${Math.round(liveEvents / ratePerS)} s)`);
		const lags = await measureLag(url, dirs);
		log(`throughput: ${bulkEvents} events pushed by one worker, then pulled by another`);
		const {pushPerS, pullPerS} = await measureThroughput(url, dirs);
		const figures: Array<[string, number, string]> = [
			['sync_lag_ms_p50', percentile(lags, 50), 'ms'],
			['sync_lag_ms_p99', percentile(lags, 99), 'ms'],
			['sync_lag_ms_max', lags.at(-1)!, 'ms'],
			['sync_lag_events', lags.length, 'events'],
			['sync_push_events_per_s', pushPerS, 'events/s'],
			['sync_pull_events_per_s', pullPerS, 'events/s'],
		];
		for (const [name, value, unit] of figures) process.stdout.write(`${name} ${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}\n`);
	} finally {
		await server?.close();
		for (const dir of dirs) await rm(dir, {recursive: true, force: true});
	}
}

await main();
