import {existsSync} from 'node:fs';
import type {SyncConfig} from '../config/schema.js';
import type {AnyTimelineEvent, IncidentStatus, Severity} from '../timeline/events.js';
import {appendForeignEvents} from '../timeline/foreign-append.js';
import {parseEventLine, readJournal} from '../timeline/journal.js';
import type {Redactor} from '../timeline/redact.js';
import {journalPath} from '../timeline/state-dir.js';
import type {IncidentListEntry} from '../timeline/incidents.js';
import {describeSyncError, resolveSyncConnection, type SyncConnection} from './connection.js';
import {openDb, type DbConnection} from './db.js';
import {readLedger, recordFacts} from './ledger.js';
import {currentSchemaVersion} from './schema.js';

/**
 * The shared incidents seen from the command line: `incident-tui incidents` lists the database's
 * beside the state directory's, and `incident-tui --incident ID` on a host that never saw ID pulls it
 * into a new journal before the cockpit opens it.
 */

export interface SharedIncident {
	id: string;
	title: string;
	severity: Severity;
	status: IncidentStatus;
	openedAt: string;
	openedBy: string;
	lastEventAt: string;
	events: number;
	closed: boolean;
}

/** The incident's title as opened, its latest severity and status from its events. */
const listStatement = `
SELECT i.id, i.title, i.opened_at, i.opened_by,
	coalesce((SELECT e.event->'data'->>'to' FROM incident_events e WHERE e.incident_id = i.id AND e.type = 'severity.changed' ORDER BY e.event_at DESC, e.seq DESC LIMIT 1), i.severity) AS severity,
	coalesce((SELECT e.event->'data'->>'to' FROM incident_events e WHERE e.incident_id = i.id AND e.type = 'status.changed' ORDER BY e.event_at DESC, e.seq DESC LIMIT 1), i.status) AS status,
	EXISTS (SELECT 1 FROM incident_events e WHERE e.incident_id = i.id AND e.type = 'incident.closed') AS closed,
	s.events, s.last_event_at
FROM incidents i
CROSS JOIN LATERAL (SELECT count(*)::int AS events, max(e.event_at) AS last_event_at FROM incident_events e WHERE e.incident_id = i.id) s
ORDER BY i.opened_at DESC, i.id DESC
LIMIT $1`;

interface ListRow {
	id: string;
	title: string;
	opened_at: Date;
	opened_by: string;
	severity: Severity;
	status: IncidentStatus;
	closed: boolean;
	events: number;
	last_event_at: Date | null;
}

async function withDb<T>(connection: SyncConnection, work: (db: DbConnection) => Promise<T>): Promise<T> {
	const db = await openDb(connection, 'incident-tui cli');
	try {
		return await work(db);
	} finally {
		await db.close();
	}
}

/** The database's incidents, newest opened first (at most `limit`); none when the tables do not exist yet. */
export async function listSharedIncidents(sync: SyncConfig, options: {redact?: Redactor; env?: NodeJS.ProcessEnv; limit?: number} = {}): Promise<SharedIncident[]> {
	const connection = await resolveSyncConnection(sync, options);
	try {
		return await withDb(connection, async db => {
			if ((await currentSchemaVersion(db)) === 0) return [];
			const rows = await db.query<ListRow>(listStatement, [options.limit ?? 200]);
			return rows.map(row => {
				const openedAt = new Date(row.opened_at).toISOString();
				return {id: row.id, title: row.title, severity: row.severity, status: row.status, openedAt, openedBy: row.opened_by, lastEventAt: row.last_event_at ? new Date(row.last_event_at).toISOString() : openedAt, events: row.events, closed: row.closed};
			});
		});
	} catch (error) {
		throw new Error(`shared incidents: ${describeSyncError(error, connection)}`);
	}
}

interface EventRow {
	event_id: string;
	event_text: string;
	seq: string;
	received_at: Date;
}

// ORDER BY the column, qualified: plain `seq` would be the text alias, and '10' sorts before '9'.
const incidentEventsStatement = 'SELECT event_id, event_text, seq::text AS seq, received_at FROM incident_events WHERE incident_id = $1 AND seq > $2 ORDER BY incident_events.seq LIMIT $3';

/**
 * `--incident ID` on a host whose state directory has no journal for ID: its events are pulled from
 * the database into a new journal (and the ledger), so the cockpit opens the incident as the others
 * see it rather than opening a second one under the same id. Returns how many events came: 0 when the
 * host has the journal already, or the database does not know the incident (the cockpit then opens a
 * new one with that id, as without sync). Throws, saying what to do, when the database cannot be read:
 * opening the incident empty would split it.
 */
export async function pullIncidentIfAbsent(options: {sync: SyncConfig | undefined; stateDir: string; incidentId: string; redact: Redactor; env?: NodeJS.ProcessEnv; batchSize?: number}): Promise<number> {
	const {sync, incidentId} = options;
	if (!sync) return 0;
	const file = journalPath(options.stateDir, incidentId);
	if (existsSync(file) && (await readJournal(file)).events.length > 0) return 0;
	const connection = await resolveSyncConnection(sync, options);
	try {
		return await withDb(connection, async db => {
			if ((await currentSchemaVersion(db)) === 0) return 0;
			const ledger = await readLedger(file);
			let count = 0;
			for (;;) {
				const rows = await db.query<EventRow>(incidentEventsStatement, [incidentId, ledger.pulledThrough, options.batchSize ?? 1000]);
				if (rows.length === 0) return count;
				const events: AnyTimelineEvent[] = [];
				for (const row of rows) {
					const event = parseEventLine(row.event_text);
					if (typeof event !== 'string' && event.id === row.event_id) events.push(event);
				}
				await appendForeignEvents(file, events, options.redact);
				await recordFacts(
					ledger,
					rows.map(row => ({id: row.event_id, seq: Number(row.seq), receivedAt: new Date(row.received_at).toISOString()})),
					Number(rows.at(-1)!.seq),
				);
				count += events.length;
			}
		});
	} catch (error) {
		throw new Error(
			`cannot open incident ${incidentId}: this host has no journal of it, and the shared database did not answer (${describeSyncError(error, connection)}); try again when it does, or leave out --incident to open a new incident`,
		);
	}
}

/**
 * This host's incidents and the database's in one list for `incident-tui incidents`, each marked
 * where it is. For one in both, whichever copy holds more events says its severity and status (this
 * host's journal lags while its sync is offline; the database lags by this host's waiting events).
 */
export function mergeIncidentLists(local: readonly IncidentListEntry[], shared: readonly SharedIncident[]): IncidentListEntry[] {
	const byId = new Map(shared.map(entry => [entry.id, entry]));
	const merged: IncidentListEntry[] = local.map(entry => {
		const remote = byId.get(entry.id);
		if (!remote) return {...entry, where: 'here'};
		byId.delete(entry.id);
		if (remote.events <= entry.events) return {...entry, where: 'here+shared'};
		return {...entry, severity: remote.severity, status: remote.status, lastEventAt: remote.lastEventAt, events: remote.events, closed: remote.closed, where: 'here+shared'};
	});
	for (const remote of byId.values()) {
		merged.push({id: remote.id, title: remote.title, severity: remote.severity, status: remote.status, openedAt: remote.openedAt, lastEventAt: remote.lastEventAt, events: remote.events, path: '', closed: remote.closed, warnings: [], where: 'shared'});
	}
	return merged.sort((a, b) => (a.openedAt === b.openedAt ? b.id.localeCompare(a.id) : b.openedAt.localeCompare(a.openedAt)));
}
