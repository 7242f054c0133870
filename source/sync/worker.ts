import path from 'node:path';
import type {AnyTimelineEvent, AppendEvent} from '../timeline/events.js';
import {appendForeignEvents} from '../timeline/foreign-append.js';
import {openJournal, parseEventLine, serializeEvent, type Journal} from '../timeline/journal.js';
import type {Redactor} from '../timeline/redact.js';
import {describeSyncError, type SyncConnection} from './connection.js';
import {openDb, type DbConnection} from './db.js';
import {ledgerPath, readLedger, recordFacts, type Ledger, type ServerFacts} from './ledger.js';
import {acquireSyncLock} from './lock.js';
import {applyPresence, heartbeatMs, noPresence, whoIsPresent, type PresenceState} from './presence.js';
import {eventsChannel, migrate} from './schema.js';
import type {SyncState, SyncStatus} from './status.js';

/**
 * The sync worker of one incident on one host: pushes this host's events to PostgreSQL in the order
 * its journal holds them, pulls the others' into the journal, and says how it is going (status.ts).
 *
 * Local first: the journal is written and fsynced by the cockpit before the worker ever sees an event
 * (it follows the journal file, as a co-operator's cockpit does), and the worker runs beside the
 * cockpit's work, never in its way: no append and no action waits for it. With the database gone it
 * counts the events waiting, and tries again with backoff until the database answers; then both sides
 * catch up by themselves.
 *
 * - Push: one statement per batch, under a per-incident advisory lock, `ON CONFLICT (event_id) DO
 *   NOTHING`: an event pushed twice (a connection lost after the server committed, a cockpit killed
 *   before it recorded the push) is stored once. The lock makes the server's sequence numbers of an
 *   incident increase in commit order, so a reader that has seen sequence N has seen everything below.
 * - Pull: every event of the incident past the last sequence number pulled, woken by NOTIFY, with a
 *   poll every `pollMs` as the fallback; events the journal lacks are appended to it
 *   (timeline/foreign-append.ts), fsynced, and only then recorded as pulled.
 * - What the server said of each event (its sequence number, when it arrived) is kept in the ledger
 *   (ledger.ts), which gives every host the same order (order.ts).
 */

export interface SyncTiming {
	/** presence.seen is written this often while online. */
	heartbeatMs: number;
	/** Reconnection backoff: from min, doubling, to max. */
	backoffMinMs: number;
	backoffMaxMs: number;
	/** Events per statement. */
	batchSize: number;
	/** How long stop() tries to push the last events (presence.left among them). */
	stopFlushMs: number;
	/** How often a cockpit in standby looks whether the other one let go. */
	standbyPollMs: number;
}

export const defaultTiming: SyncTiming = {heartbeatMs, backoffMinMs: 250, backoffMaxMs: 10_000, batchSize: 500, stopFlushMs: 2000, standbyPollMs: 2000};

export interface SyncWorkerOptions {
	connection: SyncConnection;
	/** The incident's journal (Journal.path). */
	journalPath: string;
	incidentId: string;
	/** The config's redactor: what leaves the host and what comes in is masked with it. */
	redact: Redactor;
	/** Appends this cockpit's own events (presence.*) as every event is appended: through the journal, fsynced. */
	append: AppendEvent;
	onStatus?: (status: SyncStatus) => void;
	now?: () => number;
	timing?: Partial<SyncTiming>;
	/** The cockpit's version, recorded in presence.joined. */
	version?: string;
}

/** Row shapes of the statements below. */
interface PushedRow {
	event_id: string;
	seq: string;
	received_at: Date;
}
interface KnownRow extends PushedRow {
	incident_id: string;
}
interface PulledRow extends PushedRow {
	event_text: string;
}

