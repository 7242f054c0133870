/**
 * The node-postgres implementation of db.ts's DbConnection. The only module that imports `pg`: it is
 * loaded with import() when the sync connects, and the single-file build embeds it compressed
 * (scripts/build.mjs, lazyModules).
 */
import pg from 'pg';
import type {DbConnection, DbOptions} from './db.js';

/** How long close() waits for the server's goodbye before cutting the socket. */
const closeWaitMs = 1000;

export async function connectPostgres(options: DbOptions): Promise<DbConnection> {
	const client = new pg.Client({
		connectionString: options.connectionString,
		...(options.tls ? {ssl: {rejectUnauthorized: options.tls.rejectUnauthorized, ...(options.tls.ca ? {ca: options.tls.ca} : {})}} : {}),
		connectionTimeoutMillis: options.timeoutMs,
		// A stalled link (no answer, no reset) fails the statement here, and the sync reconnects.
		query_timeout: options.timeoutMs,
		statement_timeout: options.timeoutMs,
		// A transaction left open by a cockpit whose link stalled ends on the server too.
		idle_in_transaction_session_timeout: options.timeoutMs * 3,
		keepAlive: true,
		application_name: options.applicationName,
	});
	let markLost: (error: Error) => void = () => {};
	const lost = new Promise<Error>(resolve => (markLost = resolve));
	let closing: Promise<void> | undefined;
	client.on('error', error => markLost(error));
	client.on('end', () => markLost(new Error('the connection ended')));
	try {
		await client.connect();
	} catch (error) {
		cut(client);
		throw error;
	}
	return {
		async query<Row>(sql: string, params?: unknown[]): Promise<Row[]> {
			const result = await client.query(sql, params);
			// Several statements in one string give one result each: the last one's rows are the answer.
			const last = Array.isArray(result) ? (result.at(-1) as pg.QueryResult | undefined) : result;
			return (last?.rows ?? []) as Row[];
		},
		async listen(channel, onNotify) {
			client.on('notification', message => {
				if (message.channel === channel) onNotify(message.payload ?? '');
			});
			await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
		},
		lost,
		close() {
			closing ??= endOrCut(client, markLost);
			return closing;
		},
	};
}

/** Says goodbye to the server; a link that does not answer within closeWaitMs is cut. */
async function endOrCut(client: pg.Client, markLost: (error: Error) => void): Promise<void> {
	markLost(new Error('closed'));
	let timer: NodeJS.Timeout | undefined;
	await Promise.race([client.end().catch(() => undefined), new Promise(resolve => (timer = setTimeout(resolve, closeWaitMs)))]);
	clearTimeout(timer);
	cut(client);
}

/** Destroys the socket under `client` (a stalled link never answers end()). */
function cut(client: pg.Client): void {
	const stream = (client as unknown as {connection?: {stream?: {destroy(): void}}}).connection?.stream;
	stream?.destroy();
}
