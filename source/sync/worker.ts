import path from 'node:path';
import type {AnyTimelineEvent, AppendEvent} from '../timeline/events.js';
import {appendForeignEvents} from '../timeline/foreign-append.js';
import {openJournal, parseEventLine, type Journal} from '../timeline/journal.js';
import type {Redactor} from '../timeline/redact.js';
import {describeSyncError, type SyncConnection} from './connection.js';
import {openDb, type DbConnection} from './db.js';
import {ledgerPath, readLedger, recordFacts, type Ledger, type ServerFacts} from './ledger.js';
import {LateMarks} from './late.js';
import {acquireSyncLock} from './lock.js';
import {applyPresence, heartbeatMs, noPresence, whoIsPresent, type PresenceState} from './presence.js';
import {eventsChannel, migrate} from './schema.js';
import {factsOf, incidentStatement, isDataError, knownStatement, pullStatement, pushParameters, pushStatement, type KnownRow, type PulledRow, type PushedRow} from './statements.js';
import type {SyncState, SyncStatus} from './status.js';
import {untilAborted, Wakeup} from './wakeup.js';

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
 * - Push: one statement per batch, under a per-incident advisory lock (statements.ts), `ON CONFLICT
 *   (event_id) DO NOTHING`: an event pushed twice (a connection lost after the server committed, a
 *   cockpit killed before it recorded the push) is stored once.
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
	private readonly late = new LateMarks();
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
			late: this.late.marks,
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
			this.localEvents([left]);
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
		if (this.ledger) this.late.note(events, this.ledger.facts);
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
			this.late.note(batch, this.ledger!.facts);
			const settled = new Set(batch.map(event => event.id));
			this.pending = this.pending.filter(event => !settled.has(event.id));
			this.emit();
		}
	}

	private async pushBatch(db: DbConnection, batch: readonly AnyTimelineEvent[]): Promise<Array<{id: string} & ServerFacts>> {
		const inserted = await db.query<PushedRow>(pushStatement, pushParameters(this.options.incidentId, batch));
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
			this.late.note(fresh, ledger.facts);
			if (rows.length < this.timing.batchSize) return;
		}
	}
}