const pushStatement = `
WITH held AS MATERIALIZED (SELECT pg_advisory_xact_lock(hashtextextended($1, 0)) AS held),
batch AS (
	SELECT r.*, o.ord FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS o(item, ord)
	CROSS JOIN LATERAL jsonb_to_record(o.item) AS r(event_id text, event_text text, type text, author text, host text, event_at timestamptz)
)
INSERT INTO incident_events (event_id, incident_id, event, event_text, type, author, host, event_at)
SELECT batch.event_id, $1, batch.event_text::jsonb, batch.event_text, batch.type, batch.author, batch.host, batch.event_at
FROM batch CROSS JOIN held ORDER BY batch.ord
ON CONFLICT (event_id) DO NOTHING
RETURNING event_id, seq::text AS seq, received_at`;

const knownStatement = 'SELECT event_id, incident_id, seq::text AS seq, received_at FROM incident_events WHERE event_id = ANY($1::text[])';

// ORDER BY the column, qualified: plain `seq` would be the text alias, and '10' sorts before '9'.
const pullStatement = 'SELECT event_id, event_text, seq::text AS seq, received_at FROM incident_events WHERE incident_id = $1 AND seq > $2 ORDER BY incident_events.seq LIMIT $3';

const incidentStatement = `INSERT INTO incidents (id, title, severity, status, opened_at, opened_by) VALUES ($1, $2, $3, 'investigating', $4, $5) ON CONFLICT (id) DO NOTHING`;

/** A failure the database gives for one event's data (class 22: data exception), not for the link. */
function isDataError(error: unknown): boolean {
	const code = (error as {code?: unknown}).code;
	return typeof code === 'string' && code.startsWith('22');
}

function hostOf(author: string): string {
	const at = author.lastIndexOf('@');
	return at >= 0 ? author.slice(at + 1) : author;
}

function factsOf(row: PushedRow): {id: string} & ServerFacts {
	return {id: row.event_id, seq: Number(row.seq), receivedAt: new Date(row.received_at).toISOString()};
}

/**
 * `connecting` unless `signal` aborts first (then undefined); a connection that comes after that is
 * closed at once.
 */
async function untilAborted(connecting: Promise<DbConnection>, signal: AbortSignal): Promise<DbConnection | undefined> {
	if (signal.aborted) {
		connecting.then(db => db.close(), () => undefined);
		return undefined;
	}
	let onAbort: () => void = () => {};
	const aborted = new Promise<undefined>(resolve => {
		onAbort = () => resolve(undefined);
		signal.addEventListener('abort', onAbort, {once: true});
	});
	try {
		const db = await Promise.race([connecting, aborted]);
		if (!db) connecting.then(late => late.close(), () => undefined);
		return db;
	} finally {
		signal.removeEventListener('abort', onAbort);
	}
}

/** Something that can be awaited once and triggered many times; each trigger wakes the current waiter. */
class Wakeup {
	private resolve: (() => void) | undefined;
	private pending = false;

	wake(): void {
		this.pending = true;
		this.resolve?.();
	}

	/** Resolves at the next wake (at once when one came since the last wait), or after `ms`. */
	async wait(ms: number, signal: AbortSignal): Promise<void> {
		if (this.pending || signal.aborted) {
			this.pending = false;
			return;
		}
		let timer: NodeJS.Timeout | undefined;
		const onAbort = () => this.resolve?.();
		signal.addEventListener('abort', onAbort, {once: true});
		await new Promise<void>(resolve => {
			this.resolve = resolve;
			timer = setTimeout(resolve, ms);
		});
		clearTimeout(timer);
		signal.removeEventListener('abort', onAbort);
		this.resolve = undefined;
		this.pending = false;
	}
}

export class SyncWorker {
	private readonly options: SyncWorkerOptions;
	private readonly timing: SyncTiming;
	private readonly now: () => number;
	private readonly abort = new AbortController();
	private readonly wakeup = new Wakeup();
	/** Event id -> what the server said of it, or null for this host's events not pushed yet. */
	private readonly known = new Map<string, ServerFacts | null>();
	/** This host's events not on the server yet, in journal order. */
	private pending: AnyTimelineEvent[] = [];
	private ledger: Ledger | undefined;
	private reader: Journal | undefined;
	private presence: PresenceState = noPresence;
	/** The incident.opened event, for the incidents table. */
	private opened: AnyTimelineEvent | undefined;
	private state: SyncState = 'connecting';
	private since: string;
	private lastError: string | undefined;
	private lastSyncAt: string | undefined;
	private refused = 0;
	private syncedByPid: number | undefined;
	private lastHeartbeat: number;
	/** Set once presence.left is written: the loops end when nothing waits. */
	private stopping = false;
	private stopped: Promise<void> | undefined;
	private done: Promise<void> | undefined;
	private db: DbConnection | undefined;

