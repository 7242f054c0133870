/**
 * The tests' door to a REAL PostgreSQL server (postgres-server.ts starts it): where the binaries are
 * missing, a failing test under CI (CI must install them), a skipped suite with a warning elsewhere.
 */
import {afterAll, beforeAll, describe, it} from 'vitest';
import {findPostgres, postgresInstallHint, startPostgres, type RunningPostgres} from './postgres-server.js';

export {findPostgres, postgresInstallHint, startPostgres, type RunningPostgres} from './postgres-server.js';

/**
 * Where the server is missing: under CI a failing test (CI must install it), elsewhere a warning.
 * Returns the bin directory, or null when the caller should skip (`describe.skipIf(!bin)`).
 */
export function requirePostgres(suite: string): string | null {
	const bin = findPostgres();
	if (bin) return bin;
	if (process.env.CI === 'true') {
		describe(suite, () => {
			it('needs PostgreSQL under CI', () => {
				throw new Error(`no /usr/lib/postgresql/N/bin/initdb (N >= 13); CI must install it: ${postgresInstallHint}`);
			});
		});
	} else {
		console.warn(`\n*** SKIPPING ${suite}: no PostgreSQL server binaries.\n*** Install them to run them: ${postgresInstallHint}\n`);
	}
	return null;
}


/**
 * One real PostgreSQL server for the describe block it is called in: started before its first test
 * (initdb takes seconds), stopped after its last. Each test that needs its own data asks the server
 * for a new database (`createDatabase`).
 */
export function postgresForSuite(bin: string): {readonly server: RunningPostgres} {
	let server: RunningPostgres | undefined;
	beforeAll(async () => {
		server = await startPostgres(bin);
	}, 60_000);
	afterAll(async () => {
		await server?.close();
	});
	return {
		get server() {
			if (!server) throw new Error('the PostgreSQL server runs only during the suite\'s tests');
			return server;
		},
	};
}
