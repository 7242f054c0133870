import type {DbConnection} from './db.js';

/**
 * The shared tables, created by the first cockpit that connects, version by version. The version is
 * kept in the comment of `incident_events` ("incident-tui schema 1"), which any user can read in the
 * catalog: after the migration the cockpit needs no grant beyond INSERT and SELECT on the two tables.
 *
 * - `incidents`: one row per shared incident, as it was opened (its later severity and status are
 *   events: a user with only INSERT and SELECT cannot update a row).
 * - `incident_events`: every event of every shared incident, idempotent by `event_id` (its primary
 *   key, the journal's own event id). `event` is the event as jsonb, for queries; `event_text` is the
 *   line its author's journal holds, byte for byte (jsonb reorders keys), which is what others append
 *   to theirs, so every host's journal and post-mortem are the same. `seq` is the server's order of
 *   arrival; `received_at` the server's time of arrival.
 * - a trigger NOTIFYs `incident_tui_events` with the incident id on every insert: the cockpits LISTEN.
 */

export const eventsChannel = 'incident_tui_events';

interface Migration {
	version: number;
	sql: string;
}

export const migrations: readonly Migration[] = [
	{
		version: 1,
		sql: `
CREATE TABLE incidents (
	id text PRIMARY KEY,
	title text NOT NULL,
	severity text NOT NULL,
	status text NOT NULL,
	opened_at timestamptz NOT NULL,
	opened_by text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE incident_events (
	event_id text PRIMARY KEY,
	incident_id text NOT NULL,
	event jsonb NOT NULL,
	event_text text NOT NULL,
	type text NOT NULL,
	author text NOT NULL,
	host text NOT NULL,
	event_at timestamptz NOT NULL,
	received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
	seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE
);
CREATE INDEX incident_events_by_incident ON incident_events (incident_id, seq);
CREATE INDEX incident_events_by_type ON incident_events (incident_id, type, event_at);
CREATE FUNCTION incident_tui_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('${eventsChannel}', NEW.incident_id);
	RETURN NULL;
END
$$;
CREATE TRIGGER incident_events_notify AFTER INSERT ON incident_events FOR EACH ROW EXECUTE FUNCTION incident_tui_notify();
`,
	},
];

export const schemaVersion = migrations.at(-1)!.version;

const versionComment = (version: number) => `incident-tui schema ${version}`;

/** The version the database's tables are at: 0 when there are none. */
export async function currentSchemaVersion(db: DbConnection): Promise<number> {
	const rows = await db.query<{comment: string | null; exists: boolean}>(
		"SELECT to_regclass('incident_events') IS NOT NULL AS exists, obj_description(to_regclass('incident_events'), 'pg_class') AS comment",
	);
	const row = rows[0];
	if (!row?.exists) return 0;
	const match = /^incident-tui schema (\d+)$/.exec(row.comment ?? '');
	if (!match) throw new Error("a table named incident_events exists, but not one the cockpit made (its comment is not 'incident-tui schema N'); use another database or schema (search_path in the connection string's options)");
	return Number(match[1]);
}

/**
 * Brings the tables to `schemaVersion`: in one transaction, under an advisory lock so that two
 * cockpits starting at once do not both create them. Needs CREATE only while something is missing.
 * A database already at a newer version (a newer cockpit migrated it) is used as it is: migrations
 * only add.
 */
export async function migrate(db: DbConnection): Promise<{from: number; to: number}> {
	const found = await currentSchemaVersion(db);
	if (found >= schemaVersion) return {from: found, to: found};
	await db.query('BEGIN');
	try {
		await db.query("SELECT pg_advisory_xact_lock(hashtextextended('incident-tui schema', 0))");
		const from = await currentSchemaVersion(db);
		for (const migration of migrations) {
			if (migration.version <= from) continue;
			await db.query(migration.sql);
			await db.query(`COMMENT ON TABLE incident_events IS '${versionComment(migration.version)}'`);
		}
		await db.query('COMMIT');
		return {from, to: Math.max(from, schemaVersion)};
	} catch (error) {
		await db.query('ROLLBACK').catch(() => undefined);
		const code = (error as {code?: string}).code;
		if (code === '42501') {
			throw Object.assign(new Error(`cannot create the shared tables (${(error as Error).message}): connect once as a user who may CREATE in the database's schema, then grant INSERT and SELECT on incidents and incident_events to this one (see the README)`), {code});
		}
		throw error;
	}
}