	constructor(options: SyncWorkerOptions) {
		this.options = options;
		this.timing = {...defaultTiming, ...options.timing};
		this.now = options.now ?? Date.now;
		this.since = new Date(this.now()).toISOString();
		this.lastHeartbeat = this.now();
	}

	/** Starts the worker; it runs until stop(). */
	start(): void {
		this.done ??= this.run().catch((error: unknown) => this.failed(error));
	}

	status(): SyncStatus {
		return {
			state: this.state,
			since: this.since,
			database: this.options.connection.label,
			waiting: this.pending.length,
			refused: this.refused,
			...(this.lastError ? {lastError: this.lastError} : {}),
			...(this.lastSyncAt ? {lastSyncAt: this.lastSyncAt} : {}),
			present: whoIsPresent(this.presence, this.now()),
			...(this.state === 'standby' && this.syncedByPid ? {syncedByPid: this.syncedByPid} : {}),
		};
	}

	/**
	 * Writes presence.left, tries for a moment (`stopFlushMs`) to push what waits, then ends: the
	 * journal keeps whatever could not be pushed, for the next start. Call before the journal closes.
	 */
	stop(reason?: string): Promise<void> {
		this.stopped ??= this.stopAfterLeaving(reason);
		return this.stopped;
	}

	private async stopAfterLeaving(reason?: string): Promise<void> {
		try {
			const left = await this.options.append('presence.left', reason ? {reason} : {});
			this.localEvents([left as AnyTimelineEvent]);
		} catch {
			// The journal is closing or closed: nothing more to say.
		}
		// Only once presence.left is in the journal: a round that ended while it was being written would
		// have taken the stop for done, with presence.left not pushed.
		this.stopping = true;
		this.wakeup.wake();
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([this.done, new Promise(resolve => (timer = setTimeout(resolve, this.timing.stopFlushMs)))]);
		clearTimeout(timer);
		this.abort.abort();
		await this.db?.close();
		await this.done;
	}

	private get signal(): AbortSignal {
		return this.abort.signal;
	}

	private emit(): void {
		this.options.onStatus?.(this.status());
	}

	private setState(state: SyncState): void {
		if (state !== this.state) {
			this.state = state;
			this.since = new Date(this.now()).toISOString();
		}
		this.emit();
	}

	private failed(error: unknown): void {
		this.lastError = describeSyncError(error, this.options.connection);
		this.setState('offline');
	}

	private async run(): Promise<void> {
		const {journalPath} = this.options;
		const lockFile = path.join(path.dirname(ledgerPath(journalPath)), `${path.basename(journalPath, '.jsonl')}.lock`);
		try {
			await this.options.append('presence.joined', this.options.version ? {version: this.options.version} : {});
		} catch (error) {
			this.lastError = (error as Error).message;
		}
		let lock = await acquireSyncLock(lockFile);
		while (!lock.held) {
			this.syncedByPid = lock.pid;
			this.setState('standby');
			await this.wakeup.wait(this.timing.standbyPollMs, this.signal);
			if (this.signal.aborted || this.stopping) return;
			lock = await acquireSyncLock(lockFile);
		}
		try {
			await this.loadLocal();
			await this.connectLoop();
		} finally {
			await this.reader?.close();
			await lock.release();
		}
	}

