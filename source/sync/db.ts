import type {SyncConnection} from './connection.js';

/**
 * The little the sync needs of a PostgreSQL connection. Its one implementation, pg-driver.ts, is the
 * only module that imports node-postgres, and it is loaded with import() when the sync first connects:
 * the single-file build keeps it compressed until then (scripts/build.mjs, lazyModules), off the path
 * to the first frame.
 */
export interface DbConnection {
	/** Runs one statement (or, without parameters, several); rows as node-postgres returns them. */
	query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
	/** LISTENs on `channel`; `onNotify` gets each notification's payload. */
	listen(channel: string, onNotify: (payload: string) => void): Promise<void>;
	/** Resolves (never rejects) when the connection breaks or ends, with why. */
	readonly lost: Promise<Error>;
	/** Ends the connection; a connection that does not answer is cut after a short wait. */
	close(): Promise<void>;
}

export interface DbOptions {
	connectionString: string;
	tls?: SyncConnection['tls'];
	/** Connecting, and each statement, must answer within this (client side; the server's statement_timeout too). */
	timeoutMs: number;
	applicationName: string;
}

export async function openDb(connection: SyncConnection, applicationName = 'incident-tui'): Promise<DbConnection> {
	const {connectPostgres} = await import('./pg-driver.js');
	return connectPostgres({connectionString: connection.connectionString, tls: connection.tls, timeoutMs: connection.timeoutMs, applicationName});
}
