/**
 * A REAL Alertmanager (Debian's `prometheus-alertmanager`), started by a test on a free loopback
 * port with its own temporary config and data directory, as test/support/prometheus.ts starts
 * Prometheus. Alerts are posted and silences created through Alertmanager's own v2 API.
 */
import {spawn, type ChildProcess} from 'node:child_process';
import {accessSync, constants} from 'node:fs';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {delimiter, join} from 'node:path';
import {describe, it} from 'vitest';
import {closedPort} from '../clients/local-server.js';
import {waitFor} from './wait.js';

export const alertmanagerInstallHint = 'apt-get update && apt-get install -y --no-install-recommends prometheus-alertmanager';

/** The alertmanager binary (Debian names it prometheus-alertmanager), or null. */
export function findAlertmanager(): string | null {
	const names = ['prometheus-alertmanager', 'alertmanager'];
	const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin'];
	for (const dir of dirs) {
		for (const name of names) {
			try {
				accessSync(join(dir, name), constants.X_OK);
				return join(dir, name);
			} catch {
				// try the next one
			}
		}
	}
	return null;
}

/**
 * Where the binary is missing: under CI a failing test (CI must install it), elsewhere a warning.
 * Returns the binary, or null when the caller should skip (`describe.skipIf(!binary)`).
 */
export function requireAlertmanager(suite: string): string | null {
	const binary = findAlertmanager();
	if (binary) return binary;
	if (process.env.CI === 'true') {
		describe(suite, () => {
			it('needs the prometheus-alertmanager binary under CI', () => {
				throw new Error(`prometheus-alertmanager not found on PATH or in /usr/bin; CI must install it: ${alertmanagerInstallHint}`);
			});
		});
	} else {
		console.warn(`\n*** SKIPPING ${suite}: no prometheus-alertmanager binary.\n*** Install it to run them: ${alertmanagerInstallHint}\n`);
	}
	return null;
}

export interface PostedAlert {
	labels: Record<string, string>;
	annotations?: Record<string, string>;
	startsAt?: string;
	endsAt?: string;
	generatorURL?: string;
}

export interface Matcher {
	name: string;
	value: string;
	isRegex?: boolean;
	isEqual?: boolean;
}

/** A user Alertmanager's web config accepts: the password, and its bcrypt hash as the config holds it. */
export interface AlertmanagerUser {
	username: string;
	password: string;
	bcryptHash: string;
}

/**
 * The user `am-user` with password `am-secret`; the hash is bcrypt at cost 4 (the lowest, so each
 * request costs Alertmanager little), made once with Python's crypt module (METHOD_BLOWFISH).
 */
export const alertmanagerTestUser: AlertmanagerUser = {username: 'am-user', password: 'am-secret', bcryptHash: '$2b$04$YLHFREKQgRfwxi97QKVqZedcyZYUolF1c2PMJZZ9sDjWB.Lq/1562'};

export interface RunningAlertmanager {
	url: string;
	/** Posts alerts (firing unless endsAt is past) through POST /api/v2/alerts. */
	postAlerts(alerts: PostedAlert[]): Promise<void>;
	/** Creates a silence through POST /api/v2/silences; resolves to its id. */
	silence(matchers: Matcher[], options?: {minutes?: number; comment?: string; createdBy?: string}): Promise<string>;
	/** Expires a silence through DELETE /api/v2/silence/{id}. */
	expireSilence(id: string): Promise<void>;
	/** Stops the server (SIGTERM) and waits for it to exit; the data directory stays for restart(). */
	stop(): Promise<void>;
	/** Starts it again on the same port and data directory (silences survive). */
	restart(): Promise<void>;
	close(): Promise<void>;
	/** What the process wrote, for failure messages. */
	output(): string;
}

/**
 * Starts a real Alertmanager on a free loopback port with a minimal config (one receiver that
 * sends nothing), gossip off (`--cluster.listen-address=`), and a temporary data directory.
 * Resolves once /-/ready answers 200. `config` replaces the default YAML (e.g. inhibit rules).
 */