	/** Reads the journal and the ledger, then follows the journal for this host's new events. */
	private async loadLocal(): Promise<void> {
		const {journalPath, redact} = this.options;
		this.ledger = await readLedger(journalPath);
		// A reader of its own (its follow() reports every line it did not append, which is all of them).
		this.reader = await openJournal({path: journalPath, author: 'sync', redact});
		const {events} = await this.reader.read();
		this.localEvents(events);
		this.reader.follow(
			fresh => {
				this.localEvents(fresh);
				this.wakeup.wake();
			},
			this.signal,
			1000,
		);
	}

	/** Events in the journal: known ones are skipped, the others wait to be pushed. */
	private localEvents(events: readonly AnyTimelineEvent[]): void {
		let changed = false;
		for (const event of events) {
			if (event.type === 'incident.opened') this.opened ??= event;
			if (this.known.has(event.id)) continue;
			this.presence = applyPresence(this.presence, event);
			const facts = this.ledger?.facts.get(event.id);
			this.known.set(event.id, facts ?? null);
			if (!facts) this.pending.push(event);
			changed = true;
		}
		if (changed) this.emit();
	}

	private async connectLoop(): Promise<void> {
		let backoff = this.timing.backoffMinMs;
		while (!this.signal.aborted) {
			if (this.state !== 'offline') this.setState('connecting');
			let online = false;
			try {
				this.db = await untilAborted(openDb(this.options.connection), this.signal);
				if (!this.db) break;
				await migrate(this.db);
				await this.db.listen(eventsChannel, payload => {
					if (payload === this.options.incidentId) this.wakeup.wake();
				});
				online = true;
				backoff = this.timing.backoffMinMs;
				this.lastError = undefined;
				this.setState('online');
				await this.syncLoop(this.db);
			} catch (error) {
				if (!this.signal.aborted) this.failed(error);
			} finally {
				const db = this.db;
				this.db = undefined;
				await db?.close();
			}
			if (this.stopping || this.signal.aborted) break;
			if (online) continue;
			await this.wakeup.wait(backoff, this.signal);
			// A stop while offline ends at once: what waits stays in the journal for the next start.
			if (this.stopping) break;
			backoff = Math.min(backoff * 2, this.timing.backoffMaxMs);
		}
	}

	/** While connected: push, pull, then wait for a local event, a notification or the poll. */
	private async syncLoop(db: DbConnection): Promise<void> {
		await this.recordIncident(db);
		const lost = db.lost.then(error => {
			throw error;
		});
		// Seen (so handled) even when the loop ends first.
		lost.catch(() => undefined);
		for (;;) {
			await Promise.race([this.push(db), lost]);
			await Promise.race([this.pull(db), lost]);
			this.lastSyncAt = new Date(this.now()).toISOString();
			this.emit();
			if (this.signal.aborted) return;
			// Stopping: what was appended while this round ran (presence.left among it) goes first.
			if (this.stopping) {
				if (this.pending.length === 0) return;
				continue;
			}
			this.heartbeat();
			await Promise.race([this.wakeup.wait(this.options.connection.pollMs, this.signal), lost]);
			if (this.signal.aborted) return;
		}
	}

	/** The incident's row in `incidents`, from its incident.opened (once there; a row is never updated). */
	private async recordIncident(db: DbConnection): Promise<void> {
		const opened = this.opened;
		if (opened?.type !== 'incident.opened') return;
		await db.query(incidentStatement, [this.options.incidentId, opened.data.title, opened.data.severity, opened.at, opened.by]);
	}

	private heartbeat(): void {
		if (this.now() - this.lastHeartbeat < this.timing.heartbeatMs) return;
		this.lastHeartbeat = this.now();
		this.options.append('presence.seen', {}).catch(() => undefined);
	}

	/** Pushes what waits, in journal order, a batch per statement. */
	private async push(db: DbConnection): Promise<void> {
		while (this.pending.length > 0 && !this.signal.aborted) {
			const batch = this.pending.slice(0, this.timing.batchSize);
			let facts: Array<{id: string} & ServerFacts>;
			try {
				facts = await this.pushBatch(db, batch);
			} catch (error) {
				if (!isDataError(error) || batch.length === 0) throw error;
				facts = await this.pushOneByOne(db, batch);
			}
			await this.learnt(facts);
			const settled = new Set(batch.map(event => event.id));
			this.pending = this.pending.filter(event => !settled.has(event.id));
			this.emit();
		}
	}

