/**
 * The tests' door to a REAL PostgreSQL server (postgres-server.ts starts it): where the binaries are
 * missing, a failing test under CI (CI must install them), a skipped suite with a warning elsewhere.
 */
import {describe, it} from 'vitest';
import {findPostgres, postgresInstallHint} from './postgres-server.js';

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

