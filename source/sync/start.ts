import type {SyncConfig} from '../config/schema.js';
import type {AppendEvent} from '../timeline/events.js';
import type {Redactor} from '../timeline/redact.js';
import {describeSyncError, resolveSyncConnection} from './connection.js';
import type {SyncStatus} from './status.js';
import {SyncWorker, type SyncTiming} from './worker.js';

/**
 * The one door from a running cockpit into the sync: `startSync(...)` after the journal is open (and
 * the first frame drawn: node-postgres loads when it first connects), `await sync.stop()` before the
 * journal closes. Without a `sync:` section it does nothing.
 */

export interface StartSyncOptions {
	/** The config's `sync:` section; undefined: no sync. */
	config: SyncConfig | undefined;
	/** The incident's journal (only its path is used: the worker follows the file). */
	journal: {path: string};
	incidentId: string;
	redact: Redactor;
	/** The session's append (journal first, then the store), for presence events. */
	append: AppendEvent;
	onStatus?: (status: SyncStatus) => void;
	now?: () => number;
	timing?: Partial<SyncTiming>;
	env?: NodeJS.ProcessEnv;
}

export interface SyncHandle {
	/** The last status; undefined without sync. */
	status(): SyncStatus | undefined;
	/** Writes presence.left, pushes what it can for a moment, and ends. */
	stop(reason?: string): Promise<void>;
}

const noSync: SyncHandle = {status: () => undefined, stop: () => Promise.resolve()};

export function startSync(options: StartSyncOptions): SyncHandle {
	const {config} = options;
	if (!config) return noSync;
	const now = options.now ?? Date.now;
	let last: SyncStatus | undefined;
	const report = (status: SyncStatus) => {
		last = status;
		options.onStatus?.(status);
	};
	const starting = resolveSyncConnection(config, {redact: options.redact, env: options.env}).then(
		connection => {
			const worker = new SyncWorker({connection, journalPath: options.journal.path, incidentId: options.incidentId, redact: options.redact, append: options.append, onStatus: report, now, timing: options.timing});
			worker.start();
			return worker;
		},
		(error: unknown) => {
			// A connection string that cannot be read (a missing file or variable) will not appear by itself.
			const since = new Date(now()).toISOString();
			report({state: 'offline', since, database: 'postgres', waiting: 0, refused: 0, lastError: describeSyncError(error, {label: 'sync', redact: options.redact}), present: []});
			return undefined;
		},
	);
	return {
		status: () => last,
		async stop(reason) {
			const worker = await starting;
			await worker?.stop(reason);
		},
	};
}
