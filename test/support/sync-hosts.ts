/**
 * "Hosts" for the sync tests: each has its own state directory, its own journal (opened as the
 * cockpit opens it, with its own author) and its own sync worker, started through the cockpit's door
 * (source/sync/start.ts), all in this process. The database is a real PostgreSQL (postgres.ts).
 */
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {syncSchema, type SyncConfig} from '../../source/config/schema.js';
import {readLedger} from '../../source/sync/ledger.js';
import {orderEvents} from '../../source/sync/order.js';
import {startSync, type SyncHandle} from '../../source/sync/start.js';
import type {SyncStatus} from '../../source/sync/status.js';
import type {SyncTiming} from '../../source/sync/worker.js';
import type {AnyTimelineEvent, AppendEvent} from '../../source/timeline/events.js';
import {openJournal, readJournal, type Journal} from '../../source/timeline/journal.js';
import {createRedactor, type Redactor} from '../../source/timeline/redact.js';
import {journalPath} from '../../source/timeline/state-dir.js';

/** Quick to notice a dead link, quick to retry: the code paths of the defaults, in test time. */
export const fastTiming: Partial<SyncTiming> = {backoffMinMs: 50, backoffMaxMs: 400, stopFlushMs: 3000, standbyPollMs: 100};

export interface Host {
	name: string;
	author: string;
	stateDir: string;
	journal: Journal;
	sync: SyncHandle;
	statuses: SyncStatus[];
	status(): SyncStatus | undefined;
	/** The journal's events, in file order. */
	events(): Promise<AnyTimelineEvent[]>;
	ids(): Promise<Set<string>>;
	/** The journal's events in the shared order (order.ts), with the ledger's facts. */
	ordered(): Promise<AnyTimelineEvent[]>;
	note(text: string): Promise<AnyTimelineEvent>;
	/** Stops the sync, then closes the journal. */
	stop(): Promise<void>;
}

export interface HostOptions {
	incidentId: string;
	/** A connection string, or the whole sync section. */
	postgres: string | Partial<SyncConfig>;
	stateDir?: string;
	timing?: Partial<SyncTiming>;
	pollMs?: number;
	timeoutMs?: number;
	redact?: Redactor;
	/** The journal's clock (an offline host writing "in the past"). */
	now?: () => Date;
	/** Starts the sync (default); false: the journal only. */
	sync?: boolean;
	/** What the worker's own appends (presence) go through: the journal's append, or this around it. */
	wrapAppend?: (append: AppendEvent) => AppendEvent;
}

export class Hosts {
	private readonly hosts: Host[] = [];
	private readonly dirs: string[] = [];

	async open(name: string, options: HostOptions): Promise<Host> {
		const stateDir = options.stateDir ?? (await mkdtemp(path.join(tmpdir(), `sync-${name}-`)));
		if (!options.stateDir) this.dirs.push(stateDir);
		const author = `${name}@host-${name}`;
		const redact = options.redact ?? createRedactor();
		const file = journalPath(stateDir, options.incidentId);
		const journal = await openJournal({path: file, author, redact, now: options.now});
		const statuses: SyncStatus[] = [];
		const section = typeof options.postgres === 'string' ? {postgres: options.postgres} : options.postgres;
		const config = syncSchema.parse({pollMs: options.pollMs ?? 500, timeoutMs: options.timeoutMs ?? 2000, ...section});
		const sync =
			options.sync === false
				? {status: () => undefined, stop: async () => undefined}
				: startSync({config, journal, incidentId: options.incidentId, redact, append: options.wrapAppend ? options.wrapAppend(journal.append) : journal.append, onStatus: status => statuses.push(status), timing: {...fastTiming, ...options.timing}});
		let stopped = false;
		const host: Host = {
			name,
			author,
			stateDir,
			journal,
			sync,
			statuses,
			status: () => sync.status(),
			events: async () => (await readJournal(file)).events,
			ids: async () => new Set((await readJournal(file)).events.map(e => e.id)),
			ordered: async () => orderEvents((await readJournal(file)).events, (await readLedger(file)).facts),
			note: text => journal.append('note.added', {text}) as Promise<AnyTimelineEvent>,
			async stop() {
				if (stopped) return;
				stopped = true;
				await sync.stop();
				await journal.close();
			},
		};
		this.hosts.push(host);
		return host;
	}

	async cleanup(): Promise<void> {
		for (const host of this.hosts.splice(0)) await host.stop();
		for (const dir of this.dirs.splice(0)) await rm(dir, {recursive: true, force: true});
	}
}

/** The ids in `a` and not in `b`. */
export function missingFrom(a: ReadonlySet<string>, b: ReadonlySet<string>): string[] {
	return [...a].filter(id => !b.has(id));
}