	private async pushBatch(db: DbConnection, batch: readonly AnyTimelineEvent[]): Promise<Array<{id: string} & ServerFacts>> {
		const rows = batch.map(event => ({
			event_id: event.id,
			// What leaves the host is masked with its redactor, as the journal's own text is.
			event_text: serializeEvent(event).trimEnd(),
			type: event.type,
			author: event.by,
			host: hostOf(event.by),
			event_at: event.at,
		}));
		const inserted = await db.query<PushedRow>(pushStatement, [this.options.incidentId, JSON.stringify(rows)]);
		const facts = inserted.map(factsOf);
		// Already there: pushed before (a lost answer, a killed cockpit), or another host's copy.
		const missing = batch.map(event => event.id).filter(id => !facts.some(fact => fact.id === id));
		if (missing.length > 0) {
			const known = await db.query<KnownRow>(knownStatement, [missing]);
			for (const row of known) {
				if (row.incident_id === this.options.incidentId) facts.push(factsOf(row));
				else this.refuse(row.event_id, `the server holds an event with the same id in incident ${row.incident_id}`);
			}
		}
		return facts;
	}

	/** A batch the server refused for its data: each event alone, so one bad event does not hold back the others. */
	private async pushOneByOne(db: DbConnection, batch: readonly AnyTimelineEvent[]): Promise<Array<{id: string} & ServerFacts>> {
		const facts: Array<{id: string} & ServerFacts> = [];
		for (const event of batch) {
			try {
				facts.push(...(await this.pushBatch(db, [event])));
			} catch (error) {
				if (!isDataError(error)) throw error;
				this.refuse(event.id, (error as Error).message);
			}
		}
		return facts;
	}

	private refuse(id: string, why: string): void {
		this.refused++;
		this.lastError = this.options.connection.redact(`the database refused event ${id} (${why}); it stays in this host's journal`);
	}

	/** Records what the server said of events: in memory, in the ledger, and off the waiting list. */
	private async learnt(facts: ReadonlyArray<{id: string} & ServerFacts>, pulledThrough?: number): Promise<void> {
		const arrived = new Set<string>();
		for (const fact of facts) {
			if (this.known.get(fact.id) === null) arrived.add(fact.id);
			this.known.set(fact.id, {seq: fact.seq, receivedAt: fact.receivedAt});
		}
		if (arrived.size > 0) this.pending = this.pending.filter(event => !arrived.has(event.id));
		await recordFacts(this.ledger!, facts, pulledThrough);
	}

	/** Pulls the incident's events past the last pulled, appending those the journal lacks. */
	private async pull(db: DbConnection): Promise<void> {
		const ledger = this.ledger!;
		for (;;) {
			const rows = await db.query<PulledRow>(pullStatement, [this.options.incidentId, ledger.pulledThrough, this.timing.batchSize]);
			if (rows.length === 0 || this.signal.aborted) return;
			const fresh: AnyTimelineEvent[] = [];
			for (const row of rows) {
				if (this.known.has(row.event_id)) continue;
				const event = parseEventLine(row.event_text);
				if (typeof event === 'string' || event.id !== row.event_id) {
					this.lastError = `skipped event ${row.event_id} from the database: ${typeof event === 'string' ? event : `its id is ${event.id}`}`;
					continue;
				}
				fresh.push(event);
			}
			// Known before they are written, so the journal's follower does not take them for this host's.
			for (const event of fresh) this.known.set(event.id, null);
			try {
				const stored = await appendForeignEvents(this.options.journalPath, fresh, this.options.redact);
				for (const event of stored) this.presence = applyPresence(this.presence, event);
			} catch (error) {
				for (const event of fresh) this.known.delete(event.id);
				throw error;
			}
			await this.learnt(rows.map(factsOf), Number(rows.at(-1)!.seq));
			if (rows.length < this.timing.batchSize) return;
		}
	}
}
