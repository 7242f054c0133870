import type {AnyTimelineEvent} from '../timeline/events.js';
import {serializeEvent} from '../timeline/journal.js';
import type {ServerFacts} from './ledger.js';

/**
 * The sync worker's statements (worker.ts) and the shapes of their rows. Every event is pushed under
 * the incident's advisory lock, so the server's sequence numbers of an incident increase in commit
 * order: a reader that has seen sequence N has seen everything below, and pulls page by that number.
 */

/** Row shapes of the statements below. */
export interface PushedRow {
	event_id: string;
	seq: string;
	received_at: Date;
}
export interface KnownRow extends PushedRow {
	incident_id: string;
}
export interface PulledRow extends PushedRow {
	event_text: string;
}

export const pushStatement = `
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

export const knownStatement = 'SELECT event_id, incident_id, seq::text AS seq, received_at FROM incident_events WHERE event_id = ANY($1::text[])';

// ORDER BY the column, qualified: plain `seq` would be the text alias, and '10' sorts before '9'.
export const pullStatement = 'SELECT event_id, event_text, seq::text AS seq, received_at FROM incident_events WHERE incident_id = $1 AND seq > $2 ORDER BY incident_events.seq LIMIT $3';

export const incidentStatement = `INSERT INTO incidents (id, title, severity, status, opened_at, opened_by) VALUES ($1, $2, $3, 'investigating', $4, $5) ON CONFLICT (id) DO NOTHING`;

/** A failure the database gives for one event's data (class 22: data exception), not for the link. */
export function isDataError(error: unknown): boolean {
	const code = (error as {code?: unknown}).code;
	return typeof code === 'string' && code.startsWith('22');
}

function hostOf(author: string): string {
	const at = author.lastIndexOf('@');
	return at >= 0 ? author.slice(at + 1) : author;
}

export function factsOf(row: PushedRow): {id: string} & ServerFacts {
	return {id: row.event_id, seq: Number(row.seq), receivedAt: new Date(row.received_at).toISOString()};
}


/** pushStatement's parameters for `batch`: each event's line, as the journal writes it, and its columns. */
export function pushParameters(incidentId: string, batch: readonly AnyTimelineEvent[]): [string, string] {
	const rows = batch.map(event => ({
		event_id: event.id,
		// What leaves the host is masked with its redactor, as the journal's own text is.
		event_text: serializeEvent(event).trimEnd(),
		type: event.type,
		author: event.by,
		host: hostOf(event.by),
		event_at: event.at,
	}));
	return [incidentId, JSON.stringify(rows)];
}
