/**
 * A REAL PostgreSQL server (Debian's `postgresql`), made by a test with `initdb` in a temporary
 * directory and started on a free loopback port, as test/support/prometheus.ts starts Prometheus.
 * The server refuses to run as root, and the tests run as root: then every server command runs as
 * the `postgres` user (runuser), in directories chowned to it. `stop()` and `restart()` take the
 * database away and bring it back with its data, which is how a test makes it unreachable.
 *
 * Without vitest, so the sync bench (bench/sync-lag.ts) starts its server the same way; the tests'
 * skip-or-fail rule is postgres.ts.
 */
import {execFile} from 'node:child_process';
import {accessSync, constants, readdirSync} from 'node:fs';
import {chmod, chown, mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir, userInfo} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import net from 'node:net';

const run = promisify(execFile);

export const postgresInstallHint = 'apt-get update && apt-get install -y --no-install-recommends postgresql';

/** The newest /usr/lib/postgresql/N/bin with initdb and pg_ctl (N ≥ 13), or null. */
export function findPostgres(): string | null {
	const root = '/usr/lib/postgresql';
	let versions: number[];
	try {
		versions = readdirSync(root)
			.map(Number)
			.filter(v => Number.isInteger(v) && v >= 13)
			.sort((a, b) => b - a);
	} catch {
		return null;
	}
	for (const version of versions) {
		const bin = join(root, String(version), 'bin');
		try {
			accessSync(join(bin, 'initdb'), constants.X_OK);
			accessSync(join(bin, 'pg_ctl'), constants.X_OK);
			return bin;
		} catch {
			// try an older one
		}
	}
	return null;
}

export interface RunningPostgres {
	/** `postgres://postgres@127.0.0.1:PORT/postgres` (trust authentication on loopback). */
	url: string;
	port: number;
	/** Runs SQL through psql as the superuser (in `database`, a URL, default `url`); resolves to its output (unaligned, tuples only). */
	psql(sql: string, database?: string): Promise<string>;
	/** Creates a new, empty database (`d1`, `d2`, …) and resolves to its URL: a test's own, unseen by the others. */
	createDatabase(): Promise<string>;
	/** Stops the server (`pg_ctl stop -m fast`); the data stays. */
	stop(): Promise<void>;
	/** Starts it again on the same port with the same data. */
	restart(): Promise<void>;
	close(): Promise<void>;
	/** The server's log, for failure messages. */
	log(): Promise<string>;
}

/** A loopback port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const {port} = server.address() as net.AddressInfo;
	await new Promise<void>(resolve => server.close(() => resolve()));
	return port;
}

/**
 * Starts a fresh cluster: initdb (trust, superuser `postgres`), then pg_ctl start on a free port.
 * Tests run it with fsync off (they never crash the machine); `fsync: true` is a server as deployed.
 */
export async function startPostgres(bin: string, options: {fsync?: boolean} = {}): Promise<RunningPostgres> {
	const dir = await mkdtemp(join(tmpdir(), 'incident-tui-pg-'));
	const data = join(dir, 'data');
	const asRoot = userInfo().uid === 0;
	let owner: {uid: number; gid: number} | null = null;
	if (asRoot) {
		const {stdout} = await run('id', ['-u', 'postgres']);
		const {stdout: gid} = await run('id', ['-g', 'postgres']);
		owner = {uid: Number(stdout.trim()), gid: Number(gid.trim())};
		await chown(dir, owner.uid, owner.gid);
		await chmod(dir, 0o700);
	}
	/** Runs a server binary, as `postgres` when we are root. */
	const server = (command: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args]) : run(join(bin, command), args));

	const port = await freePort();
	const logFile = join(dir, 'log');
	const start = () => server('pg_ctl', ['-D', data, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=${options.fsync ? 'on' : 'off'}`, '-l', logFile, '-w', '-t', '30', 'start']);
	const stop = async () => {
		await server('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
	};
	const close = async () => {
		await stop();
		await rm(dir, {recursive: true, force: true});
	};
	try {
		await server('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
		await start();
	} catch (error) {
		await close();
		throw error;
	}
	const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
	let databases = 0;
	const psql = async (sql: string, database = url): Promise<string> => {
		const {stdout} = await run(join(bin, 'psql'), ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', database, '-c', sql]);
		return stdout;
	};
	return {
		url,
		port,
		psql,
		async createDatabase() {
			const name = `d${++databases}`;
			await psql(`CREATE DATABASE ${name}`);
			return url.replace(/\/postgres$/, `/${name}`);
		},
		stop,
		async restart() {
			await start();
		},
		close,
		async log() {
			return readFile(logFile, 'utf8').catch(() => '');
		},
	};
}