export async function startAlertmanager(binary: string, options: {config?: string; basicAuth?: AlertmanagerUser} = {}): Promise<RunningAlertmanager> {
	const dir = await mkdtemp(join(tmpdir(), 'incident-tui-am-'));
	const configFile = join(dir, 'alertmanager.yml');
	// With basicAuth, Alertmanager's web config (--web.config.file) refuses every request without the user's password.
	const webConfigFile = join(dir, 'web.yml');
	const authorization = options.basicAuth ? `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')}` : undefined;
	if (options.basicAuth) await writeFile(webConfigFile, ['basic_auth_users:', `  ${options.basicAuth.username}: ${JSON.stringify(options.basicAuth.bcryptHash)}`, ''].join('\n'));
	await writeFile(
		configFile,
		options.config ??
			['route:', '  receiver: "null"', '  group_by: [alertname]', '  group_wait: 0s', '  group_interval: 1s', 'receivers:', '  - name: "null"', ''].join('\n'),
	);
	const port = await closedPort();
	const url = `http://127.0.0.1:${port}`;
	let output = '';
	let child: ChildProcess | null = null;
	let exit: Promise<void> = Promise.resolve();
	let exited = true;

	const launch = async () => {
		exited = false;
		const proc = spawn(
			binary,
			[
				`--config.file=${configFile}`,
				`--storage.path=${join(dir, 'data')}`,
				`--web.listen-address=127.0.0.1:${port}`,
				'--cluster.listen-address=',
				'--log.level=warn',
				...(options.basicAuth ? [`--web.config.file=${webConfigFile}`] : []),
			],
			{stdio: ['ignore', 'pipe', 'pipe']},
		);
		child = proc;
		const keep = (chunk: Buffer) => {
			output = (output + chunk.toString()).slice(-20_000);
		};
		proc.stdout?.on('data', keep);
		proc.stderr?.on('data', keep);
		exit = new Promise<void>(resolve => proc.once('exit', () => ((exited = true), resolve())));
		await waitFor(
			async () => {
				if (exited) throw new Error(`alertmanager exited early:\n${output}`);
				const res = await fetch(`${url}/-/ready`, {headers: authorization ? {authorization} : {}}).catch(() => null);
				return res?.status === 200;
			},
			{timeoutMs: 20_000, intervalMs: 50, message: `alertmanager on ${url} did not become ready`},
		);
	};

	const stop = async () => {
		if (!child || exited) return;
		child.kill('SIGTERM');
		const timer = setTimeout(() => child?.kill('SIGKILL'), 5000);
		await exit;
		clearTimeout(timer);
	};

	const close = async () => {
		await stop();
		await rm(dir, {recursive: true, force: true});
	};

	const api = async (method: string, path: string, body?: unknown): Promise<unknown> => {
		const res = await fetch(`${url}/api/v2${path}`, {
			method,
			headers: {...(body === undefined ? {} : {'content-type': 'application/json'}), ...(authorization ? {authorization} : {})},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		if (!res.ok) throw new Error(`alertmanager ${method} ${path}: HTTP ${res.status}: ${text}`);
		return text ? (JSON.parse(text) as unknown) : null;
	};

	try {
		await launch();
	} catch (error) {
		await close();
		throw error;
	}

	return {
		url,
		async postAlerts(alerts) {
			await api('POST', '/alerts', alerts);
		},
		async silence(matchers, opts = {}) {
			const startsAt = new Date().toISOString();
			const endsAt = new Date(Date.now() + (opts.minutes ?? 60) * 60_000).toISOString();
			const answer = (await api('POST', '/silences', {
				matchers: matchers.map(m => ({isRegex: false, isEqual: true, ...m})),
				startsAt,
				endsAt,
				createdBy: opts.createdBy ?? 'test',
				comment: opts.comment ?? 'silenced by a test',
			})) as {silenceID: string};
			return answer.silenceID;
		},
		async expireSilence(id) {
			await api('DELETE', `/silence/${encodeURIComponent(id)}`);
		},
		stop,
		restart: launch,
		close,
		output: () => output,
	};
}
